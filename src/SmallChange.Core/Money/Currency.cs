using System.Collections.Frozen;

namespace SmallChange.Core.Money;

/// <summary>
/// A currency as the ledger sees it: ISO 4217 code, the ISO minor unit (digits after the decimal point
/// that can actually be paid out), and a ledger scale, finer than the ISO unit, so micropayments such as
/// USD 0.003 are exact. Amounts are stored as integer counts of 10^-LedgerScale.
/// </summary>
public sealed class Currency : IEquatable<Currency>
{
    private Currency(string code, int isoMinorUnit, int ledgerScale)
    {
        Code = code;
        IsoMinorUnit = isoMinorUnit;
        LedgerScale = ledgerScale;
        LedgerUnitsPerIsoMinor = Pow10(ledgerScale - isoMinorUnit);
        LedgerUnitsPerMajor = Pow10(ledgerScale);
    }

    /// <summary>ISO 4217 alphabetic code, upper case (e.g. <c>USD</c>).</summary>
    public string Code { get; }

    /// <summary>ISO 4217 minor unit: 2 for USD (cents), 0 for KRW and JPY.</summary>
    public int IsoMinorUnit { get; }

    /// <summary>Decimal digits of the ledger unit; always greater than <see cref="IsoMinorUnit"/>.</summary>
    public int LedgerScale { get; }

    /// <summary>Ledger units in one payable ISO minor unit (10^(LedgerScale − IsoMinorUnit)).</summary>
    public long LedgerUnitsPerIsoMinor { get; }

    /// <summary>Ledger units in one major unit (10^LedgerScale).</summary>
    public long LedgerUnitsPerMajor { get; }

    public static Currency Create(string code, int isoMinorUnit, int ledgerScale)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException("A currency code is three upper-case ASCII letters.", nameof(code));
        }

        if (isoMinorUnit is < 0 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(isoMinorUnit));
        }

        if (ledgerScale <= isoMinorUnit || ledgerScale > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(ledgerScale), "The ledger scale must be finer than the ISO minor unit and at most 12.");
        }

        return new Currency(code, isoMinorUnit, ledgerScale);
    }

    public bool Equals(Currency? other) => other is not null && other.Code == Code;

    public override bool Equals(object? obj) => obj is Currency c && Equals(c);

    public override int GetHashCode() => Code.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Code;

    public static bool operator ==(Currency? a, Currency? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(Currency? a, Currency? b) => !(a == b);

    private static long Pow10(int n)
    {
        long r = 1;
        for (var i = 0; i < n; i++)
        {
            r *= 10;
        }

        return r;
    }
}

/// <summary>The configured currencies. Ledger scales: 6 decimals for 2-digit currencies, 2 for KRW, 3 for JPY.</summary>
public static class Currencies
{
    public static readonly Currency USD = Currency.Create("USD", 2, 6);
    public static readonly Currency EUR = Currency.Create("EUR", 2, 6);
    public static readonly Currency GBP = Currency.Create("GBP", 2, 6);
    public static readonly Currency KRW = Currency.Create("KRW", 0, 2);
    public static readonly Currency JPY = Currency.Create("JPY", 0, 3);
    public static readonly Currency PHP = Currency.Create("PHP", 2, 6);

    private static readonly FrozenDictionary<string, Currency> ByCode =
        new[] { USD, EUR, GBP, KRW, JPY, PHP }.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    public static IReadOnlyCollection<Currency> All => ByCode.Values;

    /// <summary>Finds a configured currency by its ISO code (case-sensitive, upper case); null when unknown.</summary>
    public static Currency? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var c) ? c : null;
}
