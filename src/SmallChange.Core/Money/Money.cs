using System.Globalization;
using System.Text;
using SmallChange.Core.Common;

namespace SmallChange.Core.Money;

/// <summary>
/// An exact amount: an integer count of the currency's ledger unit (10^-LedgerScale) plus the currency.
/// Arithmetic is checked; mixing currencies throws (a programmer error). Parse and format only at the edges.
/// </summary>
public readonly struct Money : IEquatable<Money>, IComparable<Money>
{
    public Money(long units, Currency currency)
    {
        Units = units;
        Currency = currency ?? throw new ArgumentNullException(nameof(currency));
    }

    /// <summary>The amount in ledger units of <see cref="Currency"/> (USD: millionths of a dollar).</summary>
    public long Units { get; }

    public Currency Currency { get; }

    public bool IsZero => Units == 0;

    public bool IsPositive => Units > 0;

    public static Money Zero(Currency currency) => new(0, currency);

    /// <summary>An amount given in whole ISO minor units (cents for USD, won for KRW).</summary>
    public static Money FromIsoMinor(long isoMinor, Currency currency) =>
        new(checked(isoMinor * currency.LedgerUnitsPerIsoMinor), currency);

    /// <summary>The amount in whole ISO minor units, rounded toward zero.</summary>
    public long IsoMinorUnits => Units / Currency.LedgerUnitsPerIsoMinor;

    /// <summary>
    /// Splits the amount into what can be paid out (whole ISO minor units, rounded down) and the remainder
    /// that stays in the wallet. Defined for non-negative amounts.
    /// </summary>
    public (Money Payable, Money Remainder) SplitPayable()
    {
        if (Units < 0)
        {
            throw new InvalidOperationException("Only a non-negative amount can be split for payout.");
        }

        var remainder = Units % Currency.LedgerUnitsPerIsoMinor;
        return (new Money(Units - remainder, Currency), new Money(remainder, Currency));
    }

    /// <summary>True when the amount is a whole number of ISO minor units.</summary>
    public bool IsWholeIsoMinor => Units % Currency.LedgerUnitsPerIsoMinor == 0;

    public static Money operator +(Money a, Money b)
    {
        SameCurrency(a, b);
        return new Money(checked(a.Units + b.Units), a.Currency);
    }

    public static Money operator -(Money a, Money b)
    {
        SameCurrency(a, b);
        return new Money(checked(a.Units - b.Units), a.Currency);
    }

    public static Money operator -(Money a) => new(checked(-a.Units), a.Currency);

    public static bool operator <(Money a, Money b) => a.CompareTo(b) < 0;

    public static bool operator >(Money a, Money b) => a.CompareTo(b) > 0;

    public static bool operator <=(Money a, Money b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Money a, Money b) => a.CompareTo(b) >= 0;

    public static bool operator ==(Money a, Money b) => a.Equals(b);

    public static bool operator !=(Money a, Money b) => !a.Equals(b);

    public static Money Min(Money a, Money b) => a <= b ? a : b;

    public static Money Max(Money a, Money b) => a >= b ? a : b;

    public int CompareTo(Money other)
    {
        SameCurrency(this, other);
        return Units.CompareTo(other.Units);
    }

    public bool Equals(Money other) => Units == other.Units && Currency == other.Currency;

    public override bool Equals(object? obj) => obj is Money m && Equals(m);

    public override int GetHashCode() => HashCode.Combine(Units, Currency);

    /// <summary>Invariant decimal text with at least the ISO minor digits, e.g. <c>1.50</c>, <c>0.003</c>, <c>1200</c>.</summary>
    public string ToDecimalString()
    {
        var scale = Currency.LedgerScale;
        var negative = Units < 0;
        // Work on the magnitude as unsigned to survive long.MinValue.
        var magnitude = negative ? (ulong)(-(Units + 1)) + 1UL : (ulong)Units;
        var per = (ulong)Currency.LedgerUnitsPerMajor;
        var whole = magnitude / per;
        var frac = magnitude % per;
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        sb.Append(whole.ToString(CultureInfo.InvariantCulture));
        var fracText = frac.ToString(CultureInfo.InvariantCulture).PadLeft(scale, '0').TrimEnd('0');
        if (fracText.Length < Currency.IsoMinorUnit)
        {
            fracText = fracText.PadRight(Currency.IsoMinorUnit, '0');
        }

        if (fracText.Length > 0)
        {
            sb.Append('.').Append(fracText);
        }

        return sb.ToString();
    }

    /// <summary>For display and logs: <c>USD 1.50</c>. Amounts are not personal data.</summary>
    public override string ToString() => $"{Currency.Code} {ToDecimalString()}";

    /// <summary>
    /// Parses invariant decimal text (<c>12</c>, <c>0.003</c>, <c>-1.5</c>) into ledger units of <paramref name="currency"/>.
    /// Rejects exponents, thousands separators, blanks, more decimals than the ledger scale and overflow.
    /// </summary>
    public static Result<Money> Parse(string? text, Currency currency, string field = "amount")
    {
        if (string.IsNullOrEmpty(text))
        {
            return new Error("amount.invalid", "The amount is missing.", field);
        }

        if (text.Length > 64)
        {
            return new Error("amount.invalid", "The amount is not a decimal number.", field);
        }

        var span = text.AsSpan();
        var negative = false;
        if (span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        var dot = span.IndexOf('.');
        var intPart = dot < 0 ? span : span[..dot];
        var fracPart = dot < 0 ? ReadOnlySpan<char>.Empty : span[(dot + 1)..];
        if (intPart.Length == 0 || (dot >= 0 && fracPart.Length == 0) || !AllDigits(intPart) || !AllDigits(fracPart))
        {
            return new Error("amount.invalid", "The amount is not a decimal number (digits with an optional '.' and decimals).", field);
        }

        var significantFrac = fracPart.TrimEnd('0');
        if (significantFrac.Length > currency.LedgerScale)
        {
            return new Error(
                "amount.too_many_decimals",
                $"{currency.Code} amounts have at most {currency.LedgerScale} decimals.",
                field);
        }

        try
        {
            long units = 0;
            foreach (var c in intPart)
            {
                units = checked((units * 10) + (c - '0'));
            }

            units = checked(units * currency.LedgerUnitsPerMajor);
            long frac = 0;
            for (var i = 0; i < currency.LedgerScale; i++)
            {
                frac = (frac * 10) + (i < significantFrac.Length ? significantFrac[i] - '0' : 0);
            }

            units = checked(units + frac);
            return new Money(negative ? -units : units, currency);
        }
        catch (OverflowException)
        {
            return new Error("amount.out_of_range", "The amount is too large.", field);
        }
    }

    /// <summary>Parses a positive amount (greater than zero).</summary>
    public static Result<Money> ParsePositive(string? text, Currency currency, string field = "amount")
    {
        var r = Parse(text, currency, field);
        if (!r.IsOk)
        {
            return r;
        }

        return r.Value.Units > 0 ? r : new Error("amount.not_positive", "The amount must be greater than zero.", field);
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static void SameCurrency(Money a, Money b)
    {
        if (a.Currency != b.Currency)
        {
            throw new InvalidOperationException($"Currency mismatch: {a.Currency} and {b.Currency}.");
        }
    }
}
