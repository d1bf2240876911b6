using SmallChange.Core.Cashouts;
using SmallChange.Core.Compliance.Limits;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;

namespace SmallChange.Core.Tests.Compliance;

public sealed class TierLimitCheckTests
{
    private static readonly string Root = FindRoot();
    private static readonly JurisdictionProfiles Profiles = JurisdictionProfiles.Parse(File.ReadAllText(Path.Combine(Root, "config", "jurisdictions.json"))).Value;
    private static readonly FxRateTable Rates = FxRateTable.Parse(File.ReadAllText(Path.Combine(Root, "config", "fx-rates.json"))).Value;
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 14, 0, 0, TimeSpan.Zero); // 23:00 in Seoul, 09:00 in New York

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmallChange.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static SmallChange.Core.Money.Money Usd(string amount) => SmallChange.Core.Money.Money.Parse(amount, Currencies.USD).Value;

    private static SmallChange.Core.Money.Money Krw(string amount) => SmallChange.Core.Money.Money.Parse(amount, Currencies.KRW).Value;

    [Fact]
    public void Parse_ShippedConfig_ProfilesForKrUsEuAndFallback()
    {
        Assert.Equal("KR", Profiles.For("KR").Id);
        Assert.Equal("US", Profiles.For("US").Id);
        Assert.Equal("EU", Profiles.For("DE").Id);
        Assert.Equal("DEFAULT", Profiles.For("PH").Id);
        Assert.Equal("10000000", Profiles.For("KR").CtrThreshold.ToDecimalString());
        Assert.Equal("10000.00", Profiles.For("US").CtrThreshold.ToDecimalString());
    }

    [Theory]
    [InlineData("""{ "profiles": [] }""")]
    [InlineData("""{ "profiles": [ { "id": "X", "countries": ["*"], "currency": "XYZ", "cooling_off_hours": 1, "reporting": { "ctr_threshold": "1" }, "tiers": [] } ] }""")]
    [InlineData("""{ "profiles": [ { "id": "X", "countries": ["*"], "currency": "USD", "time_zone": "Mars/Olympus", "cooling_off_hours": 1, "reporting": { "ctr_threshold": "1" }, "tiers": [] } ] }""")]
    [InlineData("""{ "profiles": [ { "id": "X", "countries": ["*"], "currency": "USD", "cooling_off_hours": 1, "reporting": { "ctr_threshold": "1" }, "tiers": [ { "tier": 0, "cash_out": true } ] } ] }""")]
    [InlineData("""{ "profiles": [ { "id": "X", "countries": ["ZZ"], "currency": "USD", "cooling_off_hours": 1, "reporting": { "ctr_threshold": "1" }, "tiers": [] } ] }""")]
    [InlineData("""{ "profiles": [ { "id": "X", "countries": ["*"], "currency": "USD", "cooling_off_hours": 1, "reporting": { "ctr_threshold": "1" }, "tiers": [ { "tier": 1, "cash_out": true, "per_payout": "-5" } ] } ] }""")]
    public void Parse_BadConfig_InvalidWithField(string json)
    {
        var r = JurisdictionProfiles.Parse(json);
        Assert.False(r.IsOk);
        Assert.Equal("jurisdictions.invalid", r.Error!.Code);
        Assert.NotNull(r.Error.Field);
    }

    [Fact]
    public void Check_TierZero_RefusedNamingTierOne()
    {
        var r = TierLimitCheck.Check(Profiles.For("US"), 0, Usd("5.00"), [], Rates, Now);
        Assert.Equal("kyc.tier_insufficient", r.Reason);
        Assert.Contains("tier 1", r.Detail);
    }

    [Fact]
    public void Check_OverPerPayout_RefusedNamingLimitAndTierTwo()
    {
        var r = TierLimitCheck.Check(Profiles.For("US"), 1, Usd("1500.00"), [], Rates, Now);
        Assert.Equal(CheckResult.Fail, r.Outcome);
        Assert.Equal("limit.per_payout", r.Reason);
        Assert.Contains("USD 1,000", r.Detail);
        Assert.Contains("tier 2 would allow it", r.Detail);
    }

    [Fact]
    public void Check_DailyCountReached_Refused()
    {
        var prior = Enumerable.Range(0, 5).Select(i => new PriorCashout(Usd("1.00"), Now.AddMinutes(-i))).ToList();
        var r = TierLimitCheck.Check(Profiles.For("US"), 1, Usd("1.00"), prior, Rates, Now);
        Assert.Equal("limit.daily_count", r.Reason);
    }

    [Fact]
    public void Check_YesterdayLocalTime_NotCountedToday()
    {
        // 09:00 in New York: cash-outs from 03:59 UTC (23:59 the day before, local) belong to yesterday.
        var prior = Enumerable.Range(0, 5).Select(_ => new PriorCashout(Usd("390.00"), new DateTimeOffset(2026, 11, 21, 3, 59, 0, TimeSpan.Zero))).ToList();
        var r = TierLimitCheck.Check(Profiles.For("US"), 1, Usd("100.00"), prior, Rates, Now);
        Assert.Equal(CheckResult.Pass, r.Outcome);
    }

    [Fact]
    public void Check_MonthlyAmountAcrossCurrencies_ComparedAtMidMarket()
    {
        // KR tier 1: KRW 10,000,000 a month. Earlier this month: USD 6,900 ≈ KRW 9.7 million.
        var profile = Profiles.For("KR");
        var prior = Enumerable.Range(0, 10).Select(i => new PriorCashout(Usd("690.00"), new DateTimeOffset(2026, 11, 2 + i, 3, 0, 0, TimeSpan.Zero))).ToList();
        var ok = TierLimitCheck.Check(profile, 1, Krw("100000"), prior, Rates, Now);
        Assert.Equal(CheckResult.Pass, ok.Outcome);
        var over = TierLimitCheck.Check(profile, 1, Krw("500000"), prior, Rates, Now);
        Assert.Equal("limit.monthly_amount", over.Reason);
        Assert.Contains("tier 2 would allow it", over.Detail);
    }

    [Fact]
    public void Check_TierTwoAboveEverything_NoTierAllows()
    {
        var r = TierLimitCheck.Check(Profiles.For("US"), 2, Usd("20000.00"), [], Rates, Now);
        Assert.Equal("limit.per_payout", r.Reason);
        Assert.Contains("no tier allows it", r.Detail);
    }
}
