namespace SmallChange.Core.Providers;

using SmallChange.Core.Money;

/// <summary>Whether a provider may be quoted, and if not, every reason code (see <see cref="ProviderReasons"/>).</summary>
public sealed record ProviderEligibility(IReadOnlyList<string> Reasons)
{
    public bool IsQuotable => Reasons.Count == 0;
}

/// <summary>Stable reason codes for a provider that is not quoted.</summary>
public static class ProviderReasons
{
    /// <summary>The operator has not verified the provider.</summary>
    public const string Unverified = "provider.unverified";

    /// <summary>The operator suspended the provider (configuration <c>"status": "suspended"</c>).</summary>
    public const string Suspended = "provider.suspended";

    /// <summary>The provider has no licence on record.</summary>
    public const string NoLicence = "provider.no_licence";

    /// <summary>Every licence of the provider has expired.</summary>
    public const string LicenceExpired = "provider.licence_expired";

    /// <summary>Red flag: a configured FX spread below zero, i.e. a rate better than mid-market.</summary>
    public const string RateBetterThanMidMarket = "provider.rate_better_than_mid_market";

    /// <summary>Red flag: charges nothing at all yet accepts payouts above the policy threshold.</summary>
    public const string ZeroFeeHighLimit = "provider.zero_fee_high_limit";

    /// <summary>Red flag: the share of the provider's finished cash-outs that failed is above the policy's line.</summary>
    public const string FailureRateHigh = "provider.failure_rate_high";

    /// <summary>Red flag: the share of the provider's paid cash-outs that came back is above the policy's line.</summary>
    public const string ReturnRateHigh = "provider.return_rate_high";

    /// <summary>Warning: a licence the provider relies on expires soon (lowers the trust score, does not suspend).</summary>
    public const string LicenceExpiringSoon = "provider.licence_expiring_soon";

    /// <summary>The trust score fell below the policy's minimum although no single flag suspends the provider.</summary>
    public const string TrustBelowMinimum = "provider.trust_below_minimum";

    /// <summary>A sandbox provider, and the request asked for real providers only.</summary>
    public const string SandboxExcluded = "provider.sandbox_excluded";
}

/// <summary>Thresholds for provider red flags.</summary>
/// <param name="ZeroFeeHighLimitThresholds">
/// Per source currency: an offering that charges nothing and allows a payout above this amount is red-flagged.
/// </param>
public sealed record RedFlagPolicy(IReadOnlyDictionary<Currency, Money> ZeroFeeHighLimitThresholds)
{
    /// <summary>About USD 5 000 in each configured currency.</summary>
    public static RedFlagPolicy Default { get; } = new(new Dictionary<Currency, Money>
    {
        [Currencies.USD] = Money.FromIsoMinor(5_000_00, Currencies.USD),
        [Currencies.EUR] = Money.FromIsoMinor(5_000_00, Currencies.EUR),
        [Currencies.GBP] = Money.FromIsoMinor(4_000_00, Currencies.GBP),
        [Currencies.PHP] = Money.FromIsoMinor(300_000_00, Currencies.PHP),
        [Currencies.KRW] = Money.FromIsoMinor(7_000_000, Currencies.KRW),
        [Currencies.JPY] = Money.FromIsoMinor(750_000, Currencies.JPY),
    });
}
