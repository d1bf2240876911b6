using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Aml.Rules;
using SmallChange.Core.Destinations;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Tests.Aml;

/// <summary>An event in a simulated stream of one holder's activity.</summary>
internal abstract record SimEvent(HolderId Holder, DateTimeOffset At);

internal sealed record SimCredit(HolderId Holder, AmlCredit Credit) : SimEvent(Holder, Credit.At);

internal sealed record SimCashout(HolderId Holder, SmallChange.Core.Money.Money Amount, PayoutMethod Method, string Country, string Fingerprint, bool TravelRuleData, DateTimeOffset At)
    : SimEvent(Holder, At);

/// <summary>Holders and their events; the replay sorts the events by time.</summary>
internal sealed record Scenario(string Name, IReadOnlyList<AmlHolder> Holders, IReadOnlyList<SimEvent> Events);

/// <summary>Builds a scenario holder by holder: each <see cref="HolderScript"/> advances its own clock.</summary>
internal sealed class ScenarioBuilder(string name, DateTimeOffset start)
{
    private readonly List<AmlHolder> _holders = [];
    private readonly List<SimEvent> _events = [];

    public DateTimeOffset Start => start;

    /// <summary>A holder of <paramref name="country"/>, opened <paramref name="ageDays"/> days before the start.</summary>
    public HolderScript Holder(string country, int ageDays = 90, int kycTier = 2)
    {
        var holder = new AmlHolder(HolderId.New(), country, start.AddDays(-ageDays), kycTier);
        _holders.Add(holder);
        return new HolderScript(this, holder, start);
    }

    internal void Add(SimEvent e) => _events.Add(e);

    public Scenario Build() => new(name, _holders, _events);
}

/// <summary>One holder's activity, written in order; amounts are decimal text in the currency of the holder's country.</summary>
internal sealed class HolderScript(ScenarioBuilder builder, AmlHolder holder, DateTimeOffset now)
{
    private static readonly SourceId Platform = SourceId.New();

    public AmlHolder Holder => holder;

    public Currency Currency { get; } = Destination.DefaultCurrency(holder.Country) ?? Currencies.USD;

    /// <summary>The holder's own destination.</summary>
    public string OwnDestination { get; } = $"fp-{holder.Id}";

    public DateTimeOffset Now => now;

    public HolderScript At(DateTimeOffset t)
    {
        now = t;
        return this;
    }

    public HolderScript After(TimeSpan t)
    {
        now += t;
        return this;
    }

    public HolderScript Credit(string amount, SourceType type = SourceType.CreatorEarnings, CreditFunding funding = CreditFunding.Balance, SourceId? source = null, string? sender = null)
    {
        builder.Add(new SimCredit(holder.Id, new AmlCredit(source ?? Platform, type, funding, sender, Money(amount), now)));
        return this;
    }

    public HolderScript Cashout(string amount, PayoutMethod method = PayoutMethod.BankTransfer, string? country = null, string? destination = null, bool travelRuleData = true)
    {
        builder.Add(new SimCashout(holder.Id, Money(amount), method, country ?? holder.Country, destination ?? OwnDestination, travelRuleData, now));
        return this;
    }

    /// <summary>
    /// Ordinary earnings before the typology: a creator-platform credit of <paramref name="amount"/> every
    /// <paramref name="everyDays"/> days over <paramref name="days"/> days ending at the current time, then the clock
    /// stays where it was. Nothing in it alerts on its own (the control scenarios prove it).
    /// </summary>
    public HolderScript Earnings(string amount, int days = 28, int everyDays = 2)
    {
        var end = now;
        for (var d = days; d > 0; d -= everyDays)
        {
            now = end.AddDays(-d);
            Credit(amount);
        }

        now = end;
        return this;
    }

    private SmallChange.Core.Money.Money Money(string amount) => SmallChange.Core.Money.Money.Parse(amount, Currency).Value;
}

/// <summary>
/// The AML typologies of issue 5 as streams of credits and cash-outs, each with the rule that must catch it and a
/// control: the same stream without the one feature that makes it suspicious, which that rule must let through.
/// Amounts are chosen against the shipped profiles (config/jurisdictions.json): US in USD, KR in KRW, EU in EUR.
/// </summary>
internal static class Typologies
{
    /// <summary>A Monday 10:00 in New York (15:00 UTC), away from any daylight-saving change.</summary>
    public static readonly DateTimeOffset Start = new(2026, 10, 5, 14, 0, 0, TimeSpan.Zero);

