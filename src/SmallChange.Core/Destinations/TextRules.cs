using System.Buffers;
using System.Globalization;
using System.Text;
using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>Input hygiene shared by every format: length cap, control characters, separators, masking.</summary>
internal static class TextRules
{
    /// <summary>No destination field may be longer than this many UTF-16 code units.</summary>
    internal const int MaxLength = 256;

    /// <summary>The bullet used to mask a value for display.</summary>
    internal const string MaskDots = "••••";

    internal static bool IsPresent(string? value) => !string.IsNullOrWhiteSpace(value);

    /// <summary>
    /// Rejects over-long input, invalid UTF-16 (lone surrogates), control characters (Cc), line and
    /// paragraph separators, and invisible format characters (Cf, such as bidi overrides and zero-width
    /// spaces) except ZWNJ/ZWJ, which some scripts need in names.
    /// </summary>
    internal static Error? CheckRaw(string? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > MaxLength)
        {
            return DestinationErrors.TooLong(field);
        }

        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                return DestinationErrors.ControlCharacter(field);
            }

            var category = Rune.GetUnicodeCategory(rune);
            var forbidden = category switch
            {
                UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
                UnicodeCategory.Format => rune.Value is not (0x200C or 0x200D),
                _ => false,
            };
            if (forbidden)
            {
                return DestinationErrors.ControlCharacter(field);
            }

            rest = rest[consumed..];
        }

        return null;
    }

    /// <summary>Removes every occurrence of the given separator characters.</summary>
    internal static string RemoveSeparators(string value, string separators)
    {
        if (value.AsSpan().IndexOfAny(separators) < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!separators.Contains(c, StringComparison.Ordinal))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    internal static bool IsAsciiDigits(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExcept(AsciiDigits);

    internal static bool IsAsciiLettersOrDigits(ReadOnlySpan<char> value) =>
        !value.IsEmpty && !value.ContainsAnyExcept(AsciiLettersAndDigits);

    internal static bool IsAsciiUpperLetters(ReadOnlySpan<char> value) =>
        !value.IsEmpty && !value.ContainsAnyExcept(AsciiUpperLetters);

    /// <summary><c>•••• 1234</c>: the last four characters of a normalised value.</summary>
    internal static string MaskTail(string normalised)
    {
        var tail = normalised.Length <= 4 ? normalised : normalised[^4..];
        return $"{MaskDots} {tail}";
    }

    private static readonly SearchValues<char> AsciiDigits = SearchValues.Create("0123456789");

    private static readonly SearchValues<char> AsciiUpperLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static readonly SearchValues<char> AsciiLettersAndDigits =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
