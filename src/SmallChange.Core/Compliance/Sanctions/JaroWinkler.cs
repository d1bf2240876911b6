namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// Jaro and Jaro–Winkler similarity (0 = nothing in common, 1 = equal) of two strings, compared by UTF-16 code unit.
/// Winkler's boost: <c>jw = jaro + ℓ · p · (1 − jaro)</c> for a common prefix of ℓ ≤ 4 characters, p = 0.1,
/// applied only when jaro ≥ 0.7. Allocation-free for strings up to 256 characters.
/// </summary>
public static class JaroWinkler
{
    public const double PrefixScale = 0.1;
    public const int MaxPrefix = 4;
    public const double BoostThreshold = 0.7;

    public static double Similarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var jaro = Jaro(a, b);
        if (jaro < BoostThreshold)
        {
            return jaro;
        }

        var prefix = 0;
        var max = Math.Min(MaxPrefix, Math.Min(a.Length, b.Length));
        while (prefix < max && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return jaro + prefix * PrefixScale * (1 - jaro);
    }

    public static double Jaro(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == b.Length ? 1 : 0;
        }

        if (a.SequenceEqual(b))
        {
            return 1;
        }

        if (a.Length > b.Length)
        {
            var t = a;
            a = b;
            b = t;
        }

        var window = Math.Max(0, b.Length / 2 - 1);
        Span<bool> aFlags = a.Length <= 256 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> bFlags = b.Length <= 256 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var lo = Math.Max(0, i - window);
            var hi = Math.Min(b.Length - 1, i + window);
            var c = a[i];
            for (var j = lo; j <= hi; j++)
            {
                if (!bFlags[j] && b[j] == c)
                {
                    aFlags[i] = true;
                    bFlags[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aFlags[i])
            {
                continue;
            }

            while (!bFlags[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                transpositions++;
            }

            k++;
        }

        double m = matches;
        return (m / a.Length + m / b.Length + (m - transpositions / 2) / m) / 3.0;
    }
}