    public sealed record Typology(string Name, string RuleId, Func<bool, Scenario> Build)
    {
        public override string ToString() => Name;
    }

    public static IReadOnlyList<Typology> All { get; } =
    [
        new("large single cash-out", LargeAmountRule.RuleId, LargeAmount),
        new("daily total over the reporting threshold", DailyTotalRule.RuleId, DailyTotal),
        new("structuring just under the threshold", StructuringRule.RuleId, Structuring),
        new("velocity: many cash-outs in an hour", VelocityRule.RuleId, Velocity),
        new("rapid in-and-out", RapidInOutRule.RuleId, RapidInOut),
        new("credit cycling: carrier billing cashed out at once", CreditCyclingRule.RuleId, CreditCyclingCarrierBilling),
        new("credit cycling: gift cards cashed out at once (KR)", CreditCyclingRule.RuleId, CreditCyclingGiftCards),
        new("fan-in from many sources", FanInRule.RuleId, FanInSources),
        new("fan-in from many senders", FanInRule.RuleId, FanInSenders),
        new("mules: one destination, several holders", SharedDestinationRule.RuleId, Mules),
        new("dormant account suddenly active", DormantReactivationRule.RuleId, Dormant),
        new("high-risk destination country", HighRiskCountryRule.RuleId, HighRiskCountry),
        new("crypto payout without travel-rule data", TravelRuleRule.RuleId, TravelRuleMissing),
    ];

    /// <summary>USD 6,000 in one cash-out (large line 5,000); control 4,000.</summary>
    public static Scenario LargeAmount(bool suspicious)
    {
        var b = new ScenarioBuilder("large amount", Start);
        b.Holder("US").Earnings("500", days: 28, everyDays: 2).Cashout(suspicious ? "6000" : "2500");
        return b.Build();
    }

    /// <summary>Three cash-outs of USD 4,000 in one New York day (12,000 ≥ 10,000); control 3 × 3,000.</summary>
    public static Scenario DailyTotal(bool suspicious)
    {
        var b = new ScenarioBuilder("daily total", Start);
        var each = suspicious ? "4000" : "3000";
        b.Holder("US").Earnings("1000", days: 28, everyDays: 2)
            .Cashout(each).After(TimeSpan.FromHours(3)).Cashout(each).After(TimeSpan.FromHours(3)).Cashout(each);
        return b.Build();
    }

    /// <summary>USD 9,500 then 9,600 three days apart (band 9,000–9,999.99); control 8,500 and 8,600.</summary>
    public static Scenario Structuring(bool suspicious)
    {
        var b = new ScenarioBuilder("structuring", Start);
        b.Holder("US").Earnings("1500", days: 28, everyDays: 2)
            .Cashout(suspicious ? "9500" : "8500").After(TimeSpan.FromDays(3)).Cashout(suspicious ? "9600" : "8600");
        return b.Build();
    }

    /// <summary>Four cash-outs of USD 40 within 45 minutes (more than 3 an hour); control three.</summary>
    public static Scenario Velocity(bool suspicious)
    {
        var b = new ScenarioBuilder("velocity", Start);
        var h = b.Holder("US").Earnings("30", days: 28, everyDays: 2);
        for (var i = 0; i < (suspicious ? 4 : 3); i++)
        {
            h.Cashout("40").After(TimeSpan.FromMinutes(15));
        }

        return b.Build();
    }

    /// <summary>EUR 1,500 from an e-wallet, EUR 1,450 out ten minutes later; control three hours later.</summary>
    public static Scenario RapidInOut(bool suspicious)
    {
        var b = new ScenarioBuilder("rapid in-and-out", Start);
        b.Holder("DE").Earnings("5", days: 28, everyDays: 2)
            .Credit("1500", SourceType.EWallet)
            .After(suspicious ? TimeSpan.FromMinutes(10) : TimeSpan.FromHours(3))
            .Cashout("1450");
        return b.Build();
    }

