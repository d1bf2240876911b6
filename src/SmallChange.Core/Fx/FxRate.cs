using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmallChange.Core.Fx;

using SmallChange.Core.Common;
using SmallChange.Core.Money;

/// <summary>
/// An exact exchange rate: how many major units of the target currency one major unit of the source currency
/// buys, held as a reduced fraction <see cref="Numerator"/>/<see cref="Denominator"/> of positive
/// <see cref="Int128"/> values. Never a double. Serialised as the text <c>"numerator/denominator"</c>.
/// </summary>
[JsonConverter(typeof(FxRateJsonConverter))]
public readonly struct FxRate : IEquatable<FxRate>, IComparable<FxRate>
{
    /// <summary>Basis points in one whole (10 000 bps = 100 %).</summary>
    public const int BpsPerWhole = 10_000;

    private FxRate(Int128 numerator, Int128 denominator)
    {
        Numerator = numerator;
        Denominator = denominator;
    }

    /// <summary>Positive numerator of the reduced fraction.</summary>
    public Int128 Numerator { get; }

    /// <summary>Positive denominator of the reduced fraction.</summary>
    public Int128 Denominator { get; }

    /// <summary>The rate 1 (same currency).</summary>
    public static FxRate One { get; } = new(1, 1);

    /// <summary>Builds and reduces a rate. Both parts must be positive (a programmer error otherwise).</summary>
    public static FxRate Create(Int128 numerator, Int128 denominator)
    {
        if (numerator <= 0 || denominator <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numerator), "A rate has a positive numerator and denominator.");
        }

        var g = Int128Math.Gcd(numerator, denominator);
        return new FxRate(numerator / g, denominator / g);
    }

    /// <summary>
    /// Parses invariant positive decimal text (e.g. <c>1412.50</c>, <c>0.8655</c>; at most 18 significant digits
    /// and 12 decimals) into an exact rate.
    /// </summary>
    public static Result<FxRate> Parse(string? text, string field = "rate")
    {
        if (string.IsNullOrEmpty(text) || text.Length > 40)
        {
            return new Error("fx.invalid_rate", "The rate is missing or not a decimal number.", field);
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? text : text[..dot];
        var fracPart = dot < 0 ? string.Empty : text[(dot + 1)..];
        if (intPart.Length == 0 || (dot >= 0 && fracPart.Length == 0)
            || !intPart.All(char.IsAsciiDigit) || !fracPart.All(char.IsAsciiDigit))
        {
            return new Error("fx.invalid_rate", $"The rate '{text}' is not a positive decimal number.", field);
        }

        fracPart = fracPart.TrimEnd('0');
        if (fracPart.Length > 12)
        {
            return new Error("fx.invalid_rate", $"The rate '{text}' has more than 12 decimals.", field);
        }

        var digits = (intPart + fracPart).TrimStart('0');
        if (digits.Length > 18)
        {
            return new Error("fx.invalid_rate", $"The rate '{text}' has more than 18 significant digits.", field);
        }

        var mantissa = digits.Length == 0 ? 0L : long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (mantissa == 0)
        {
            return new Error("fx.invalid_rate", "A rate must be greater than zero.", field);
        }

        return Create(mantissa, Int128Math.Pow10(fracPart.Length));
    }

    /// <summary>The inverse rate (target → source).</summary>
    public FxRate Inverse() => new(Denominator, Numerator);

    /// <summary>This rate multiplied by <paramref name="other"/> (chains source → intermediate → target).</summary>
    public FxRate Multiply(FxRate other) =>
        Create(checked(Numerator * other.Numerator), checked(Denominator * other.Denominator));

    /// <summary>This rate divided by <paramref name="other"/>.</summary>
    public FxRate Divide(FxRate other) => Multiply(other.Inverse());

    /// <summary>
    /// The rate a provider applies when it keeps <paramref name="spreadBps"/> basis points below this (mid-market)
    /// rate: rate × (10 000 − spread) / 10 000. The spread is in 0..9 999.
    /// </summary>
    public FxRate LessSpread(int spreadBps)
    {
        if (spreadBps is < 0 or >= BpsPerWhole)
        {
            throw new ArgumentOutOfRangeException(nameof(spreadBps), "A spread is between 0 and 9 999 basis points.");
        }

        return Create(checked(Numerator * (BpsPerWhole - spreadBps)), checked(Denominator * BpsPerWhole));
    }

    /// <summary>
    /// Converts <paramref name="amount"/> at this rate into <paramref name="to"/>, rounding DOWN (toward negative
    /// infinity) to a whole ledger unit of <paramref name="to"/>. Int128 intermediates; an amount whose result does
    /// not fit the ledger returns <c>fx.overflow</c> instead of throwing.
    /// </summary>
    public Result<Money> Convert(Money amount, Currency to)
    {
        ArgumentNullException.ThrowIfNull(to);
        try
        {
            return new Money(ConvertUnits(amount.Units, amount.Currency.LedgerScale, to.LedgerScale), to);
        }
        catch (OverflowException)
        {
            return new Error("fx.overflow", $"Converting {amount.Currency.Code} {amount.ToDecimalString()} to {to.Code} is out of range.", "amount");
        }
    }

    /// <summary>
    /// ⌊units × rate × 10^toScale / 10^fromScale⌋. Throws <see cref="OverflowException"/> when the result or an
    /// intermediate does not fit (callers turn it into a result).
    /// </summary>
    internal long ConvertUnits(long units, int fromScale, int toScale)
    {
        Int128 num = Numerator;
        Int128 den = Denominator;
        if (toScale >= fromScale)
        {
            num = checked(num * Int128Math.Pow10(toScale - fromScale));
        }
        else
        {
            den = checked(den * Int128Math.Pow10(fromScale - toScale));
        }

        // Reduce before multiplying so large amounts stay within Int128.
        Int128 u = units;
        var g = Int128Math.Gcd(u, den);
        if (g > 1)
        {
            u /= g;
            den /= g;
        }

        return Int128Math.ToLong(Int128Math.FloorDiv(checked(u * num), den));
    }

    /// <summary>The rate as decimal text rounded DOWN to <paramref name="decimals"/> places, trailing zeros trimmed.</summary>
    public string ToDecimalString(int decimals = 8)
    {
        if (decimals is < 0 or > 18)
        {
            throw new ArgumentOutOfRangeException(nameof(decimals));
        }

        if (Denominator == 0)
        {
            return "0";
        }

        var whole = Numerator / Denominator;
        var rest = Numerator % Denominator;
        var sb = new StringBuilder(whole.ToString(CultureInfo.InvariantCulture));
        var frac = new StringBuilder();
        for (var i = 0; i < decimals; i++)
        {
            rest = checked(rest * 10);
            frac.Append((char)('0' + (int)(rest / Denominator)));
            rest %= Denominator;
        }

        var fracText = frac.ToString().TrimEnd('0');
        if (fracText.Length > 0)
        {
            sb.Append('.').Append(fracText);
        }

        return sb.ToString();
    }

    public bool Equals(FxRate other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is FxRate r && Equals(r);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    /// <summary>Compares exactly by cross-multiplication.</summary>
    public int CompareTo(FxRate other) =>
        checked(Numerator * other.Denominator).CompareTo(checked(other.Numerator * Denominator));

    public static bool operator ==(FxRate a, FxRate b) => a.Equals(b);

    public static bool operator !=(FxRate a, FxRate b) => !a.Equals(b);

    public static bool operator <(FxRate a, FxRate b) => a.CompareTo(b) < 0;

    public static bool operator >(FxRate a, FxRate b) => a.CompareTo(b) > 0;

    public static bool operator <=(FxRate a, FxRate b) => a.CompareTo(b) <= 0;

    public static bool operator >=(FxRate a, FxRate b) => a.CompareTo(b) >= 0;

    /// <summary>The exact fraction, <c>numerator/denominator</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");

    /// <summary>Parses the exact fraction text written by <see cref="ToString"/>; null when malformed.</summary>
    internal static FxRate? TryParseFraction(string? text)
    {
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash <= 0
            || !Int128.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || !Int128.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            || n <= 0 || d <= 0)
        {
            return null;
        }

        return Create(n, d);
    }
}

/// <summary>Writes and reads an <see cref="FxRate"/> as the exact text <c>"numerator/denominator"</c>.</summary>
public sealed class FxRateJsonConverter : JsonConverter<FxRate>
{
    public override FxRate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && FxRate.TryParseFraction(reader.GetString()) is { } rate
            ? rate
            : throw new JsonException("An FX rate is the text \"numerator/denominator\" of positive integers.");

    public override void Write(Utf8JsonWriter writer, FxRate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
