namespace SmallChange.Core.Providers;

using SmallChange.Core.Money;

/// <summary>
/// A licensed partner that moves money, as configured by the operator. Immutable; built by
/// <see cref="ProviderCatalog.Parse"/> (which validates every field) or in tests.
/// </summary>
/// <param name="Id">Stable slug, e.g. <c>sandbox-bank</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Rail">The protocol adapter that talks to it (<c>sandbox</c> for the embedded default).</param>
/// <param name="Sandbox">True for the clearly labelled sandbox providers: no real money moves.</param>
/// <param name="Verified">True once the operator has verified the provider (due diligence done).</param>
/// <param name="Licences">Its licences; at least one must be unexpired to be quoted (sandbox providers excepted).</param>
/// <param name="Offerings">One offering per payout method it supports.</param>
/// <remarks>
/// <see cref="Status"/> is what the operator set in the configuration (<c>"status"</c>; default active, or unverified
/// when <see cref="Verified"/> is false). The trust rules (<see cref="Trust.ProviderTrustRules"/>) may also suspend a
/// provider from its stored cash-out outcomes; a provider that is not active by both is never quoted.
/// </remarks>
public sealed record Provider(
    string Id,
    string Name,
    string Rail,
    bool Sandbox,
    bool Verified,
    IReadOnlyList<Licence> Licences,
    IReadOnlyList<Offering> Offerings)
{
    /// <summary>The status the operator configured (<c>active</c>, <c>suspended</c>, <c>unverified</c>).</summary>
    public ProviderStatus Status { get; init; } = ProviderStatus.Active;

    /// <summary>The operator's note on the status (why suspended, what is awaited), if any. Shown to officers.</summary>
    public string? StatusNote { get; init; }

    /// <summary>The offering for <paramref name="method"/>, or null.</summary>
    public Offering? OfferingFor(PayoutMethod method) => Offerings.FirstOrDefault(o => o.Method == method);

    /// <summary>
    /// Whether the provider may be quoted at <paramref name="now"/> by its configuration alone, with every reason when
    /// not: unverified (or configured unverified); suspended by the operator; no licence or every licence expired (sandbox providers move no money and need none);
    /// red flags — an FX spread below zero (a rate better than mid-market) or zero fees with a maximum per payout
    /// above <see cref="RedFlagPolicy.ZeroFeeHighLimitThresholds"/>.
    /// </summary>
    public ProviderEligibility Eligibility(DateTimeOffset now, RedFlagPolicy? policy = null)
    {
        policy ??= RedFlagPolicy.Default;
        var reasons = new List<string>();
        if (!Verified || Status == ProviderStatus.Unverified)
        {
            reasons.Add(ProviderReasons.Unverified);
        }

        if (Status == ProviderStatus.Suspended)
        {
            reasons.Add(ProviderReasons.Suspended);
        }

        if (!Sandbox)
        {
            if (Licences.Count == 0)
            {
                reasons.Add(ProviderReasons.NoLicence);
            }
            else if (!Licences.Any(l => l.IsValidAt(now)))
            {
                reasons.Add(ProviderReasons.LicenceExpired);
            }
        }

        if (Offerings.Any(o => o.Fees.FxSpreadBps < 0))
        {
            reasons.Add(ProviderReasons.RateBetterThanMidMarket);
        }

        if (Offerings.Any(o => o.SourceCurrencies.Any(c => IsZeroFeeHighLimit(o, c, policy))))
        {
            reasons.Add(ProviderReasons.ZeroFeeHighLimit);
        }

        return new ProviderEligibility(reasons);
    }

    /// <summary>Shorthand for <c>Eligibility(now).IsQuotable</c>.</summary>
    public bool IsQuotable(DateTimeOffset now, RedFlagPolicy? policy = null) => Eligibility(now, policy).IsQuotable;

    private static bool IsZeroFeeHighLimit(Offering offering, Currency currency, RedFlagPolicy policy) =>
        offering.Fees.IsFreeFor(currency)
        && offering.Limits.For(currency) is { } limits
        && policy.ZeroFeeHighLimitThresholds.TryGetValue(currency, out var threshold)
        && limits.MaxPerPayout > threshold;
}

/// <summary>A licence held by a provider.</summary>
/// <param name="Regulator">E.g. <c>FinCEN (MSB registration)</c>, <c>FCA (EMI)</c>.</param>
/// <param name="Number">The licence or registration number as issued.</param>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 code, or a region such as <c>EU</c>.</param>
/// <param name="Expires">Last day (UTC) on which the licence is valid.</param>
public sealed record Licence(string Regulator, string Number, string Jurisdiction, DateOnly Expires)
{
    /// <summary>True while the UTC date of <paramref name="now"/> is on or before <see cref="Expires"/>.</summary>
    public bool IsValidAt(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime) <= Expires;
}