    /// <summary>
    /// KRW 300,000 bought on a phone bill in three purchases and cashed out within the hour; control: the same amounts
    /// as a carrier refund of prepaid balance (funding "balance"), which is the holder's own money.
    /// </summary>
    public static Scenario CreditCyclingCarrierBilling(bool suspicious)
    {
        var b = new ScenarioBuilder("credit cycling (carrier billing)", Start);
        var carrier = SourceId.New();
        var funding = suspicious ? CreditFunding.CarrierBilling : CreditFunding.Balance;
        b.Holder("KR").Earnings("3000", days: 28, everyDays: 2)
            .Credit("100000", SourceType.CarrierRefund, funding, carrier).After(TimeSpan.FromMinutes(5))
            .Credit("100000", SourceType.CarrierRefund, funding, carrier).After(TimeSpan.FromMinutes(5))
            .Credit("100000", SourceType.CarrierRefund, funding, carrier).After(TimeSpan.FromMinutes(40))
            .Cashout("295000");
        return b.Build();
    }

    /// <summary>KRW 200,000 of gift-card credit cashed out six hours later (상품권 깡); control two days later.</summary>
    public static Scenario CreditCyclingGiftCards(bool suspicious)
    {
        var b = new ScenarioBuilder("credit cycling (gift cards)", Start);
        var issuer = SourceId.New();
        b.Holder("KR").Earnings("3000", days: 28, everyDays: 2)
            .Credit("200000", SourceType.GiftCardCredit, CreditFunding.Unknown, issuer)
            .After(suspicious ? TimeSpan.FromHours(6) : TimeSpan.FromDays(2))
            .Cashout("190000");
        return b.Build();
    }

    /// <summary>Credits from seven sources within three days (more than 5 in 7 days); control four sources.</summary>
    public static Scenario FanInSources(bool suspicious)
    {
        var b = new ScenarioBuilder("fan-in (sources)", Start);
        var h = b.Holder("US").Earnings("10", days: 28, everyDays: 2);
        for (var i = 0; i < (suspicious ? 7 : 4); i++)
        {
            h.Credit("25", SourceType.EWallet, source: SourceId.New()).After(TimeSpan.FromHours(10));
        }

        h.Cashout("150");
        return b.Build();
    }

    /// <summary>Credits from 25 named senders through one e-wallet within a week (more than 20); control 15.</summary>
    public static Scenario FanInSenders(bool suspicious)
    {
        var b = new ScenarioBuilder("fan-in (senders)", Start);
        var wallet = SourceId.New();
        var h = b.Holder("US").Earnings("10", days: 28, everyDays: 2);
        for (var i = 0; i < (suspicious ? 25 : 15); i++)
        {
            h.Credit("12", SourceType.EWallet, source: wallet, sender: $"sender-{i}").After(TimeSpan.FromHours(5));
        }

        h.Cashout("150");
        return b.Build();
    }

    /// <summary>Four holders cash out to one bank account (2 or more others); control two holders (a couple).</summary>
    public static Scenario Mules(bool suspicious)
    {
        var b = new ScenarioBuilder("mules", Start);
        const string shared = "fp-shared-account";
        for (var i = 0; i < (suspicious ? 4 : 2); i++)
        {
            b.Holder("KR").Earnings("5000", days: 28, everyDays: 2).After(TimeSpan.FromHours(i * 7)).Cashout("60000", destination: shared);
        }

        return b.Build();
    }

    /// <summary>
    /// An account opened 400 days ago, active for its first three weeks, idle since; then USD 500 arrives and is
    /// cashed out two days later. Control: USD 40 (under the 100 minimum).
    /// </summary>
    public static Scenario Dormant(bool suspicious)
    {
        var b = new ScenarioBuilder("dormant", Start);
        var h = b.Holder("US", ageDays: 400).At(Start.AddDays(-379)).Earnings("5", days: 20, everyDays: 2);
        var amount = suspicious ? "500" : "40";
        h.At(Start).Credit(amount).After(TimeSpan.FromDays(2)).Cashout(amount);
        return b.Build();
    }

    /// <summary>A cash-out to Iran (reject list); control to Germany.</summary>
    public static Scenario HighRiskCountry(bool suspicious)
    {
        var b = new ScenarioBuilder("high-risk country", Start);
        b.Holder("US").Earnings("20", days: 28, everyDays: 2).Cashout("150", country: suspicious ? "IR" : "DE");
        return b.Build();
    }

    /// <summary>EUR 200 to a crypto address without IVMS101 data (EU threshold 0); control with the data.</summary>
    public static Scenario TravelRuleMissing(bool suspicious)
    {
        var b = new ScenarioBuilder("travel rule", Start);
        b.Holder("DE").Earnings("20", days: 28, everyDays: 2).Cashout("200", PayoutMethod.Crypto, travelRuleData: !suspicious);
        return b.Build();
    }
}
