namespace SmallChange.Core.Tests.Providers;

using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Providers.Trust;
using SmallChange.Core.Quotes;
using static SmallChange.Core.Tests.Quotes.QuoteTestData;

public class ProviderTrustTests
{
    private static Provider One(string json) => Catalog(json).Providers[0];

    private static ProviderTrust Judge(Provider p, int paid = 0, int failed = 0, int returned = 0, TrustPolicy? policy = null) =>
        ProviderTrustRules.Evaluate(p, new ProviderOutcomes(p.Id, paid, failed, returned), Now, policy ?? TrustPolicy.Default);

    [Fact]
    public void Evaluate_CleanProviderWithGoodOutcomes_Score100Active()
    {
        var t = Judge(One(Provider("acme-pay")), paid: 200, failed: 2, returned: 1);

        Assert.Equal(100, t.Score);
        Assert.Equal(ProviderStatus.Active, t.Status);
        Assert.True(t.IsQuotable);
        Assert.True(t.RatesJudged);
        Assert.Empty(t.Reasons);
    }

    [Fact]
    public void Evaluate_FailureRateAboveFlagLine_LosesTwentyStaysActive()
    {
        // 6 of 100 finished failed: 6 % > 5 % flag, < 20 % suspension.
        var t = Judge(One(Provider("acme-pay")), paid: 94, failed: 6);

        var r = Assert.Single(t.Reasons);
        Assert.Equal(ProviderReasons.FailureRateHigh, r.Code);
        Assert.False(r.Suspends);
        Assert.Equal(80, t.Score);
        Assert.Equal(ProviderStatus.Active, t.Status);
        Assert.Contains("6 of 100", r.Detail);
        Assert.Contains("6.0 %", r.Detail);
    }

    [Fact]
    public void Evaluate_FailureRateAboveSuspensionLine_SuspendedNotQuotable()
    {
        var t = Judge(One(Provider("acme-pay")), paid: 70, failed: 30);

        Assert.Equal(ProviderStatus.Suspended, t.Status);
        Assert.Equal(ProviderStatus.Active, t.ConfiguredStatus);
        Assert.Equal(40, t.Score);
        Assert.False(t.IsQuotable);
        Assert.Equal([ProviderReasons.FailureRateHigh], t.Eligibility.Reasons);
    }

    [Fact]
    public void Evaluate_ReturnRateAboveSuspensionLine_SuspendedRateOverDelivered()
    {
        // 9 returned of 80 delivered = 11.25 % > 10 %; the 20 failures do not count in the return rate's denominator.
        var t = Judge(One(Provider("acme-pay")), paid: 71, failed: 4, returned: 9);

        var r = Assert.Single(t.Reasons);
        Assert.Equal(ProviderReasons.ReturnRateHigh, r.Code);
        Assert.True(r.Suspends);
        Assert.Contains("9 of 80", r.Detail);
        Assert.Equal(ProviderStatus.Suspended, t.Status);
    }

    [Fact]
    public void Evaluate_RateExactlyOnTheLine_NotFlagged()
    {
        // 5 of 100 = exactly 5 %: the flag is for rates above the line.
        var t = Judge(One(Provider("acme-pay")), paid: 95, failed: 5);

        Assert.Empty(t.Reasons);
    }

    [Fact]
    public void Evaluate_FewerOutcomesThanMinimum_RatesNotJudged()
    {
        var t = Judge(One(Provider("acme-pay")), paid: 10, failed: 20);

        Assert.False(t.RatesJudged);
        Assert.Empty(t.Reasons);
        Assert.Equal(ProviderStatus.Active, t.Status);
    }

    [Fact]
    public void Evaluate_EveryLicenceExpired_SuspendedScore40NamingTheLicence()
    {
        var t = Judge(One(Provider("acme-pay", expires: "2026-11-30")));

        var r = Assert.Single(t.Reasons);
        Assert.Equal(ProviderReasons.LicenceExpired, r.Code);
        Assert.Contains("900001 on 2026-11-30", r.Detail);
        Assert.Equal(40, t.Score);
        Assert.Equal(ProviderStatus.Suspended, t.Status);
    }

    [Fact]
    public void Evaluate_LicenceExpiringWithinWarning_LosesFiveStaysActive()
    {
        var t = Judge(One(Provider("acme-pay", expires: "2026-12-11")));

        var r = Assert.Single(t.Reasons);
        Assert.Equal(ProviderReasons.LicenceExpiringSoon, r.Code);
        Assert.Contains("in 10 day(s)", r.Detail);
        Assert.Equal(95, t.Score);
        Assert.True(t.IsQuotable);
    }

