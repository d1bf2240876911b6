namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// Jaro and Jaro–Winkler similarity (0 = nothing in common, 1 = equal) of two strings, compared by UTF-16 code unit.
/// Winkler's boost: <c>jw = jaro + ℓ · p · (1 − jaro)</c> for a common prefix of ℓ ≤ 4 characters, p = 0.1,
/// applied only when jaro ≥ 0.7. Allocation-free for strings up to 256 characters; strings of at most 64 characters
/// from a–z and 0–9 (normalised name tokens) take a bit-parallel path: a bitmask of positions per character, so
/// finding the first unmatched occurrence within the match window is one AND and one trailing-zero count.
/// </summary>
public static class JaroWinkler
{
    public const double PrefixScale = 0.1;
    public const int MaxPrefix = 4;

    private static readonly System.Buffers.SearchValues<char> Alnum = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");
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

        if (b.Length <= 64 && !a.ContainsAnyExcept(Alnum) && !b.ContainsAnyExcept(Alnum))
        {
            return JaroBits(a, b);
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

    /// <summary>
    /// The same computation with 64-bit masks: <paramref name="a"/> no longer than <paramref name="b"/>, both a–z/0–9,
    /// at most 64 long. Index arithmetic on such short strings cannot overflow, so it is unchecked (the hot loop of a
    /// screening).
    /// </summary>
    private static double JaroBits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        unchecked
        {
            Span<ulong> positions = stackalloc ulong[36];
            positions.Clear();
            for (var j = 0; j < b.Length; j++)
            {
                positions[Slot(b[j])] |= 1UL << j;
            }

            var window = Math.Max(0, (b.Length / 2) - 1);
            ulong aUsed = 0, bUsed = 0;
            var matches = 0;
            for (var i = 0; i < a.Length; i++)
            {
                var lo = Math.Max(0, i - window);
                var hi = Math.Min(b.Length - 1, i + window);
                var width = hi - lo + 1;
                var range = (width >= 64 ? ulong.MaxValue : (1UL << width) - 1) << lo;
                var candidates = positions[Slot(a[i])] & range & ~bUsed;
                if (candidates != 0)
                {
                    bUsed |= candidates & (~candidates + 1);
                    aUsed |= 1UL << i;
                    matches++;
                }
            }

            if (matches == 0)
            {
                return 0;
            }

            var transpositions = 0;
            while (aUsed != 0)
            {
                var i = System.Numerics.BitOperations.TrailingZeroCount(aUsed);
                var j = System.Numerics.BitOperations.TrailingZeroCount(bUsed);
                if (a[i] != b[j])
                {
                    transpositions++;
                }

                aUsed &= aUsed - 1;
                bUsed &= bUsed - 1;
            }

            double m = matches;
            return ((m / a.Length) + (m / b.Length) + ((m - (transpositions / 2)) / m)) / 3.0;
        }
    }

    private static int Slot(char c) => unchecked(c <= '9' ? 26 + (c - '0') : c - 'a');
}
