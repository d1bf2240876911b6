using System.Collections.Frozen;
using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>
/// ISO 13616 IBAN: country code, two check digits (ISO 7064 MOD 97-10), and a country-specific BBAN
/// whose total length is fixed per country by the SWIFT IBAN registry.
/// </summary>
internal static class Iban
{
    /// <summary>
    /// IBAN length per country, from the SWIFT IBAN registry (89 countries, 2024 release): all EU/EEA
    /// members, GB, CH and the rest of the registry.
    /// </summary>
    internal static readonly FrozenDictionary<string, int> Lengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DJ"] = 27, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18,
        ["FK"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27,
        ["GT"] = 28, ["HN"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20,
        ["LU"] = 20, ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MN"] = 20,
        ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NI"] = 28, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23, ["PK"] = 24,
        ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24,
        ["SC"] = 31, ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25,
        ["SV"] = 28, ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
        ["YE"] = 30,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Territories the registry files under another country's IBAN code (IBAN code → territories).</summary>
    private static readonly FrozenDictionary<string, FrozenSet<string>> Territories = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
    {
        ["FR"] = new[] { "GF", "GP", "MQ", "RE", "PF", "TF", "YT", "NC", "BL", "MF", "PM", "WF" }.ToFrozenSet(StringComparer.Ordinal),
        ["GB"] = new[] { "IM", "JE", "GG" }.ToFrozenSet(StringComparer.Ordinal),
        ["FI"] = new[] { "AX" }.ToFrozenSet(StringComparer.Ordinal),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Normalises (spaces removed, upper case) and validates: characters, registry country, registry
    /// length, check digits in 02–98, and MOD 97-10.
    /// </summary>
    internal static Result<string> Normalize(string raw)
    {
        const string field = DestinationFields.Iban;
        var compact = TextRules.RemoveSeparators(raw, " ");

        // ASCII check before upper-casing: ToUpperInvariant maps some non-ASCII letters (ı, ſ) to ASCII.
        if (!TextRules.IsAsciiLettersOrDigits(compact))
        {
            return new Error(DestinationErrorCodes.IbanFormat, "An IBAN contains only letters and digits (spaces are allowed between groups).", field);
        }

        var iban = compact.ToUpperInvariant();
        if (iban.Length < 4 || !TextRules.IsAsciiUpperLetters(iban.AsSpan(0, 2)) || !TextRules.IsAsciiDigits(iban.AsSpan(2, 2)))
        {
            return new Error(DestinationErrorCodes.IbanFormat, "An IBAN starts with a two-letter country code and two check digits.", field);
        }

        if (!Lengths.TryGetValue(iban[..2], out var expectedLength))
        {
            return new Error(DestinationErrorCodes.IbanCountry, "The IBAN's country code is not in the IBAN registry.", field);
        }

        if (iban.Length != expectedLength)
        {
            return new Error(DestinationErrorCodes.IbanLength, $"An IBAN from this country has exactly {expectedLength} characters.", field);
        }

        var checkDigits = iban.AsSpan(2, 2);
        if (checkDigits is "00" or "01" or "99" || Mod97(iban) != 1)
        {
            return new Error(DestinationErrorCodes.IbanChecksum, "The IBAN's check digits do not match; please check it for typing errors.", field);
        }

        return iban;
    }

    /// <summary>True if an account under <paramref name="ibanCountry"/> may be declared as held in <paramref name="declaredCountry"/>.</summary>
    internal static bool CountryMatches(string ibanCountry, string declaredCountry) =>
        string.Equals(ibanCountry, declaredCountry, StringComparison.Ordinal)
        || (Territories.TryGetValue(ibanCountry, out var territories) && territories.Contains(declaredCountry));

    /// <summary>ISO 7064 MOD 97-10 over the IBAN rearranged (first four characters moved to the end, letters as 10–35).</summary>
    internal static int Mod97(string iban)
    {
        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            var c = iban[(i + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                var value = c - 'A' + 10;
                remainder = ((remainder * 100) + value) % 97;
            }
        }

        return remainder;
    }

    /// <summary>BIC (ISO 9362): 4 letters institution, 2 letters country, 2 alphanumerics location, optional 3 alphanumerics branch.</summary>
    internal static Result<string> NormalizeBic(string raw)
    {
        var compact = TextRules.RemoveSeparators(raw, " ");
        var error = new Error(DestinationErrorCodes.Bic, "A BIC has 8 or 11 letters and digits: bank, country, location and optional branch.", DestinationFields.Bic);
        if (compact.Length is not (8 or 11) || !TextRules.IsAsciiLettersOrDigits(compact))
        {
            return error;
        }

        var bic = compact.ToUpperInvariant();
        if (!TextRules.IsAsciiUpperLetters(bic.AsSpan(0, 6)) || !CountryCodes.All.Contains(bic.Substring(4, 2)))
        {
            return error;
        }

        return bic;
    }
}