    [Fact]
    public void Evaluate_SandboxWithoutLicence_NoLicenceFlag()
    {
        var t = Judge(One(NoLicences(Provider("sandbox-bank", sandbox: true))));

        Assert.Empty(t.Reasons);
        Assert.True(t.IsQuotable);
    }

    [Fact]
    public void Evaluate_ConfiguredSuspended_SuspendedWithOperatorNote()
    {
        var json = Provider("acme-pay").Replace("\"verified\": true,", "\"verified\": true, \"status\": \"suspended\", \"status_note\": \"complaint under review\",", StringComparison.Ordinal);
        var t = Judge(One(json));

        Assert.Equal(ProviderStatus.Suspended, t.Status);
        Assert.Equal(ProviderStatus.Suspended, t.ConfiguredStatus);
        var r = Assert.Single(t.Reasons);
        Assert.Equal(ProviderReasons.Suspended, r.Code);
        Assert.Contains("complaint under review", r.Detail);
    }

    [Fact]
    public void Evaluate_Unverified_ScoreZeroStatusUnverified()
    {
        var t = Judge(One(Provider("acme-pay", verified: false)), paid: 100);

        Assert.Equal(0, t.Score);
        Assert.Equal(ProviderStatus.Unverified, t.Status);
        Assert.Equal([ProviderReasons.Unverified], t.Eligibility.Reasons);
    }

    [Fact]
    public void Evaluate_RateBetterThanMidMarket_SuspendedNamingTheSpread()
    {
        var t = Judge(One(Provider("too-good", payouts: "EUR", fees: """{ "flat": { "USD": "0.50" }, "fx_spread_bps": -25 }""")));

        var r = Assert.Single(t.Reasons);
        Assert.Equal(ProviderReasons.RateBetterThanMidMarket, r.Code);
        Assert.Contains("-25 bps", r.Detail);
        Assert.Equal(ProviderStatus.Suspended, t.Status);
    }