/// <summary>What a provider offers for one payout method.</summary>
/// <param name="Method">The payout method.</param>
/// <param name="SourceCurrencies">Wallet currencies it accepts (fees and limits are given in each of them).</param>
/// <param name="PayoutCurrencies">Currencies it pays out in.</param>
/// <param name="Countries">ISO 3166-1 alpha-2 destination countries; empty when <paramref name="AllCountries"/>.</param>
/// <param name="AllCountries">True when configured as <c>"*"</c>.</param>
/// <param name="Fees">The fee schedule.</param>
/// <param name="Speed">Typical and worst arrival times.</param>
/// <param name="Limits">Per-payout, daily and monthly limits.</param>
public sealed record Offering(
    PayoutMethod Method,
    IReadOnlyList<Currency> SourceCurrencies,
    IReadOnlyList<Currency> PayoutCurrencies,
    IReadOnlyList<string> Countries,
    bool AllCountries,
    FeeSchedule Fees,
    Speed Speed,
    Limits Limits)
{
    public bool AcceptsSource(Currency currency) => SourceCurrencies.Contains(currency);

    public bool PaysOutIn(Currency currency) => PayoutCurrencies.Contains(currency);

    /// <summary>True when the offering pays to <paramref name="country"/> (ISO alpha-2, upper case).</summary>
    public bool Serves(string country) => AllCountries || Countries.Contains(country, StringComparer.Ordinal);
}

/// <summary>
/// A fee schedule. Money amounts are per source (wallet) currency; a currency absent from a map means no such
/// component (zero flat fee, no minimum, no maximum). Percentages and spreads are integer basis points.
/// </summary>
/// <param name="Flat">Flat fee per payout.</param>
/// <param name="PercentBps">Percentage of the gross in basis points (100 = 1 %).</param>
/// <param name="Minimum">Minimum of flat + percentage.</param>
/// <param name="Maximum">Maximum of flat + percentage.</param>
/// <param name="FxSpreadBps">Margin under the mid-market rate when currencies differ; negative is a red flag.</param>
/// <param name="Activation">Prepaid cards: one-off card activation fee.</param>
/// <param name="Monthly">Prepaid cards: monthly card fee.</param>
public sealed record FeeSchedule(
    IReadOnlyDictionary<Currency, Money> Flat,
    int PercentBps,
    IReadOnlyDictionary<Currency, Money> Minimum,
    IReadOnlyDictionary<Currency, Money> Maximum,
    int FxSpreadBps,
    IReadOnlyDictionary<Currency, Money> Activation,
    IReadOnlyDictionary<Currency, Money> Monthly)
{
    public Money FlatFor(Currency c) => Flat.TryGetValue(c, out var m) ? m : Money.Zero(c);

    public Money? MinimumFor(Currency c) => Minimum.TryGetValue(c, out var m) ? m : null;

    public Money? MaximumFor(Currency c) => Maximum.TryGetValue(c, out var m) ? m : null;

    public Money ActivationFor(Currency c) => Activation.TryGetValue(c, out var m) ? m : Money.Zero(c);

    public Money MonthlyFor(Currency c) => Monthly.TryGetValue(c, out var m) ? m : Money.Zero(c);

    /// <summary>True when nothing at all is charged in <paramref name="c"/> (no fee of any kind and no FX spread).</summary>
    public bool IsFreeFor(Currency c) =>
        FlatFor(c).IsZero && PercentBps == 0 && FxSpreadBps == 0 && (MinimumFor(c)?.IsZero ?? true)
        && ActivationFor(c).IsZero && MonthlyFor(c).IsZero;
}

/// <summary>Arrival times after submission.</summary>
public sealed record Speed(TimeSpan Typical, TimeSpan Worst);

/// <summary>Limits of an offering.</summary>
/// <param name="DailyCount">Most payouts per holder per UTC day through the provider, or null for none.</param>
/// <param name="MonthlyCount">Most payouts per holder per calendar month through the provider, or null.</param>
/// <param name="PerCurrency">Amount limits per source currency (one entry for every source currency).</param>
public sealed record Limits(int? DailyCount, int? MonthlyCount, IReadOnlyDictionary<Currency, CurrencyLimits> PerCurrency)
{
    public CurrencyLimits? For(Currency c) => PerCurrency.TryGetValue(c, out var l) ? l : null;
}

/// <summary>Amount limits in one source currency, applied to the gross.</summary>
public sealed record CurrencyLimits(Money MinPerPayout, Money MaxPerPayout, Money? DailyAmount, Money? MonthlyAmount);
