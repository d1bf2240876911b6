using SmallChange.Core.Compliance.Aml;

namespace SmallChange.Core.Tests.Aml;

public sealed class AmlScenarioTests
{
    public static TheoryData<string> TypologyNames()
    {
        var data = new TheoryData<string>();
        foreach (var t in Typologies.All)
        {
            data.Add(t.Name);
        }

        return data;
    }

    private static Typologies.Typology Find(string name) => Typologies.All.Single(t => t.Name == name);

    [Theory]
    [MemberData(nameof(TypologyNames))]
    public void Replay_Typology_AlertsWithItsRule(string name)
    {
        var typology = Find(name);
        var result = AmlReplay.Shipped().Run(typology.Build(true));

        var hits = result.HitsOf(typology.RuleId);
        Assert.True(hits.Count > 0, $"{typology.RuleId} did not alert; rules that did: {string.Join(", ", result.RulesHit)}");
        var decision = hits[0].Result.Decisions.Single(d => d.RuleId == typology.RuleId);
        Assert.Equal(1, decision.RuleVersion);
        Assert.NotEmpty(decision.Figures);
        Assert.False(string.IsNullOrWhiteSpace(decision.Explanation));
    }

    [Theory]
    [MemberData(nameof(TypologyNames))]
    public void Replay_TypologyControl_ItsRuleStaysQuiet(string name)
    {
        var typology = Find(name);
        var result = AmlReplay.Shipped().Run(typology.Build(false));

        Assert.Empty(result.HitsOf(typology.RuleId));
    }

    [Fact]
    public void Replay_HighRiskCountry_CashoutRejectedAndNotCounted()
    {
        var result = AmlReplay.Shipped().Run(Typologies.HighRiskCountry(true));

        var cashout = Assert.Single(result.Cashouts);
        Assert.Equal(AmlOutcome.Reject, cashout.Result.Outcome);
        Assert.Equal("fail", cashout.Result.ToCheckResult().Outcome);
        Assert.Equal("aml.high_risk_country", cashout.Result.ToCheckResult().Reason);
    }

    [Fact]
    public void Replay_Structuring_FiresOnTheSecondNearThresholdCashout()
    {
        var result = AmlReplay.Shipped().Run(Typologies.Structuring(true));

        var cashouts = result.Cashouts.ToList();
        Assert.Equal(2, cashouts.Count);
        Assert.DoesNotContain(cashouts[0].Result.Hits, d => d.RuleId == "aml.structuring");
        var hit = Assert.Single(cashouts[1].Result.Hits, d => d.RuleId == "aml.structuring");
        Assert.Contains(hit.Figures, f => f is CountFigure { Name: "near_count", Value: 2 });
        Assert.Contains(hit.Figures, f => f is AmountFigure { Name: "near_total" } a && a.Value.ToDecimalString() == "19100.00");
    }

    [Fact]
    public void Replay_CreditCycling_HeldForReviewAsACheck()
    {
        var result = AmlReplay.Shipped().Run(Typologies.CreditCyclingCarrierBilling(true));

        var check = result.Cashouts.Single().Result.ToCheckResult();
        Assert.Equal("review", check.Outcome);
        Assert.Contains("aml.credit_cycling@1", check.Detail);
    }
}
