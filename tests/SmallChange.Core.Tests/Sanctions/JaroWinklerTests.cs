using FsCheck;
using FsCheck.Fluent;
using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Core.Tests.Sanctions;

public class JaroWinklerTests
{
    // Reference values from Winkler (1990) and the usual textbook examples.
    [Theory]
    [InlineData("martha", "marhta", 0.961)]
    [InlineData("dwayne", "duane", 0.840)]
    [InlineData("dixon", "dicksonx", 0.813)]
    [InlineData("jones", "johnson", 0.832)]
    [InlineData("abcd", "abcd", 1.0)]
    [InlineData("abc", "xyz", 0.0)]
    [InlineData("", "", 1.0)]
    [InlineData("a", "", 0.0)]
    public void Similarity_KnownPairs_MatchPublishedValues(string a, string b, double expected)
    {
        Assert.Equal(expected, JaroWinkler.Similarity(a, b), 3);
    }

    [Fact]
    public void Similarity_SwappedArguments_Symmetric()
    {
        Assert.Equal(JaroWinkler.Similarity("abdulrahman", "abdurrahman"), JaroWinkler.Similarity("abdurrahman", "abdulrahman"), 12);
    }

    [Fact]
    public void Similarity_NonLatinCharacters_UsesGeneralPathWithSameDefinition()
    {
        // Same strings shifted into Cyrillic code points must give the same value as their Latin originals.
        static string Shift(string s) => new(s.Select(c => (char)(c - 'a' + 'а')).ToArray());

        Assert.Equal(JaroWinkler.Similarity("martha", "marhta"), JaroWinkler.Similarity(Shift("martha"), Shift("marhta")), 12);
    }

    [Fact]
    public void Similarity_RandomTokens_BitParallelPathEqualsReference()
    {
        var letters = Gen.Elements('a', 'b', 'd', 'h', 'm', 'o', 'u');
        var token = Gen.Choose(1, 14).SelectMany(n => Gen.ArrayOf(letters, n)).Select(cs => new string(cs));
        var property = Prop.ForAll(Arb.From(token), Arb.From(token), (a, b) =>
            Math.Abs(JaroWinkler.Similarity(a, b) - Reference(a, b)) < 1e-12);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    /// <summary>The textbook algorithm with boolean flags, shorter string first (the library's convention).</summary>
    private static double Reference(string a, string b)
    {
        if (a.Length > b.Length)
        {
            (a, b) = (b, a);
        }

        if (a == b)
        {
            return 1;
        }

        var window = Math.Max(0, b.Length / 2 - 1);
        var af = new bool[a.Length];
        var bf = new bool[b.Length];
        var m = 0;
        for (var i = 0; i < a.Length; i++)
        {
            for (var j = Math.Max(0, i - window); j <= Math.Min(b.Length - 1, i + window); j++)
            {
                if (!bf[j] && a[i] == b[j])
                {
                    af[i] = bf[j] = true;
                    m++;
                    break;
                }
            }
        }

        if (m == 0)
        {
            return 0;
        }

        var t = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!af[i])
            {
                continue;
            }

            while (!bf[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                t++;
            }

            k++;
        }

        var jaro = ((double)m / a.Length + (double)m / b.Length + (m - t / 2) / (double)m) / 3;
        if (jaro < 0.7)
        {
            return jaro;
        }

        var p = 0;
        while (p < 4 && p < a.Length && a[p] == b[p])
        {
            p++;
        }

        return jaro + p * 0.1 * (1 - jaro);
    }
}
