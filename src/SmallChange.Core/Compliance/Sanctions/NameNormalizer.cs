using System.Collections.Frozen;
using System.Text;
using SmallChange.Core.Compliance.Sanctions.Text;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// One word of a normalised name with the spellings it may have in a list (first = <see cref="Text"/>): one spelling
/// for Latin-script input, several for a romanised Hangul syllable or a transliterated Cyrillic/Arabic word.
/// </summary>
public sealed class NameToken
{
    internal NameToken(string text, string[] spellings, TokenScript script)
    {
        Text = text;
        SpellingArray = spellings;
        Script = script;
        Skeleton = script == TokenScript.Abjad ? Transliteration.Skeleton(text) : null;
    }

    /// <summary>The main spelling: lower-case, no diacritics, no punctuation.</summary>
    public string Text { get; }

    /// <summary>All spellings tried, <see cref="Text"/> first.</summary>
    public IReadOnlyList<string> Spellings => SpellingArray;

    internal string[] SpellingArray { get; }

    internal TokenScript Script { get; }

    /// <summary>Consonant skeleton, for tokens from scripts that do not write short vowels.</summary>
    internal string? Skeleton { get; }

    /// <summary>Derived from a name, so redacted.</summary>
    public override string ToString() => "[redacted token]";
}

/// <summary>A name after normalisation: its tokens, in the order written (the scorer ignores the order). Redacts.</summary>
public sealed class NormalizedName
{
    internal NormalizedName(IReadOnlyList<NameToken> tokens) => Tokens = tokens;

    public IReadOnlyList<NameToken> Tokens { get; }

    /// <summary>The main spellings joined by single spaces (e.g. <c>kim jong un</c>).</summary>
    public string Key => string.Join(' ', Tokens.Select(t => t.Text));

    public bool IsEmpty => Tokens.Count == 0;

    public override string ToString() => $"NormalizedName {{ {Tokens.Count} tokens, [redacted] }}";
}

/// <summary>
/// Turns a name as written into tokens for matching: Unicode NFKC, invariant case folding and removal of diacritics
/// (decompose, drop combining marks) via <see cref="NameFold"/>; apostrophes dropped inside words
/// (<c>NU'MAN</c> → <c>numan</c>); every other punctuation mark is a word break; whitespace collapsed. Words in Hangul
/// are romanised (<see cref="HangulRomanizer"/>), Cyrillic, Greek, Arabic-script and Hebrew words transliterated.
/// Pure and thread-safe.
/// </summary>
public static class NameNormalizer
{
    /// <summary>Characters removed without breaking the word: apostrophes and the letters that stand for ʿayn and hamza.</summary>
    private static readonly FrozenSet<char> Joiners = new[] { '\'', '’', '‘', '`', 'ʼ', 'ʻ', 'ʹ', '′', 'ʿ', 'ʾ' }.ToFrozenSet();

    /// <summary>Characters of a name looked at; the rest is ignored (no name is longer, and work stays bounded).</summary>
    public const int MaxNameLength = 1_000;

    public static NormalizedName Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return new NormalizedName([]);
        }

        var folded = NameFold.Fold(name.Length > MaxNameLength ? name[..MaxNameLength] : name);
        var words = SplitWords(folded);
        var tokens = new List<NameToken>(words.Count + 2);
        var hangul = new List<string>();
        foreach (var word in words)
        {
            var script = Transliteration.ScriptOf(word);
            if (script == TokenScript.Hangul && word.All(HangulRomanizer.IsHangulSyllable))
            {
                hangul.Add(word);
                continue;
            }

            FlushHangul(hangul, tokens);
            var spellings = script == TokenScript.Hangul
                ? [HangulRomanizer.Romanize(word)]
                : Transliteration.Spellings(word, script);
            if (spellings.Length == 0 || spellings[0].Length == 0)
            {
                continue;
            }

            tokens.Add(new NameToken(spellings[0], spellings, script));
        }

        FlushHangul(hangul, tokens);
        return new NormalizedName(tokens);
    }

    /// <summary>The normalised main spelling of a name: tokens joined by single spaces.</summary>
    public static string Key(string? name) => Normalize(name).Key;

    private static void FlushHangul(List<string> hangul, List<NameToken> tokens)
    {
        if (hangul.Count == 0)
        {
            return;
        }

        foreach (var spellings in HangulRomanizer.NameTokens(hangul))
        {
            tokens.Add(new NameToken(spellings[0], spellings, TokenScript.Hangul));
        }

        hangul.Clear();
    }

    private static List<string> SplitWords(string folded)
    {
        var words = new List<string>(6);
        var sb = new StringBuilder(folded.Length);
        for (var i = 0; i < folded.Length; i++)
        {
            var c = folded[i];
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < folded.Length && char.IsLetterOrDigit(folded, i))
                {
                    sb.Append(c).Append(folded[i + 1]);
                }

                if (char.IsHighSurrogate(c))
                {
                    i++;
                }
            }
            else if (Joiners.Contains(c))
            {
                // dropped inside the word
            }
            else if (sb.Length > 0)
            {
                words.Add(sb.ToString());
                sb.Clear();
            }
        }

        if (sb.Length > 0)
        {
            words.Add(sb.ToString());
        }

        return words;
    }
}
