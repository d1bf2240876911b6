namespace SmallChange.Core.Tests.Providers;

using SmallChange.Core.Providers;
using static SmallChange.Core.Tests.Quotes.QuoteTestData;

public class ProviderEligibilityTests
{
    private static Provider One(string json) => Catalog(json).Providers[0];

    [Fact]
    public void Eligibility_VerifiedWithValidLicence_Quotable()
    {
        var e = One(Provider("acme-pay")).Eligibility(Now);

        Assert.True(e.IsQuotable);
        Assert.Empty(e.Reasons);
    }

    [Fact]
    public void Eligibility_Unverified_ReasonUnverified()
    {
        var e = One(Provider("acme-pay", verified: false)).Eligibility(Now);

        Assert.False(e.IsQuotable);
        Assert.Equal([ProviderReasons.Unverified], e.Reasons);
    }

    [Fact]
    public void Eligibility_LicenceExpiredYesterday_ReasonLicenceExpired()
    {
        var e = One(Provider("acme-pay", expires: "2026-11-30")).Eligibility(Now);

        Assert.Equal([ProviderReasons.LicenceExpired], e.Reasons);
    }

    [Fact]
    public void Eligibility_LicenceExpiresToday_StillQuotable()
    {
        Assert.True(One(Provider("acme-pay", expires: "2026-12-01")).IsQuotable(Now));
    }

    [Fact]
    public void Eligibility_OneOfTwoLicencesValid_Quotable()
    {
        var json = Provider("acme-pay", expires: "2020-01-01").Replace(
            "\"licences\": [ ",
            "\"licences\": [ { \"regulator\": \"BaFin (payment institution, ZAG)\", \"number\": \"1\", \"jurisdiction\": \"DE\", \"expires\": \"2029-01-01\" }, ",
            StringComparison.Ordinal);

        Assert.True(One(json).IsQuotable(Now));
    }

    [Fact]
    public void Eligibility_NoLicence_ReasonNoLicence()
    {
        var json = NoLicences(Provider("acme-pay"));

        Assert.Equal([ProviderReasons.NoLicence], One(json).Eligibility(Now).Reasons);
    }

    [Fact]
    public void Eligibility_SandboxWithoutLicence_Quotable()
    {
        var json = NoLicences(Provider("sandbox-bank", sandbox: true));

        Assert.True(One(json).IsQuotable(Now));
    }

    [Fact]
    public void Eligibility_NegativeSpread_RedFlagRateBetterThanMidMarket()
    {
        var p = One(Provider("acme-pay", fees: """{ "flat": { "USD": "0.10" }, "fx_spread_bps": -20 }"""));

        Assert.Equal([ProviderReasons.RateBetterThanMidMarket], p.Eligibility(Now).Reasons);
    }

    [Fact]
    public void Eligibility_ZeroFeesAndHighMaximum_RedFlagZeroFeeHighLimit()
    {
        var limits = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "50000" } } }""";
        var p = One(Provider("acme-pay", fees: "{}", limits: limits));

        Assert.Equal([ProviderReasons.ZeroFeeHighLimit], p.Eligibility(Now).Reasons);
    }

    [Fact]
    public void Eligibility_ZeroFeesAndLowMaximum_Quotable()
    {
        var limits = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "100" } } }""";

        Assert.True(One(Provider("acme-pay", fees: "{}", limits: limits)).IsQuotable(Now));
    }

    [Fact]
    public void Eligibility_SeveralProblems_ListsEveryReason()
    {
        var p = One(Provider("acme-pay", verified: false, expires: "2024-01-01", fees: """{ "fx_spread_bps": -1 }"""));

        Assert.Equal(
            [ProviderReasons.Unverified, ProviderReasons.LicenceExpired, ProviderReasons.RateBetterThanMidMarket],
            p.Eligibility(Now).Reasons);
    }

    private static string NoLicences(string providerJson)
    {
        var start = providerJson.IndexOf("\"licences\": [", StringComparison.Ordinal);
        var end = providerJson.IndexOf(']', start);
        return string.Concat(providerJson.AsSpan(0, start), "\"licences\": []", providerJson.AsSpan(end + 1));
    }
}
