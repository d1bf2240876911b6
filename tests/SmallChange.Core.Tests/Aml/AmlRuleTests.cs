using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Aml.Rules;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Tests.Aml;

/// <summary>Each rule at its boundary, and the evaluator's combination, against the shipped US and KR profiles.</summary>
public sealed class AmlRuleTests
{
    private static readonly JurisdictionProfile Us = AmlTestConfig.Profiles.For("US");
    private static readonly JurisdictionProfile Kr = AmlTestConfig.Profiles.For("KR");
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 15, 0, 0, TimeSpan.Zero); // 10:00 in New York
    private static readonly AmlHolder UsHolder = new(HolderId.New(), "US", Now.AddDays(-90), 2);
    private static readonly SourceId Platform = SourceId.New();

    private static SmallChange.Core.Money.Money Usd(string s) => SmallChange.Core.Money.Money.Parse(s, Currencies.USD).Value;

    private static CashoutRequested Cashout(string usd, PayoutMethod method = PayoutMethod.BankTransfer, string country = "US", bool travel = true, int others = 0) =>
        new(Usd(usd), method, country, "fp-1", travel, others, Now);

    private static AmlInput Input(AmlEvent e, IReadOnlyList<AmlCredit>? credits = null, IReadOnlyList<AmlCashout>? cashouts = null, AmlHolder? holder = null, DateTimeOffset? lastBefore = null) =>
        new(holder ?? UsHolder, e, e.At.AddDays(-30), credits ?? [], cashouts ?? [], lastBefore ?? e.At.AddDays(-31));

    private static AmlDecision Rule(string id, AmlInput input, JurisdictionProfile? profile = null) =>
        AmlRuleSet.For(profile ?? Us).Evaluate(profile ?? Us, input, AmlTestConfig.Rates).Decisions.Single(d => d.RuleId == id);

    [Theory]
    [InlineData("4999.99", AmlOutcome.Allow)]
    [InlineData("5000.00", AmlOutcome.Hold)]
    public void LargeAmount_AtTheLine_Holds(string amount, AmlOutcome expected)
    {
        Assert.Equal(expected, Rule(LargeAmountRule.RuleId, Input(Cashout(amount))).Outcome);
    }

    [Fact]
    public void DailyTotal_EarlierCashoutsBeforeLocalMidnight_NotCounted()
    {
        // 03:00 UTC on the same UTC date is 22:00 the previous day in New York.
        var yesterday = new AmlCashout(Usd("6000"), PayoutMethod.BankTransfer, "US", new DateTimeOffset(2026, 11, 18, 3, 0, 0, TimeSpan.Zero));
        var today = new AmlCashout(Usd("3000"), PayoutMethod.BankTransfer, "US", Now.AddHours(-1));

        var d = Rule(DailyTotalRule.RuleId, Input(Cashout("2000"), cashouts: [yesterday, today]));

        Assert.Equal(AmlOutcome.Allow, d.Outcome);
        Assert.Contains(d.Figures, f => f is AmountFigure { Name: "day_total" } a && a.Value == Usd("5000"));
    }

    [Fact]
    public void DailyTotal_OtherCurrencyWallet_ConvertedAndCounted()
    {
        // KRW 10,000,000 is USD 7,079.64 at 1,412.50; with USD 3,000 today the day reaches USD 10,000.
        var krw = new AmlCashout(SmallChange.Core.Money.Money.Parse("10000000", Currencies.KRW).Value, PayoutMethod.BankTransfer, "KR", Now.AddHours(-2));

        var d = Rule(DailyTotalRule.RuleId, Input(Cashout("3000"), cashouts: [krw]));

        Assert.Equal(AmlOutcome.Hold, d.Outcome);
        Assert.Contains(d.Figures, f => f is AmountFigure { Name: "day_total_before" } a && a.Value.ToDecimalString() == "7079.646017");
    }

    [Theory]
    [InlineData("8999.99", AmlOutcome.Allow)]
    [InlineData("9000.00", AmlOutcome.Hold)]
    [InlineData("9999.99", AmlOutcome.Hold)]
    [InlineData("10000.00", AmlOutcome.Allow)]
    public void Structuring_SecondCashoutInBand_HoldsOnlyInsideTheBand(string amount, AmlOutcome expected)
    {
        var earlier = new AmlCashout(Usd("9500"), PayoutMethod.BankTransfer, "US", Now.AddDays(-6));

        Assert.Equal(expected, Rule(StructuringRule.RuleId, Input(Cashout(amount), cashouts: [earlier])).Outcome);
    }

    [Fact]
    public void Structuring_EarlierNearCashoutOutsideWindow_Allows()
    {
        var earlier = new AmlCashout(Usd("9500"), PayoutMethod.BankTransfer, "US", Now.AddDays(-8));

        Assert.Equal(AmlOutcome.Allow, Rule(StructuringRule.RuleId, Input(Cashout("9500"), cashouts: [earlier])).Outcome);
    }

    [Theory]
    [InlineData(2, "10", AmlOutcome.Allow)]
    [InlineData(3, "10", AmlOutcome.Hold)]
    [InlineData(0, "3000.00", AmlOutcome.Allow)]
    [InlineData(0, "3000.01", AmlOutcome.Hold)]
    public void Velocity_CountOrAmountOverTheHour_Holds(int earlier, string amount, AmlOutcome expected)
    {
        var prior = Enumerable.Range(1, earlier).Select(i => new AmlCashout(Usd("10"), PayoutMethod.BankTransfer, "US", Now.AddMinutes(-10 * i))).ToList();

        Assert.Equal(expected, Rule(VelocityRule.RuleId, Input(Cashout(amount), cashouts: prior)).Outcome);
    }

    [Theory]
    [InlineData("1000", "800", 30, AmlOutcome.Hold)]
    [InlineData("1000", "799.99", 30, AmlOutcome.Allow)]
    [InlineData("999.99", "999.99", 30, AmlOutcome.Allow)]
    [InlineData("1000", "1000", 61, AmlOutcome.Allow)]
    public void RapidInOut_ShareOfRecentCredits_HoldsAtEightyPercent(string credited, string cashedOut, int minutesAgo, AmlOutcome expected)
    {
        var credit = new AmlCredit(Platform, SourceType.EWallet, CreditFunding.Balance, null, Usd(credited), Now.AddMinutes(-minutesAgo));

        Assert.Equal(expected, Rule(RapidInOutRule.RuleId, Input(Cashout(cashedOut), credits: [credit])).Outcome);
    }

    [Theory]
    [InlineData(CreditFunding.CarrierBilling, SourceType.CarrierRefund, AmlOutcome.Hold)]
    [InlineData(CreditFunding.Card, SourceType.EWallet, AmlOutcome.Hold)]
    [InlineData(CreditFunding.Unknown, SourceType.GiftCardCredit, AmlOutcome.Hold)]
    [InlineData(CreditFunding.Balance, SourceType.CarrierRefund, AmlOutcome.Allow)]
    [InlineData(CreditFunding.Unknown, SourceType.EWallet, AmlOutcome.Allow)]
    public void CreditCycling_Kr_CountsCreditFundedValueOnly(CreditFunding funding, SourceType type, AmlOutcome expected)
    {
        var holder = new AmlHolder(HolderId.New(), "KR", Now.AddDays(-90), 1);
        var credit = new AmlCredit(Platform, type, funding, null, SmallChange.Core.Money.Money.Parse("100000", Currencies.KRW).Value, Now.AddHours(-3));
        var cashout = new CashoutRequested(SmallChange.Core.Money.Money.Parse("60000", Currencies.KRW).Value, PayoutMethod.BankTransfer, "KR", "fp", true, 0, Now);

        Assert.Equal(expected, Rule(CreditCyclingRule.RuleId, Input(cashout, credits: [credit], holder: holder), Kr).Outcome);
    }

    [Fact]
    public void CreditCycling_Us_GiftCardNotListed_Allows()
    {
        var credit = new AmlCredit(Platform, SourceType.GiftCardCredit, CreditFunding.Unknown, null, Usd("100"), Now.AddHours(-3));

        Assert.Equal(AmlOutcome.Allow, Rule(CreditCyclingRule.RuleId, Input(Cashout("90"), credits: [credit])).Outcome);
    }

    [Fact]
    public void FanIn_OnCredit_CountsTheArrivingCreditsSource()
    {
        var credits = Enumerable.Range(0, 5).Select(i => new AmlCredit(SourceId.New(), SourceType.EWallet, CreditFunding.Balance, null, Usd("5"), Now.AddDays(-i - 1))).ToList();
        var sixth = new CreditReceived(new AmlCredit(SourceId.New(), SourceType.EWallet, CreditFunding.Balance, null, Usd("5"), Now));

        var d = Rule(FanInRule.RuleId, Input(sixth, credits: credits));

        Assert.Equal(AmlOutcome.Hold, d.Outcome);
        Assert.Contains(d.Figures, f => f is CountFigure { Name: "sources", Value: 6 });
    }

    [Theory]
    [InlineData(1, AmlOutcome.Allow)]
    [InlineData(2, AmlOutcome.Hold)]
    public void SharedDestination_OtherHolders_HoldsFromTwo(int others, AmlOutcome expected)
    {
        Assert.Equal(expected, Rule(SharedDestinationRule.RuleId, Input(Cashout("50", others: others))).Outcome);
    }

    [Theory]
    [InlineData(181, "100", AmlOutcome.Hold)]
    [InlineData(179, "100", AmlOutcome.Allow)]
    [InlineData(181, "99.99", AmlOutcome.Allow)]
    public void Dormant_IdleThenActive_HoldsOverBothLines(int idleDays, string amount, AmlOutcome expected)
    {
        var holder = UsHolder with { CreatedAt = Now.AddDays(-1000) };
        var reactivating = new AmlCredit(Platform, SourceType.CreatorEarnings, CreditFunding.Balance, null, Usd(amount), Now.AddDays(-2));
        var input = Input(Cashout(amount), credits: [reactivating], holder: holder, lastBefore: Now.AddDays(-2 - idleDays));

        Assert.Equal(expected, Rule(DormantReactivationRule.RuleId, input).Outcome);
    }

    [Fact]
    public void Dormant_OpenedLongAgoNeverUsed_HoldsFirstLargeCredit()
    {
        var holder = UsHolder with { CreatedAt = Now.AddDays(-400) };
        var credit = new CreditReceived(new AmlCredit(Platform, SourceType.EWallet, CreditFunding.Balance, null, Usd("250"), Now));
        var input = new AmlInput(holder, credit, Now.AddDays(-8), [], [], null);

        Assert.Equal(AmlOutcome.Hold, Rule(DormantReactivationRule.RuleId, input).Outcome);
    }

    [Theory]
    [InlineData("KP", AmlOutcome.Reject)]
    [InlineData("MM", AmlOutcome.Reject)]
    [InlineData("KR", AmlOutcome.Allow)]
    public void HighRiskCountry_RejectList_Rejects(string country, AmlOutcome expected)
    {
        Assert.Equal(expected, Rule(HighRiskCountryRule.RuleId, Input(Cashout("50", country: country))).Outcome);
    }

    [Theory]
    [InlineData(PayoutMethod.Crypto, "3000", false, AmlOutcome.Reject)]
    [InlineData(PayoutMethod.Crypto, "2999.99", false, AmlOutcome.Allow)]
    [InlineData(PayoutMethod.Crypto, "3000", true, AmlOutcome.Allow)]
    [InlineData(PayoutMethod.BankTransfer, "3000", false, AmlOutcome.Allow)]
    public void TravelRule_UsThreshold_RejectsCryptoWithoutData(PayoutMethod method, string amount, bool data, AmlOutcome expected)
    {
        Assert.Equal(expected, Rule(TravelRuleRule.RuleId, Input(Cashout(amount, method, travel: data))).Outcome);
    }

    [Fact]
    public void Evaluate_HoldAndReject_StrictestWinsAndEveryDecisionKept()
    {
        var result = AmlRuleSet.For(Us).Evaluate(Us, Input(Cashout("6000", country: "IR")), AmlTestConfig.Rates);

        Assert.Equal(AmlOutcome.Reject, result.Outcome);
        Assert.Equal(AmlRuleSet.For(Us).Rules.Count(r => r.AppliesTo(Cashout("1"))), result.Decisions.Count);
        Assert.Equal(["aml.high_risk_country", "aml.large_amount", "aml.velocity"], result.Hits.Select(h => h.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal("aml.high_risk_country", result.Hits[0].RuleId);
    }

    [Fact]
    public void Evaluate_Credit_RunsOnlyCreditRules()
    {
        var credit = new CreditReceived(new AmlCredit(Platform, SourceType.CreatorEarnings, CreditFunding.Balance, null, Usd("1"), Now));

        var result = AmlRuleSet.For(Us).Evaluate(Us, Input(credit), AmlTestConfig.Rates);

        Assert.Equal([FanInRule.RuleId, DormantReactivationRule.RuleId], result.Decisions.Select(d => d.RuleId));
        Assert.Equal(AmlOutcome.Allow, result.Outcome);
    }

    [Fact]
    public void Evaluate_AmountWithoutRate_HoldsAsUnevaluable()
    {
        var rates = FxRateTable.Create(Currencies.USD, Now, []);
        var krwCashout = new AmlCashout(SmallChange.Core.Money.Money.Parse("1000", Currencies.KRW).Value, PayoutMethod.BankTransfer, "KR", Now.AddHours(-1));

        var result = AmlRuleSet.For(Us).Evaluate(Us, Input(Cashout("10"), cashouts: [krwCashout]), rates);

        Assert.Equal(AmlOutcome.Hold, result.Outcome);
        Assert.Equal(AmlRuleSet.UnevaluableRuleId, Assert.Single(result.Decisions).RuleId);
    }

    [Fact]
    public void Evaluate_HistoryShorterThanLookback_Throws()
    {
        var input = Input(Cashout("10")) with { HistorySince = Now.AddDays(-1) };

        Assert.Throws<ArgumentException>(() => AmlRuleSet.For(Us).Evaluate(Us, input, AmlTestConfig.Rates));
    }

    [Fact]
    public void RuleSet_ShippedProfile_LooksBackSevenDays()
    {
        Assert.Equal(TimeSpan.FromDays(7), AmlRuleSet.For(Us).Lookback);
        Assert.Equal(11, AmlRuleSet.For(Us).Rules.Count);
    }

    [Fact]
    public void Decision_ToString_HasRuleVersionAndFiguresButNoDestination()
    {
        var d = Rule(StructuringRule.RuleId, Input(Cashout("9500"), cashouts: [new AmlCashout(Usd("9400"), PayoutMethod.BankTransfer, "US", Now.AddDays(-1))]));

        var text = d.ToString();
        Assert.StartsWith("aml.structuring@1 hold:", text);
        Assert.Contains("near_count=2", text);
        Assert.Contains("window=7d", text);
        Assert.DoesNotContain("fp-1", Cashout("1").ToString());
    }
}
