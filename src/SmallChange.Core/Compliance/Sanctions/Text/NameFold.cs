using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace SmallChange.Core.Compliance.Sanctions.Text;

/// <summary>
/// Folds text to a matching key one code point at a time: Unicode NFKC compatibility mapping, case folding and removal
/// of diacritics (decompose, drop combining marks), from a table generated from the Unicode data
/// (<c>NameFoldTable.g.cs</c>, see <c>gen_fold_table.py</c>). It does not rely on <see cref="string.Normalize()"/>, which
/// does nothing under the project's <c>InvariantGlobalization</c>, so the result is the same on every machine.
/// Hangul syllables are passed through untouched (the romaniser decomposes them).
/// </summary>
internal static partial class NameFold
{
    private static readonly FrozenDictionary<int, string> Table = ParseTable();

    /// <summary>Latin letters that have no Unicode decomposition but whose base letter is obvious.</summary>
    private static readonly FrozenDictionary<int, string> Extra = new Dictionary<int, string>
    {
        ['ø'] = "o", ['ł'] = "l", ['đ'] = "d", ['ħ'] = "h", ['ı'] = "i", ['æ'] = "ae", ['œ'] = "oe", ['þ'] = "th",
        ['ð'] = "d", ['ŧ'] = "t", ['ƀ'] = "b", ['ɨ'] = "i", ['ƶ'] = "z", ['ŋ'] = "n", ['ĸ'] = "k", ['ſ'] = "s",
        ['ɗ'] = "d", ['ɓ'] = "b", ['ƙ'] = "k", ['ƴ'] = "y", ['ǥ'] = "g", ['ȥ'] = "z",
    }.ToFrozenDictionary();

    public static bool IsHangulSyllable(int cp) => cp is >= 0xAC00 and <= 0xD7A3;

    /// <summary>Appends the folded form of <paramref name="text"/> to <paramref name="sb"/>.</summary>
    public static void Append(StringBuilder sb, string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            AppendRune(sb, rune.Value);
        }
    }

    public static string Fold(string text)
    {
        var sb = new StringBuilder(text.Length);
        Append(sb, text);
        return sb.ToString();
    }

    private static void AppendRune(StringBuilder sb, int cp)
    {
        if (cp < 0x80)
        {
            sb.Append(char.ToLowerInvariant((char)cp));
            return;
        }

        if (IsHangulSyllable(cp))
        {
            sb.Append((char)cp);
            return;
        }

        if (Table.TryGetValue(cp, out var mapped))
        {
            foreach (var ch in mapped)
            {
                AppendLower(sb, ch);
            }

            return;
        }

        if (IsMark(cp))
        {
            return;
        }

        if (cp > 0xFFFF)
        {
            sb.Append(char.ConvertFromUtf32(cp));
            return;
        }

        AppendLower(sb, (char)cp);
    }

    private static void AppendLower(StringBuilder sb, char ch)
    {
        var lower = char.ToLowerInvariant(ch);
        if (Extra.TryGetValue(lower, out var e))
        {
            sb.Append(e);
        }
        else
        {
            sb.Append(lower);
        }
    }

    private static bool IsMark(int cp)
    {
        var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }

    private static FrozenDictionary<int, string> ParseTable()
    {
        var d = new Dictionary<int, string>(6200);
        foreach (var entry in TableData.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var cp = int.Parse(entry.AsSpan(0, eq), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var sb = new StringBuilder(4);
            foreach (var part in entry[(eq + 1)..].Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                sb.Append(char.ConvertFromUtf32(int.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            d[cp] = sb.ToString();
        }

        return d.ToFrozenDictionary();
    }
}
