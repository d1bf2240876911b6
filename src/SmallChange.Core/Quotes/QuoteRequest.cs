namespace SmallChange.Core.Quotes;

using SmallChange.Core.Money;
using SmallChange.Core.Providers;

/// <summary>What the holder asks a quote for. Pure input: the host fills it from the wallet, the request and the clock.</summary>
/// <param name="Amount">The amount to cash out (often the whole wallet balance), in the wallet currency, ledger units; not negative.</param>
/// <param name="PayoutCurrency">The currency the destination receives.</param>
/// <param name="DestinationCountry">ISO 3166-1 alpha-2 country of the destination (case-insensitive).</param>
/// <param name="Now">The instant of the quote: licence expiry, arrival estimates and wait projections use it.</param>
public sealed record QuoteRequest(Money Amount, Currency PayoutCurrency, string DestinationCountry, DateTimeOffset Now)
{
    /// <summary>The default target maximum effective cost: 300 bps = 3 %.</summary>
    public const int DefaultTargetMaxCostBps = 300;

    /// <summary>Only this method, or every method when null.</summary>
    public PayoutMethod? Method { get; init; }

    /// <summary>The holder's target maximum effective cost in basis points (0..10 000); drives the wait advice.</summary>
    public int TargetMaxCostBps { get; init; } = DefaultTargetMaxCostBps;

    /// <summary>What the holder earns per day in the wallet currency; when given, the wait advice projects a date.</summary>
    public Money? EarningRatePerDay { get; init; }

    /// <summary>The holder's usage so far per provider, for daily and monthly limits; none when null.</summary>
    public IReadOnlyList<ProviderUsage>? Usage { get; init; }

    /// <summary>Whether sandbox providers are quoted (default true; a production host turns it off).</summary>
    public bool IncludeSandbox { get; init; } = true;

    /// <summary>When set, a cross-currency option is excluded if the rates are older than this at <see cref="Now"/>.</summary>
    public TimeSpan? MaxRateAge { get; init; }

    /// <summary>Red-flag thresholds; <see cref="RedFlagPolicy.Default"/> when null.</summary>
    public RedFlagPolicy? RedFlags { get; init; }

    /// <summary>
    /// The providers' stored outcomes and trust policy: when set, a provider is quoted only if the trust rules keep it
    /// active (its outcomes included), and <see cref="RedFlags"/> is ignored for the policy's own. When null, only the
    /// configuration is judged.
    /// </summary>
    public Providers.Trust.ProviderStanding? Standing { get; init; }
}

/// <summary>
/// A holder's use of one provider so far, from the store. Amounts are gross amounts in the wallet currency of the
/// quote. The day is the UTC day and the month the UTC calendar month of <see cref="QuoteRequest.Now"/>.
/// </summary>
/// <param name="ProviderId">The provider.</param>
/// <param name="CountToday">Payouts today (any method).</param>
/// <param name="AmountToday">Gross paid out today.</param>
/// <param name="CountThisMonth">Payouts this month (any method).</param>
/// <param name="AmountThisMonth">Gross paid out this month.</param>
/// <param name="PrepaidCardActive">The holder already has an active prepaid card with this provider (no activation fee).</param>
public sealed record ProviderUsage(
    string ProviderId,
    int CountToday,
    Money AmountToday,
    int CountThisMonth,
    Money AmountThisMonth,
    bool PrepaidCardActive = false);
