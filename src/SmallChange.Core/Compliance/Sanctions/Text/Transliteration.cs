using System.Collections.Frozen;

namespace SmallChange.Core.Compliance.Sanctions.Text;

/// <summary>Which script a token was written in before it was turned into Latin letters.</summary>
internal enum TokenScript : byte
{
    Latin = 0,
    Hangul = 1,
    Cyrillic = 2,
    Greek = 3,
    /// <summary>Arabic, Persian, Urdu, Hebrew: short vowels are not written, so tokens are compared on consonants too.</summary>
    Abjad = 4,
    Other = 5,
}

/// <summary>
/// Letter-by-letter transliteration of Cyrillic (close to BGN/PCGN), Greek (ELOT 743 without accents), Arabic and
/// Persian letters, and Hebrew letters, into lower-case Latin; plus a short dictionary of very common Arabic given names
/// (whose short vowels a letter map cannot know). Input is lower case. A best effort, not a standard: list entries
/// are in Latin script, so this only has to bring a query close enough for the fuzzy scorer.
/// </summary>
internal static class Transliteration
{
    private static readonly FrozenDictionary<char, string> Cyrillic = new Dictionary<char, string>
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['е'] = "e", ['ё'] = "e", ['ж'] = "zh",
        ['з'] = "z", ['и'] = "i", ['й'] = "y", ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o",
        ['п'] = "p", ['р'] = "r", ['с'] = "s", ['т'] = "t", ['у'] = "u", ['ф'] = "f", ['х'] = "kh", ['ц'] = "ts",
        ['ч'] = "ch", ['ш'] = "sh", ['щ'] = "shch", ['ъ'] = "", ['ы'] = "y", ['ь'] = "", ['э'] = "e", ['ю'] = "yu",
        ['я'] = "ya", ['і'] = "i", ['ї'] = "yi", ['є'] = "ye", ['ґ'] = "g", ['ў'] = "u", ['ђ'] = "dj", ['ј'] = "j",
        ['љ'] = "lj", ['њ'] = "nj", ['ћ'] = "c", ['џ'] = "dz", ['ѓ'] = "gj", ['ќ'] = "kj", ['ѕ'] = "dz", ['ә'] = "a",
        ['ғ'] = "gh", ['қ'] = "q", ['ң'] = "ng", ['ө'] = "o", ['ұ'] = "u", ['ү'] = "u", ['һ'] = "h",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<char, string> Greek = new Dictionary<char, string>
    {
        ['α'] = "a", ['β'] = "v", ['γ'] = "g", ['δ'] = "d", ['ε'] = "e", ['ζ'] = "z", ['η'] = "i", ['θ'] = "th",
        ['ι'] = "i", ['κ'] = "k", ['λ'] = "l", ['μ'] = "m", ['ν'] = "n", ['ξ'] = "x", ['ο'] = "o", ['π'] = "p",
        ['ρ'] = "r", ['σ'] = "s", ['ς'] = "s", ['τ'] = "t", ['υ'] = "y", ['φ'] = "f", ['χ'] = "ch", ['ψ'] = "ps",
        ['ω'] = "o",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<char, string> Arabic = new Dictionary<char, string>
    {
        ['ا'] = "a", ['أ'] = "a", ['إ'] = "i", ['آ'] = "a", ['ٱ'] = "a", ['ء'] = "", ['ؤ'] = "u", ['ئ'] = "i",
        ['ب'] = "b", ['ت'] = "t", ['ث'] = "th", ['ج'] = "j", ['ح'] = "h", ['خ'] = "kh", ['د'] = "d", ['ذ'] = "dh",
        ['ر'] = "r", ['ز'] = "z", ['س'] = "s", ['ش'] = "sh", ['ص'] = "s", ['ض'] = "d", ['ط'] = "t", ['ظ'] = "z",
        ['ع'] = "", ['غ'] = "gh", ['ف'] = "f", ['ق'] = "q", ['ك'] = "k", ['ل'] = "l", ['م'] = "m", ['ن'] = "n",
        ['ه'] = "h", ['ة'] = "a", ['و'] = "w", ['ي'] = "y", ['ى'] = "a", ['پ'] = "p", ['چ'] = "ch", ['ژ'] = "zh",
        ['گ'] = "g", ['ک'] = "k", ['ی'] = "y", ['ٹ'] = "t", ['ڈ'] = "d", ['ڑ'] = "r", ['ں'] = "n", ['ھ'] = "h",
        ['ہ'] = "h", ['ے'] = "e", ['ۀ'] = "a", ['ـ'] = "",
        // Hebrew (final forms included).
        ['א'] = "", ['ב'] = "v", ['ג'] = "g", ['ד'] = "d", ['ה'] = "h", ['ו'] = "v", ['ז'] = "z", ['ח'] = "ch",
        ['ט'] = "t", ['י'] = "y", ['כ'] = "k", ['ך'] = "kh", ['ל'] = "l", ['מ'] = "m", ['ם'] = "m", ['נ'] = "n",
        ['ן'] = "n", ['ס'] = "s", ['ע'] = "", ['פ'] = "p", ['ף'] = "f", ['צ'] = "ts", ['ץ'] = "ts", ['ק'] = "k",
        ['ר'] = "r", ['ש'] = "sh", ['ת'] = "t",
    }.ToFrozenDictionary();

    /// <summary>Common Arabic-script given names with their usual Latin spellings (first = canonical).</summary>
    private static readonly FrozenDictionary<string, string[]> ArabicNames = new Dictionary<string, string[]>
    {
        ["محمد"] = ["muhammad", "mohammed", "mohamed", "mohammad"],
        ["احمد"] = ["ahmad", "ahmed"],
        ["علي"] = ["ali"],
        ["علی"] = ["ali"],
        ["حسن"] = ["hasan", "hassan"],
        ["حسين"] = ["husayn", "hussein", "husain", "hossein"],
        ["حسین"] = ["husayn", "hossein", "hussein", "husain"],
        ["خالد"] = ["khalid", "khaled"],
        ["محمود"] = ["mahmud", "mahmoud"],
        ["عبد"] = ["abd", "abdul", "abdel"],
        ["الله"] = ["allah", "ullah"],
        ["عبدالله"] = ["abdullah", "abdallah"],
        ["عمر"] = ["umar", "omar"],
        ["عثمان"] = ["uthman", "osman", "othman"],
        ["ابراهيم"] = ["ibrahim", "ebrahim"],
        ["ابراهیم"] = ["ibrahim", "ebrahim"],
        ["يوسف"] = ["yusuf", "yousef", "youssef"],
        ["یوسف"] = ["yusuf", "yousef", "youssef"],
        ["مصطفى"] = ["mustafa", "mostafa"],
        ["سعيد"] = ["said", "saeed", "saied"],
        ["صالح"] = ["salih", "saleh"],
        ["سالم"] = ["salim", "salem"],
        ["جمال"] = ["jamal", "gamal"],
        ["ناصر"] = ["nasir", "nasser"],
        ["موسى"] = ["musa", "moussa"],
        ["عيسى"] = ["isa", "issa"],
        ["يحيى"] = ["yahya"],
        ["اسامة"] = ["usama", "osama"],
        ["خليل"] = ["khalil"],
        ["كريم"] = ["karim", "kareem"],
        ["رحمن"] = ["rahman"],
        ["فاطمة"] = ["fatima", "fatimah"],
        ["مريم"] = ["maryam", "mariam"],
        ["زينب"] = ["zaynab", "zeinab"],
        ["رضا"] = ["reza", "rida"],
        ["مهدي"] = ["mahdi", "mehdi"],
        ["مهدی"] = ["mahdi", "mehdi"],
        ["جعفر"] = ["jafar", "jaafar"],
        ["طارق"] = ["tariq", "tarek"],
        ["عادل"] = ["adil", "adel"],
        ["فيصل"] = ["faisal", "faysal"],
        ["حمزة"] = ["hamza"],
        ["سليمان"] = ["sulayman", "suleiman"],
        ["بكر"] = ["bakr", "bakir"],
        ["ابو"] = ["abu"],
        ["بن"] = ["bin", "ben"],
    }.ToFrozenDictionary();

    public static bool IsCyrillic(char c) => c is >= '\u0400' and <= '\u052F';

    public static bool IsGreek(char c) => c is >= '\u0370' and <= '\u03FF';

    public static bool IsAbjad(char c) => c is (>= '\u0600' and <= '\u06FF') or (>= '\u0750' and <= '\u077F') or (>= '\u05D0' and <= '\u05EA');

    /// <summary>The script of a folded word: the first letter that is not Latin decides.</summary>
    public static TokenScript ScriptOf(string word)
    {
        foreach (var c in word)
        {
            if (c < 0x80)
            {
                continue;
            }

            if (IsCyrillic(c))
            {
                return TokenScript.Cyrillic;
            }

            if (IsGreek(c))
            {
                return TokenScript.Greek;
            }

            if (IsAbjad(c))
            {
                return TokenScript.Abjad;
            }

            if (NameFold.IsHangulSyllable(c))
            {
                return TokenScript.Hangul;
            }

            return TokenScript.Other;
        }

        return TokenScript.Latin;
    }

    /// <summary>
    /// Latin spellings of a folded Cyrillic, Greek or abjad word (first = the letter-by-letter form); the word itself
    /// (one element) for any other script.
    /// </summary>
    public static string[] Spellings(string word, TokenScript script)
    {
        switch (script)
        {
            case TokenScript.Cyrillic:
                return CyrillicVariants(Map(word, Cyrillic));
            case TokenScript.Greek:
                return [Map(word.Replace("ου", "ou", StringComparison.Ordinal), Greek)];
            case TokenScript.Abjad:
            {
                var w = word.Replace("\u0640", "", StringComparison.Ordinal);
                if (ArabicNames.TryGetValue(w.Replace('أ', 'ا').Replace('إ', 'ا'), out var known))
                {
                    return known;
                }

                // "al" written together with the name (الرحمن): the article is a particle, the rest is the name.
                if (w.Length > 3 && w.StartsWith("ال", StringComparison.Ordinal) && ArabicNames.TryGetValue(w[2..], out var afterAl))
                {
                    return afterAl;
                }

                var mapped = Map(w, Arabic);
                return [VowelizeAbjad(mapped)];
            }

            default:
                return [word];
        }
    }

    /// <summary>
    /// A consonant skeleton: vowels and doubled letters removed, w/v and y merged (<c>moshe</c> → <c>msh</c>,
    /// <c>david</c> → <c>dvd</c>). Used to compare tokens from scripts that do not write short vowels.
    /// </summary>
    public static string Skeleton(string token)
    {
        Span<char> buf = stackalloc char[Math.Min(token.Length, 64)];
        return new string(buf[..Skeleton(token, buf)]);
    }

    /// <summary>Writes the consonant skeleton of <paramref name="token"/> into <paramref name="buf"/>; returns its length.</summary>
    public static int Skeleton(ReadOnlySpan<char> token, Span<char> buf)
    {
        var n = 0;
        var prev = '\0';
        foreach (var c0 in token[..Math.Min(token.Length, buf.Length)])
        {
            var c = c0 == 'w' ? 'v' : c0;
            if (c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y' || c == prev)
            {
                prev = c;
                continue;
            }

            buf[n++] = c;
            prev = c;
        }

        return n;
    }

    private static string Map(string word, FrozenDictionary<char, string> map)
    {
        var sb = new System.Text.StringBuilder(word.Length + 4);
        foreach (var c in word)
        {
            if (map.TryGetValue(c, out var s))
            {
                sb.Append(s);
            }
            else if (c < 0x80)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string[] CyrillicVariants(string t)
    {
        var variants = new List<string> { t };
        void Add(string v)
        {
            if (v.Length > 0 && !variants.Contains(v))
            {
                variants.Add(v);
            }
        }

        // Дмитрий → dmitriy / dmitry / dmitri; Александр → aleksandr / alexandr / alexander.
        if (t.EndsWith("iy", StringComparison.Ordinal) || t.EndsWith("yy", StringComparison.Ordinal))
        {
            Add(t[..^2] + "y");
            Add(t[..^2] + "i");
        }

        if (t.Contains("ks", StringComparison.Ordinal))
        {
            Add(t.Replace("ks", "x", StringComparison.Ordinal));
        }

        if (t.EndsWith("andr", StringComparison.Ordinal))
        {
            Add(t.Replace("ks", "x", StringComparison.Ordinal)[..^1] + "er");
        }

        if (t.Contains("kh", StringComparison.Ordinal))
        {
            Add(t.Replace("kh", "h", StringComparison.Ordinal));
        }

        return [.. variants];
    }

    /// <summary>
    /// Letter-mapped Arabic has no short vowels and writes long vowels as consonant letters: turn w and y between
    /// consonants into u and i (<c>mhmwd</c> → <c>mhmud</c>), which brings it closer to the Latin spellings.
    /// </summary>
    private static string VowelizeAbjad(string s)
    {
        if (s.Length < 2)
        {
            return s;
        }

        var chars = s.ToCharArray();
        for (var i = 1; i < chars.Length; i++)
        {
            var prevIsVowel = chars[i - 1] is 'a' or 'e' or 'i' or 'o' or 'u';
            if (chars[i] == 'w' && !prevIsVowel)
            {
                chars[i] = 'u';
            }
            else if (chars[i] == 'y' && !prevIsVowel)
            {
                chars[i] = 'i';
            }
        }

        return new string(chars);
    }
}
