using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>A card PAN (ISO/IEC 7812): 12–19 digits with a valid Luhn check digit; spaces and hyphens allowed in input.</summary>
internal static class PaymentCard
{
    internal const int MinDigits = 12;
    internal const int MaxDigits = 19;

    internal static Result<string> NormalizePan(string raw)
    {
        const string field = DestinationFields.CardNumber;
        var digits = TextRules.RemoveSeparators(raw.Trim(), " -");
        if (digits.Length is < MinDigits or > MaxDigits || !TextRules.IsAsciiDigits(digits))
        {
            return new Error(DestinationErrorCodes.CardFormat, $"A card number has {MinDigits} to {MaxDigits} digits.", field);
        }

        if (!LuhnValid(digits))
        {
            return new Error(DestinationErrorCodes.CardLuhn, "The card number's check digit does not match; please check it for typing errors.", field);
        }

        return digits;
    }

    /// <summary>Luhn (mod 10): double every second digit from the right, sum digit sums, total ≡ 0 (mod 10).</summary>
    internal static bool LuhnValid(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }
}
