using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>
/// Korean domestic institutions that hold retail deposit accounts, by their three-digit code in the
/// Korea Financial Telecommunications and Clearings Institute (KFTC) interbank network.
/// </summary>
public static class KoreanBanks
{
    private static readonly FrozenDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["002"] = "KDB Korea Development Bank",
        ["003"] = "IBK Industrial Bank of Korea",
        ["004"] = "KB Kookmin Bank",
        ["007"] = "Suhyup Bank",
        ["011"] = "NH NongHyup Bank",
        ["012"] = "NongHyup local cooperatives",
        ["020"] = "Woori Bank",
        ["023"] = "SC First Bank",
        ["027"] = "Citibank Korea",
        ["031"] = "iM Bank (Daegu)",
        ["032"] = "Busan Bank",
        ["034"] = "Gwangju Bank",
        ["035"] = "Jeju Bank",
        ["037"] = "Jeonbuk Bank",
        ["039"] = "Kyongnam Bank",
        ["045"] = "MG Saemaul Geumgo",
        ["048"] = "Shinhyup (credit unions)",
        ["050"] = "Mutual savings banks",
        ["064"] = "Korea Forestry Cooperatives",
        ["071"] = "Korea Post (post office)",
        ["081"] = "Hana Bank",
        ["088"] = "Shinhan Bank",
        ["089"] = "K Bank",
        ["090"] = "Kakao Bank",
        ["092"] = "Toss Bank",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>All accepted three-digit bank codes.</summary>
    public static IReadOnlyCollection<string> Codes => Names.Keys;

    /// <summary>The English display name of a bank code, if the code is accepted.</summary>
    public static bool TryGetName(string code, [NotNullWhen(true)] out string? name) => Names.TryGetValue(code, out name);
}

/// <summary>A Korean domestic account: a known bank code and a 10–14 digit account number (hyphens allowed in input).</summary>
internal static class KoreanBankAccount
{
    internal const int MinDigits = 10;
    internal const int MaxDigits = 14;

    internal static Result<string> NormalizeBankCode(string raw)
    {
        var code = raw.Trim();
        if (code.Length != 3 || !TextRules.IsAsciiDigits(code) || !KoreanBanks.TryGetName(code, out _))
        {
            return new Error(DestinationErrorCodes.KrBankCode, "The bank code is not a known three-digit Korean bank code.", DestinationFields.BankCode);
        }

        return code;
    }

    internal static Result<string> NormalizeAccountNumber(string raw)
    {
        var digits = TextRules.RemoveSeparators(raw.Trim(), "- ");
        if (digits.Length is < MinDigits or > MaxDigits || !TextRules.IsAsciiDigits(digits))
        {
            return new Error(
                DestinationErrorCodes.KrAccountShape,
                $"A Korean account number has {MinDigits} to {MaxDigits} digits (hyphens are allowed).",
                DestinationFields.AccountNumber);
        }

        return digits;
    }
}
