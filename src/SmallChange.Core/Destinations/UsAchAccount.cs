using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>A US ACH destination: ABA routing transit number and a 4–17 digit account number.</summary>
internal static class UsAchAccount
{
    internal const int MinAccountDigits = 4;
    internal const int MaxAccountDigits = 17;

    /// <summary>
    /// Nine digits; the first two in a range the ABA assigns (00–12 government and Federal Reserve
    /// districts, 21–32 thrifts, 61–72 electronic, 80 traveller's cheques); weighted 3-7-1 sum ≡ 0 (mod 10).
    /// </summary>
    internal static Result<string> NormalizeRoutingNumber(string raw)
    {
        const string field = DestinationFields.RoutingNumber;
        var routing = raw.Trim();
        if (routing.Length != 9 || !TextRules.IsAsciiDigits(routing))
        {
            return new Error(DestinationErrorCodes.RoutingFormat, "A routing number has exactly nine digits.", field);
        }

        var prefix = ((routing[0] - '0') * 10) + (routing[1] - '0');
        var prefixAssigned = prefix is (>= 0 and <= 12) or (>= 21 and <= 32) or (>= 61 and <= 72) or 80;
        if (!prefixAssigned || routing == "000000000")
        {
            return new Error(DestinationErrorCodes.RoutingFormat, "The routing number does not start with an assigned prefix.", field);
        }

        if (!ChecksumValid(routing))
        {
            return new Error(DestinationErrorCodes.RoutingChecksum, "The routing number's check digit does not match; please check it for typing errors.", field);
        }

        return routing;
    }

    internal static bool ChecksumValid(string nineDigits)
    {
        ReadOnlySpan<int> weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += weights[i] * (nineDigits[i] - '0');
        }

        return sum % 10 == 0;
    }

    internal static Result<string> NormalizeAccountNumber(string raw)
    {
        var digits = TextRules.RemoveSeparators(raw.Trim(), "- ");
        if (digits.Length is < MinAccountDigits or > MaxAccountDigits || !TextRules.IsAsciiDigits(digits))
        {
            return new Error(
                DestinationErrorCodes.UsAccountShape,
                $"A US account number has {MinAccountDigits} to {MaxAccountDigits} digits.",
                DestinationFields.AccountNumber);
        }

        return digits;
    }
}
