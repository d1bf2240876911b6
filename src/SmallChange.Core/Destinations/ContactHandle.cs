using System.Buffers;
using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>Provider-independent wallet handles: an e-mail address or an E.164 phone number.</summary>
internal static class ContactHandle
{
    internal const int MaxEmailLength = 254;
    internal const int MaxLocalPartLength = 64;
    internal const int MaxLabelLength = 63;
    internal const int MinPhoneDigits = 8;
    internal const int MaxPhoneDigits = 15;

    // RFC 5322 atext; quoted local parts, comments and IP-literal domains are deliberately not accepted.
    private static readonly SearchValues<char> LocalPartChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.");

    private static readonly SearchValues<char> LabelChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    /// <summary>
    /// A pragmatic subset of RFC 5321/5322: <c>local@domain</c>, ASCII only (internationalised domains as
    /// punycode), dot-atom local part of at most 64 characters, a domain of at least two LDH labels whose
    /// last is not numeric, at most 254 characters in all. Normalised to lower case.
    /// </summary>
    internal static Result<string> NormalizeEmail(string raw)
    {
        var error = new Error(DestinationErrorCodes.Email, "The e-mail address is not valid.", DestinationFields.Email);
        var email = raw.Trim();
        if (email.Length is 0 or > MaxEmailLength)
        {
            return error;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1)
        {
            return error;
        }

        var local = email.AsSpan(0, at);
        var domain = email.AsSpan(at + 1);
        if (local.Length > MaxLocalPartLength || local.ContainsAnyExcept(LocalPartChars)
            || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return error;
        }

        var labels = 0;
        var lastLabelNumeric = false;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > MaxLabelLength || label.ContainsAnyExcept(LabelChars) || label[0] == '-' || label[^1] == '-')
            {
                return error;
            }

            labels++;
            lastLabelNumeric = TextRules.IsAsciiDigits(label);
        }

        if (labels < 2 || lastLabelNumeric)
        {
            return error;
        }

        return email.ToLowerInvariant();
    }

    /// <summary>
    /// E.164: <c>+</c>, then 8–15 digits, the first not 0. Spaces, hyphens, dots and parentheses between
    /// digits are removed. Normalised to <c>+</c> followed by the digits.
    /// </summary>
    internal static Result<string> NormalizePhone(string raw)
    {
        var compact = TextRules.RemoveSeparators(raw.Trim(), " -.()");
        if (compact.Length < 2 || compact[0] != '+')
        {
            return new Error(DestinationErrorCodes.Phone, "A phone number is given in international form, starting with + and the country code.", DestinationFields.Phone);
        }

        var digits = compact.AsSpan(1);
        if (digits.Length is < MinPhoneDigits or > MaxPhoneDigits || !TextRules.IsAsciiDigits(digits) || digits[0] == '0')
        {
            return new Error(DestinationErrorCodes.Phone, $"An international phone number has {MinPhoneDigits} to {MaxPhoneDigits} digits after the +.", DestinationFields.Phone);
        }

        return compact;
    }

    /// <summary><c>j•••@example.com</c>: first character of the local part and the domain.</summary>
    internal static string MaskEmail(string normalisedEmail)
    {
        var at = normalisedEmail.IndexOf('@', StringComparison.Ordinal);
        return $"{normalisedEmail[0]}•••{normalisedEmail[at..]}";
    }
}
