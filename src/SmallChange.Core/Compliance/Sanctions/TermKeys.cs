namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// Lookup keys of a token for <see cref="NameIndex"/>: 32-bit hashes of the token, of the token with each one character
/// deleted, of its phonetic skeleton, and of the skeleton's first five letters when it is longer (three key spaces,
/// salted). Two tokens share a key when they differ by one edit or an adjacent swap, when their skeletons are equal, or
/// when long skeletons begin alike. (Deleting characters from the skeleton too was tried: it found five times as many
/// terms, nearly all rejected by the similarity check, for no better recall.) Hash collisions only propose extra
/// terms, which the similarity check then rejects.
/// </summary>
internal static class TermKeys
{
    public const int MaxLength = 48;
    public const int MaxKeys = MaxLength + 3;

    private const uint RawSalt = 2166136261;
    private const uint SkeletonSalt = 0x9E3779B9;
    private const uint PrefixSalt = 0x7F4A7C15;

    /// <summary>Writes the keys of <paramref name="token"/> (duplicates possible) and returns how many.</summary>
    public static int Compute(ReadOnlySpan<char> token, Span<int> keys)
    {
        var t = token.Length > MaxLength ? token[..MaxLength] : token;
        var n = 0;
        keys[n++] = Hash(t, -1, RawSalt);
        if (t.Length > 1)
        {
            for (var i = 0; i < t.Length; i++)
            {
                keys[n++] = Hash(t, i, RawSalt);
            }
        }

        Span<char> buf = stackalloc char[MaxLength];
        var len = Skeleton(t, buf);
        var sk = buf[..len];
        if (len > 0)
        {
            keys[n++] = Hash(sk, -1, SkeletonSalt);
        }

        // Long skeletons also by their first five letters: names that differ in an ending (alexandros/alexander,
        // skeletons alxndrs/alxndr) meet there.
        if (len > 5)
        {
            keys[n++] = Hash(sk[..5], -1, PrefixSalt);
        }

        return n;
    }

    /// <summary>
    /// A consonant skeleton for transliteration variants: the first letter kept, then vowels (a e i o u y) dropped, h
    /// after a consonant dropped (kh, sh, th, dh, gh, ph, ch), c/k/q → k, z → s, v → w, and repeated letters collapsed.
    /// </summary>
    public static int Skeleton(ReadOnlySpan<char> token, Span<char> buf)
    {
        var n = 0;
        var prevWasConsonant = false;
        for (var i = 0; i < token.Length && n < buf.Length; i++)
        {
            var c = token[i];
            if (i == 0)
            {
                buf[n++] = Class(c);
                prevWasConsonant = !IsVowel(c);
                continue;
            }

            if (IsVowel(c))
            {
                prevWasConsonant = false;
                continue;
            }

            if (c == 'h' && prevWasConsonant)
            {
                continue;
            }

            var k = Class(c);
            prevWasConsonant = true;
            if (buf[n - 1] != k)
            {
                buf[n++] = k;
            }
        }

        return n;
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    private static char Class(char c) => c switch
    {
        'c' or 'q' => 'k',
        'z' => 's',
        'v' => 'w',
        _ => c,
    };

    /// <summary>FNV-1a over the characters, skipping index <paramref name="skip"/> (−1: none).</summary>
    private static int Hash(ReadOnlySpan<char> s, int skip, uint salt)
    {
        unchecked
        {
            var h = salt;
            for (var i = 0; i < s.Length; i++)
            {
                if (i == skip)
                {
                    continue;
                }

                h = (h ^ s[i]) * 16777619;
            }

            h ^= (uint)(s.Length - (skip >= 0 ? 1 : 0));
            return (int)(h * 0x85EBCA6B);
        }
    }
}
