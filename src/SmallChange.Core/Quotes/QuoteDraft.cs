using System.Text.Json.Serialization;

namespace SmallChange.Core.Quotes;

using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;

/// <summary>
/// A priced quote before it is stored: every quotable provider × method with its full breakdown, the options
/// excluded with their reasons, the cheapest and fastest marked, and the wait advice. Immutable; serialise with
/// <see cref="QuoteJson.Options"/>. The store adds the <c>QuoteId</c> and the expiry lock.
/// </summary>
/// <param name="Requested">The amount asked for, in the wallet currency.</param>
/// <param name="Gross">The payable part: <paramref name="Requested"/> rounded down to whole ISO minor units.</param>
/// <param name="Remainder">What stays in the wallet (<paramref name="Requested"/> − <paramref name="Gross"/>).</param>
/// <param name="PayoutCurrency">The currency received.</param>
/// <param name="DestinationCountry">ISO alpha-2, upper case.</param>
/// <param name="MethodFilter">The method asked for, or null for all.</param>
/// <param name="QuotedAt">The request's instant.</param>
/// <param name="RatesAsOf">When the mid-market rates were observed.</param>
/// <param name="TargetMaxCostBps">The holder's target maximum effective cost.</param>
/// <param name="Options">Quotable options, cheapest first.</param>
/// <param name="Excluded">Options not quoted, each with every reason code (see <see cref="QuoteReasons"/>).</param>
/// <param name="Wait">Advice to wait for a larger balance, or null.</param>
public sealed record QuoteDraft(
    Money Requested,
    Money Gross,
    Money Remainder,
    Currency PayoutCurrency,
    string DestinationCountry,
    PayoutMethod? MethodFilter,
    DateTimeOffset QuotedAt,
    DateTimeOffset RatesAsOf,
    int TargetMaxCostBps,
    IReadOnlyList<QuoteOption> Options,
    IReadOnlyList<ExcludedOption> Excluded,
    WaitAdvice? Wait)
{
    /// <summary>The option with the highest net (ties: lower effective cost, then faster), or null.</summary>
    [JsonIgnore]
    public QuoteOption? Cheapest => Options.FirstOrDefault(o => o.IsCheapest);

    /// <summary>The option with the earliest typical arrival (ties: cheaper), or null.</summary>
    [JsonIgnore]
    public QuoteOption? Fastest => Options.FirstOrDefault(o => o.IsFastest);
}

/// <summary>One priced provider × method.</summary>
/// <param name="ProviderId">Provider slug.</param>
/// <param name="ProviderName">Display name.</param>
/// <param name="Rail">The provider's rail.</param>
/// <param name="Sandbox">True for a sandbox provider: no real money moves.</param>
/// <param name="Method">The payout method.</param>
/// <param name="Gross">The payable gross, wallet currency.</param>
/// <param name="Fees">Every fee line, wallet currency; zero lines omitted.</param>
/// <param name="TotalFee">Sum of <paramref name="Fees"/>.</param>
/// <param name="AmountConverted">Gross − total fee: what is converted and sent.</param>
/// <param name="MidMarketRate">Payout units per wallet unit at mid-market (1 for the same currency).</param>
/// <param name="AppliedRate">Mid-market less the spread.</param>
/// <param name="FxSpreadBps">The provider's spread (0 for the same currency).</param>
/// <param name="FxSpreadCost">What the spread costs, wallet currency: ⌈converted × spread / 10 000⌉.</param>
/// <param name="Net">What the destination receives: converted at the applied rate, rounded down to whole ISO minor units.</param>
/// <param name="ConversionRoundingLoss">The payout-currency fraction below one ISO minor unit that rounding down dropped.</param>
/// <param name="NetValueAtMidMarket">Net converted back to the wallet currency at mid-market, rounded down.</param>
/// <param name="EffectiveCostBps">⌈(gross − net value at mid-market) × 10 000 / gross⌉.</param>
/// <param name="TypicalArrival">Typical time to arrive.</param>
/// <param name="WorstArrival">Worst-case time to arrive.</param>
/// <param name="ArrivesTypically">Now + typical.</param>
/// <param name="ArrivesAtLatest">Now + worst.</param>
/// <param name="IsCheapest">The cheapest option of the quote.</param>
/// <param name="IsFastest">The fastest option of the quote.</param>
public sealed record QuoteOption(
    string ProviderId,
    string ProviderName,
    string Rail,
    bool Sandbox,
    PayoutMethod Method,
    Money Gross,
    IReadOnlyList<FeeLine> Fees,
    Money TotalFee,
    Money AmountConverted,
    FxRate MidMarketRate,
    FxRate AppliedRate,
    int FxSpreadBps,
    Money FxSpreadCost,
    Money Net,
    Money ConversionRoundingLoss,
    Money NetValueAtMidMarket,
    int EffectiveCostBps,
    TimeSpan TypicalArrival,
    TimeSpan WorstArrival,
    DateTimeOffset ArrivesTypically,
    DateTimeOffset ArrivesAtLatest,
    bool IsCheapest,
    bool IsFastest)
{
    /// <summary>A stable key for the option within a quote: <c>provider-id/method</c>.</summary>
    [JsonIgnore]
    public string Key => $"{ProviderId}/{Method.ToWireName()}";
}

/// <summary>The kind of a fee line. Serialised in snake_case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeeKind>))]
public enum FeeKind
{
    /// <summary>Flat fee per payout.</summary>
    [JsonStringEnumMemberName("flat")]
    Flat,

    /// <summary>Percentage of the gross, rounded up to the ledger unit.</summary>
    [JsonStringEnumMemberName("percentage")]
    Percentage,

    /// <summary>Raises flat + percentage to the minimum fee (positive).</summary>
    [JsonStringEnumMemberName("minimum_adjustment")]
    MinimumAdjustment,

    /// <summary>Lowers flat + percentage to the maximum fee (negative).</summary>
    [JsonStringEnumMemberName("maximum_adjustment")]
    MaximumAdjustment,

    /// <summary>Prepaid card activation (first payout to a new card).</summary>
    [JsonStringEnumMemberName("activation")]
    Activation,

    /// <summary>Prepaid card monthly fee (charged on the first payout of a month).</summary>
    [JsonStringEnumMemberName("monthly")]
    Monthly,
}

/// <summary>One line of the fee breakdown, in the wallet currency.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Amount">The amount (negative only for a maximum adjustment).</param>
/// <param name="RateBps">For a percentage line, its rate in basis points.</param>
public sealed record FeeLine(FeeKind Kind, Money Amount, int? RateBps = null);

/// <summary>A provider × method that was not quoted, with every applicable reason code.</summary>
public sealed record ExcludedOption(string ProviderId, string ProviderName, PayoutMethod Method, IReadOnlyList<string> Reasons);

/// <summary>
/// Advice to wait: at <paramref name="TargetAmount"/> some option's effective cost is within the holder's target.
/// </summary>
/// <param name="TargetAmount">The smallest whole-ISO-minor amount found at which an option meets the target.</param>
/// <param name="Shortfall">Target amount − requested amount.</param>
/// <param name="ProviderId">The option that meets the target there.</param>
/// <param name="Method">Its method.</param>
/// <param name="EffectiveCostBps">Its effective cost at the target amount.</param>
/// <param name="ProjectedAt">When the balance reaches the target at the holder's earning rate, or null when no rate was given.</param>
public sealed record WaitAdvice(
    Money TargetAmount,
    Money Shortfall,
    string ProviderId,
    PayoutMethod Method,
    int EffectiveCostBps,
    DateTimeOffset? ProjectedAt);
