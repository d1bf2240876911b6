namespace SmallChange.Core.Quotes;

using SmallChange.Core.Providers;

/// <summary>
/// Stable reason codes for an excluded option. Provider-level codes are those of <see cref="ProviderReasons"/>
/// (<c>provider.unverified</c>, <c>provider.no_licence</c>, <c>provider.licence_expired</c>,
/// <c>provider.rate_better_than_mid_market</c>, <c>provider.zero_fee_high_limit</c>, <c>provider.sandbox_excluded</c>).
/// </summary>
public static class QuoteReasons
{
    /// <summary>The provider does not accept the wallet currency for this method.</summary>
    public const string SourceCurrencyNotSupported = "currency.source_not_supported";

    /// <summary>The provider does not pay out in the requested currency for this method.</summary>
    public const string PayoutCurrencyNotSupported = "currency.payout_not_supported";

    /// <summary>The provider does not pay to the destination country for this method.</summary>
    public const string CountryNotSupported = "country.not_supported";

    /// <summary>No mid-market rate between the wallet and payout currencies.</summary>
    public const string RateUnavailable = "fx.rate_unavailable";

    /// <summary>The rates are older than the request's maximum rate age.</summary>
    public const string RatesStale = "fx.rates_stale";

    /// <summary>The gross is below the provider's minimum per payout.</summary>
    public const string BelowMinimum = "amount.below_minimum";

    /// <summary>The gross is above the provider's maximum per payout.</summary>
    public const string AboveMaximum = "amount.above_maximum";

    /// <summary>The fees are at least the gross.</summary>
    public const string FeesExceedAmount = "fees.exceed_amount";

    /// <summary>After fees and conversion, less than one ISO minor unit would arrive.</summary>
    public const string NetZero = "amount.net_zero";

    /// <summary>The arithmetic for this amount does not fit the ledger's integers.</summary>
    public const string OutOfRange = "amount.out_of_range";

    /// <summary>The holder has reached the provider's payouts-per-day limit.</summary>
    public const string DailyCount = "limit.daily_count";

    /// <summary>This payout would exceed the provider's amount-per-day limit.</summary>
    public const string DailyAmount = "limit.daily_amount";

    /// <summary>The holder has reached the provider's payouts-per-month limit.</summary>
    public const string MonthlyCount = "limit.monthly_count";

    /// <summary>This payout would exceed the provider's amount-per-month limit.</summary>
    public const string MonthlyAmount = "limit.monthly_amount";

    /// <summary>Reasons that a larger amount can cure (the wait advice searches options excluded only for these).</summary>
    internal static bool CuredByLargerAmount(string reason) => reason is BelowMinimum or FeesExceedAmount or NetZero;
}