    [Fact]
    public void Evaluate_ZeroFeeAboveConfiguredLine_Suspended()
    {
        var limits = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "2000" } } }""";
        var provider = One(Provider("free-lunch", fees: "{}", limits: limits));
        var strict = TrustPolicy.Default with { RedFlags = new RedFlagPolicy(new Dictionary<Currency, Money> { [Currencies.USD] = Usd("1000") }) };

        Assert.Empty(Judge(provider).Reasons);
        var t = Judge(provider, policy: strict);
        Assert.Equal([ProviderReasons.ZeroFeeHighLimit], t.Eligibility.Reasons);
        Assert.Contains("line USD 1000.00", t.Reasons[0].Detail);
    }

    [Fact]
    public void Evaluate_FlagsAddUpBelowMinimumScore_SuspendedByScore()
    {
        var policy = TrustPolicy.Default with { SuspendBelowScore = 70 };
        // Failure 6 % (flag, −20) and return 4 % (flag, −20): 60 < 70.
        var t = Judge(One(Provider("acme-pay")), paid: 90, failed: 6, returned: 4, policy: policy);

        Assert.Equal(60, t.Score);
        Assert.Equal(ProviderStatus.Suspended, t.Status);
        Assert.Equal([ProviderReasons.TrustBelowMinimum], t.Eligibility.Reasons);
    }

    [Fact]
    public void Calculate_StandingWithFailingProvider_ExcludesItWithRateReason()
    {
        var catalog = Catalog(Provider("steady"), Provider("flaky"));
        var standing = new ProviderStanding([new ProviderOutcomes("flaky", 60, 40, 0), new ProviderOutcomes("steady", 100, 0, 0)], TrustPolicy.Default, Now);

        var draft = Quote(catalog, Request(Usd("20.00")) with { Standing = standing });

        Assert.Equal("steady", Assert.Single(draft.Options).ProviderId);
        var excluded = Assert.Single(draft.Excluded);
        Assert.Equal("flaky", excluded.ProviderId);
        Assert.Equal([ProviderReasons.FailureRateHigh], excluded.Reasons);
        Assert.Equal(2, Quote(catalog, Request(Usd("20.00"))).Options.Count);
    }

    [Fact]
    public void Eligibility_ConfiguredSuspendedWithoutStanding_NotQuoted()
    {
        var json = Provider("paused").Replace("\"verified\": true,", "\"verified\": true, \"status\": \"suspended\",", StringComparison.Ordinal);

        var draft = Quote(Catalog(json), Request(Usd("20.00")));

        Assert.Empty(draft.Options);
        Assert.Equal([ProviderReasons.Suspended], Assert.Single(draft.Excluded).Reasons);
    }

    [Fact]
    public void Parse_StatusUnverifiedWhileVerifiedFalseActive_Error()
    {
        var json = Provider("acme-pay", verified: false).Replace("\"verified\": false,", "\"verified\": false, \"status\": \"active\",", StringComparison.Ordinal);

        var r = ProviderCatalog.Parse(CatalogJson(json));

        Assert.Equal("providers.invalid_value", r.Error!.Code);
        Assert.Equal("providers[0].status", r.Error.Field);
    }

    [Fact]
    public void Parse_UnknownStatus_Error()
    {
        var json = Provider("acme-pay").Replace("\"verified\": true,", "\"verified\": true, \"status\": \"paused\",", StringComparison.Ordinal);

        Assert.Equal("providers.invalid_value", ProviderCatalog.Parse(CatalogJson(json)).Error!.Code);
    }

    [Fact]
    public void Parse_TrustSection_ReadsEveryLine()
    {
        var json = $$"""
            { "trust": { "outcome_window_days": 7, "min_outcomes": 10, "failure_rate_flag_bps": 100, "failure_rate_suspend_bps": 900,
                         "return_rate_flag_bps": 50, "return_rate_suspend_bps": 400, "licence_expiry_warning_days": 60, "suspend_below_score": 30,
                         "zero_fee_max_per_payout": { "USD": "250" } },
              "providers": [ {{Provider("acme-pay")}} ] }
            """;

        var trust = ProviderCatalog.Parse(json).Value.Trust;

        Assert.Equal(TimeSpan.FromDays(7), trust.OutcomeWindow);
        Assert.Equal(10, trust.MinOutcomes);
        Assert.Equal((100, 900, 50, 400, 30), (trust.FailureRateFlagBps, trust.FailureRateSuspendBps, trust.ReturnRateFlagBps, trust.ReturnRateSuspendBps, trust.SuspendBelowScore));
        Assert.Equal(TimeSpan.FromDays(60), trust.LicenceExpiryWarning);
        Assert.Equal(Usd("250"), Assert.Single(trust.RedFlags.ZeroFeeHighLimitThresholds).Value);
    }

    [Theory]
    [InlineData("""{ "failure_rate_flag_bps": 3000, "failure_rate_suspend_bps": 2000 }""", "trust.failure_rate_flag_bps")]
    [InlineData("""{ "return_rate_suspend_bps": 10001 }""", "trust.return_rate_suspend_bps")]
    [InlineData("""{ "min_outcomes": 0 }""", "trust.min_outcomes")]
    [InlineData("""{ "suspend_below": 10 }""", "trust.suspend_below")]
    public void Parse_BadTrustSection_ErrorNamesTheField(string trust, string field)
    {
        var r = ProviderCatalog.Parse($$"""{ "trust": {{trust}}, "providers": [ {{Provider("acme-pay")}} ] }""");

        Assert.False(r.IsOk);
        Assert.Equal(field, r.Error!.Field);
    }

    [Fact]
    public void ShippedCatalog_TrustSection_MatchesDefaultsAndJudgesOldHarborExpired()
    {
        var catalog = ShippedCatalog();
        var trust = catalog.Trust;
        Assert.Equal(TrustPolicy.Default with { RedFlags = trust.RedFlags }, trust);
        Assert.Equal(RedFlagPolicy.Default.ZeroFeeHighLimitThresholds.OrderBy(kv => kv.Key.Code), trust.RedFlags.ZeroFeeHighLimitThresholds.OrderBy(kv => kv.Key.Code));

        var standing = ProviderStanding.ConfigurationOnly(trust, Now);
        var judged = catalog.Providers.ToDictionary(p => p.Id, p => standing.Evaluate(p, Now));
        Assert.Equal(ProviderStatus.Suspended, judged["old-harbor-remit"].Status);
        Assert.Contains(judged["old-harbor-remit"].Reasons, r => r.Code == ProviderReasons.LicenceExpired);
        Assert.All(judged.Values.Where(t => t.ProviderId != "old-harbor-remit"), t => Assert.True(t.IsQuotable, t.ProviderId));
    }

    private static string NoLicences(string providerJson)
    {
        var start = providerJson.IndexOf("\"licences\": [", StringComparison.Ordinal);
        var end = providerJson.IndexOf(']', start);
        return string.Concat(providerJson.AsSpan(0, start), "\"licences\": []", providerJson.AsSpan(end + 1));
    }
}
