using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Tests.Compliance;

public sealed class JurisdictionProfileAmlTests
{
    private static string Profile(string aml) =>
        $$"""{ "profiles": [ { "id": "X", "countries": ["*"], "currency": "USD", "cooling_off_hours": 1, "reporting": { "ctr_threshold": "10000" }, "tiers": [], "aml": {{aml}} } ] }""";

    private static JurisdictionProfiles Shipped()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "SmallChange.slnx")))
        {
            dir = dir.Parent;
        }

        return JurisdictionProfiles.Parse(File.ReadAllText(Path.Combine(dir.FullName, "config", "jurisdictions.json"))).Value;
    }

    [Fact]
    public void Parse_ShippedConfig_AmlParametersPerJurisdiction()
    {
        var p = Shipped();

        Assert.Equal("1000000", p.For("KR").Aml.TravelRule.Threshold.ToDecimalString());
        Assert.Equal("3000.00", p.For("US").Aml.TravelRule.Threshold.ToDecimalString());
        Assert.True(p.For("DE").Aml.TravelRule.Threshold.IsZero);
        Assert.Equal("1000.00", p.For("PH").Aml.TravelRule.Threshold.ToDecimalString());
        Assert.Contains(SourceType.GiftCardCredit, p.For("KR").Aml.CreditCycling.SourceTypes);
        Assert.DoesNotContain(SourceType.GiftCardCredit, p.For("US").Aml.CreditCycling.SourceTypes);
        Assert.Equal("3000000", p.For("KR").Aml.Velocity.MaxAmount.ToDecimalString());
        Assert.All(p.All, x => Assert.Equal(x.CtrThreshold, x.Aml.DailyTotal.Threshold));
        Assert.All(p.All, x => Assert.Equal(["IR", "KP", "MM"], x.Aml.HighRiskCountry.RejectCountries.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void Parse_NoAmlSection_DefaultsFromTheCtrThreshold()
    {
        var json = """{ "profiles": [ { "id": "X", "countries": ["*"], "currency": "USD", "cooling_off_hours": 1, "reporting": { "ctr_threshold": "20000" }, "tiers": [] } ] }""";

        var aml = JurisdictionProfiles.Parse(json).Value.All[0].Aml;

        Assert.Equal("10000.00", aml.LargeAmount.SingleAmount.ToDecimalString());
        Assert.Equal("20000.00", aml.Structuring.Threshold.ToDecimalString());
        Assert.Equal("6000.00", aml.Velocity.MaxAmount.ToDecimalString());
        Assert.Equal("2000.00", aml.RapidInOut.MinAmount.ToDecimalString());
        Assert.Equal("100.00", aml.CreditCycling.MinAmount.ToDecimalString());
        Assert.Equal("200.00", aml.Dormant.MinAmount.ToDecimalString());
        Assert.Equal(AmlOutcome.Reject, aml.TravelRule.OnHit);
        Assert.True(aml.TravelRule.Threshold.IsZero);
    }

    [Fact]
    public void Parse_PartialAmlSection_OtherFieldsKeepDefaults()
    {
        var aml = JurisdictionProfiles.Parse(Profile("""{ "velocity": { "max_count": 5, "outcome": "reject" }, "fan_in": { "enabled": false } }""")).Value.All[0].Aml;

        Assert.Equal(5, aml.Velocity.MaxCount);
        Assert.Equal(AmlOutcome.Reject, aml.Velocity.OnHit);
        Assert.Equal(TimeSpan.FromMinutes(60), aml.Velocity.Window);
        Assert.False(aml.FanIn.Enabled);
        Assert.DoesNotContain(AmlRuleSet.For(aml).Rules, r => r.Id == "aml.fan_in");
    }

    [Theory]
    [InlineData("""[]""", "profiles[0] (X).aml")]
    [InlineData("""{ "velocitty": {} }""", "profiles[0] (X).aml.velocitty")]
    [InlineData("""{ "velocity": { "max_cuont": 3 } }""", "profiles[0] (X).aml.velocity.max_cuont")]
    [InlineData("""{ "velocity": { "max_count": 0 } }""", "profiles[0] (X).aml.velocity.max_count")]
    [InlineData("""{ "velocity": { "max_amount": 3000 } }""", "profiles[0] (X).aml.velocity.max_amount")]
    [InlineData("""{ "large_amount": { "single_amount": "-1" } }""", "profiles[0] (X).aml.large_amount.single_amount")]
    [InlineData("""{ "large_amount": { "single_amount": "0" } }""", "profiles[0] (X).aml.large_amount.single_amount")]
    [InlineData("""{ "structuring": { "band_bps": 10000 } }""", "profiles[0] (X).aml.structuring.band_bps")]
    [InlineData("""{ "structuring": { "outcome": "allow" } }""", "profiles[0] (X).aml.structuring.outcome")]
    [InlineData("""{ "rapid_in_out": { "enabled": "yes" } }""", "profiles[0] (X).aml.rapid_in_out.enabled")]
    [InlineData("""{ "credit_cycling": { "fundings": ["cash"] } }""", "profiles[0] (X).aml.credit_cycling.fundings")]
    [InlineData("""{ "credit_cycling": { "source_types": ["carrier"] } }""", "profiles[0] (X).aml.credit_cycling.source_types")]
    [InlineData("""{ "high_risk_country": { "reject": ["ZZ"] } }""", "profiles[0] (X).aml.high_risk_country.reject")]
    [InlineData("""{ "high_risk_country": { "hold": ["KP"] } }""", "profiles[0] (X).aml.high_risk_country.hold")]
    [InlineData("""{ "high_risk_country": { "outcome": "hold" } }""", "profiles[0] (X).aml.high_risk_country.outcome")]
    [InlineData("""{ "travel_rule": { "threshold": "0.0000001" } }""", "profiles[0] (X).aml.travel_rule.threshold")]
    [InlineData("""{ "dormant_reactivation": { "dormant_days": 0 } }""", "profiles[0] (X).aml.dormant_reactivation.dormant_days")]
    public void Parse_BadAmlSection_InvalidNamingTheField(string aml, string field)
    {
        var r = JurisdictionProfiles.Parse(Profile(aml));

        Assert.False(r.IsOk);
        Assert.Equal("jurisdictions.invalid", r.Error!.Code);
        Assert.Equal(field, r.Error.Field);
    }
}
