using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Tests.Aml;

/// <summary>The back-test replays stored history the way the live paths evaluate it: each typology alerts with its rule, each control stays quiet.</summary>
public sealed class AmlBacktestTests
{
    private static readonly DateTimeOffset From = Typologies.Start.AddDays(-400);
    private static readonly DateTimeOffset To = Typologies.Start.AddDays(60);

    /// <summary>A scenario as the store would return it: every cash-out paid, each destination registered when first used.</summary>
    private static AmlReplaySet AsStored(Scenario s)
    {
        var credits = s.Events.OfType<SimCredit>().Select(c => new ReplayCredit(c.Holder, TransferId.New(), c.Credit)).ToList();
        var cashouts = s.Events.OfType<SimCashout>()
            .Select(c => new ReplayCashout(CashoutId.New(), c.Holder, new AmlCashout(c.Amount, c.Method, c.Country, c.At), c.Fingerprint, c.TravelRuleData, CashoutState.Paid))
            .ToList();
        var destinations = s.Events.OfType<SimCashout>().GroupBy(c => (c.Holder, c.Fingerprint)).Select(g => new DestinationUse(g.Key.Fingerprint, g.Key.Holder, g.Min(c => c.At))).ToList();
        return new AmlReplaySet(s.Holders, credits, cashouts, destinations, new Dictionary<HolderId, DateTimeOffset>());
    }

    public static TheoryData<string> TypologyNames() => AmlScenarioTests.TypologyNames();

    [Theory]
    [MemberData(nameof(TypologyNames))]
    public void Run_Typology_CountsAnAlertOfItsRule(string name)
    {
        var typology = Typologies.All.Single(t => t.Name == name);

        var report = AmlBacktest.Run(AmlTestConfig.Profiles, AmlTestConfig.Rates, AsStored(typology.Build(true)), From, To);

        var tally = report.Rules.Single(r => r.RuleId == typology.RuleId);
        Assert.True(tally.Alerts > 0, $"{typology.RuleId}: no alert; {string.Join(", ", report.Rules.Where(r => r.Alerts > 0).Select(r => r.RuleId))} did");
        Assert.True(tally.Holders >= 1);
        Assert.Equal(1, tally.RuleVersion);
    }

    [Theory]
    [MemberData(nameof(TypologyNames))]
    public void Run_TypologyControl_ItsRuleCountsNone(string name)
    {
        var typology = Typologies.All.Single(t => t.Name == name);

        var report = AmlBacktest.Run(AmlTestConfig.Profiles, AmlTestConfig.Rates, AsStored(typology.Build(false)), From, To);

        Assert.Equal(0, report.Rules.SingleOrDefault(r => r.RuleId == typology.RuleId)?.Alerts ?? 0);
    }

    [Fact]
    public void Run_OneRule_OnlyThatRuleEvaluated()
    {
        var report = AmlBacktest.Run(AmlTestConfig.Profiles, AmlTestConfig.Rates, AsStored(Typologies.Structuring(true)), From, To, "aml.structuring");

        var tally = Assert.Single(report.Rules);
        Assert.Equal("aml.structuring", tally.RuleId);
        Assert.Equal(1, tally.Holds);
        Assert.Equal(2, report.CashoutsEvaluated);
    }

    [Fact]
    public void Run_EventsBeforeFrom_HistoryOnlyNotCounted()
    {
        var set = AsStored(Typologies.Structuring(true));
        var second = set.Cashouts.Max(c => c.Cashout.At);

        var report = AmlBacktest.Run(AmlTestConfig.Profiles, AmlTestConfig.Rates, set, second, To);

        // Only the second cash-out is in range, and it still sees the first as history: structuring fires on it.
        Assert.Equal(1, report.CashoutsEvaluated);
        Assert.Equal(1, report.Rules.Single(r => r.RuleId == "aml.structuring").Holds);
    }

    [Fact]
    public void Run_RejectedCashoutBeforeFrom_NotCountedAsHistory()
    {
        var set = AsStored(Typologies.Structuring(true));
        var first = set.Cashouts.MinBy(c => c.Cashout.At)!;
        var rejected = set with { Cashouts = set.Cashouts.Select(c => c == first ? c with { State = CashoutState.Rejected } : c).ToList() };

        var report = AmlBacktest.Run(AmlTestConfig.Profiles, AmlTestConfig.Rates, rejected, set.Cashouts.Max(c => c.Cashout.At), To);

        Assert.Equal(0, report.Rules.Single(r => r.RuleId == "aml.structuring").Holds);
    }
}
