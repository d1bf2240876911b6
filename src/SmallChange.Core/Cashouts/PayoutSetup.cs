using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;
using SmallChange.Core.Providers;

namespace SmallChange.Core.Cashouts;

/// <summary>The operator's payout configuration: providers with fees and limits, mid-market rates, jurisdiction profiles, and timings.</summary>
public sealed record PayoutSetup(ProviderCatalog Catalog, FxRateTable Rates, JurisdictionProfiles Profiles)
{
    /// <summary>How long a quote's prices are honoured.</summary>
    public TimeSpan QuoteLock { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a cash-out's hold lives before the expiry worker voids it (above every provider's worst arrival).</summary>
    public TimeSpan HoldTimeout { get; init; } = TimeSpan.FromDays(14);

    /// <summary>How long a claimed outbox item is reserved for one dispatcher.</summary>
    public TimeSpan OutboxLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether sandbox providers are quoted (true in the embedded default).</summary>
    public bool IncludeSandbox { get; init; } = true;

    /// <summary>A cooling-off period for new destinations that replaces every jurisdiction profile's (tests, the demo); null: the profiles decide.</summary>
    public TimeSpan? CoolingOffOverride { get; init; }
}
