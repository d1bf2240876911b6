using SmallChange.Core.Compliance.Reports;
using static SmallChange.Adapters.Tests.Reports.ReportFixtures;

namespace SmallChange.Adapters.Tests.Reports;

/// <summary>The format-neutral generators in Core (tested here, next to the formats that write their output).</summary>
public sealed class ReportGeneratorTests
{
    [Fact]
    public void ForDay_UnderThreshold_NoReport()
    {
        var r = CurrencyTransactionReports.ForDay(Us, Rates, Filer, FullSubject(), [Cashout("9999.99", 0)], CurrencyTransactionReports.LocalDay(Us, Day), Day);

        Assert.True(r.IsOk);
        Assert.Null(r.Value);
    }

    [Fact]
    public void ForDay_ReachesThresholdAcrossCurrencies_ReportWithTotalInProfileCurrency()
    {
        // USD 9,000 + EUR 1,000 (USD 1,155.401502 at 0.8655) = USD 10,155.401502.
        var report = Ctr(FullSubject(), Cashout("9000", 0), Cashout("1000", 10, "EUR", "DE"));

        Assert.Equal("10155.401502", report.TotalCashOut.ToDecimalString());
        Assert.Equal(2, report.Cashouts.Count);
        Assert.StartsWith("CTR-US-20261118-", report.ReportRef, StringComparison.Ordinal);
    }

    [Fact]
    public void Due_CashoutsOnTwoNewYorkDays_OnlyTheDayOverThresholdReported()
    {
        var subject = FullSubject();
        // 03:00 UTC on the 18th is 22:00 on the 17th in New York.
        var lateOn17th = new CtrCashout(SmallChange.Core.Common.CashoutId.New(), Cashout("6000", 0).Gross, SmallChange.Core.Providers.PayoutMethod.BankTransfer, "US", new DateTimeOffset(2026, 11, 18, 3, 0, 0, TimeSpan.Zero));

        var reports = CurrencyTransactionReports.Due(Us, Rates, Filer, subject, [lateOn17th, Cashout("6000", 0), Cashout("4000", 60)], Day).Value;

        var report = Assert.Single(reports);
        Assert.Equal(new DateOnly(2026, 11, 18), report.TransactionDate);
        Assert.Equal(Cashout("10000", 0).Gross, report.TotalCashOut);
    }

    [Fact]
    public void FromCase_NoNarrative_Refused()
    {
        var r = SuspiciousActivityReports.FromCase(Us, Rates, Filer, Case(FullSubject(), "  ", "aml.structuring"), Day);

        Assert.Equal("sar.narrative_required", r.Error?.Code);
    }

    [Fact]
    public void FromCase_NoAlertsAndNoCategory_Refused()
    {
        var r = SuspiciousActivityReports.FromCase(Us, Rates, Filer, Case(FullSubject(), "n"), Day);

        Assert.Equal("sar.no_category", r.Error?.Code);
    }

    [Fact]
    public void FromCase_Alerts_CategoriesFromRulesAndPeriodFromTransactions()
    {
        var sar = Sar(Case(FullSubject(), "n", "aml.shared_destination", "aml.fan_in", "aml.fan_in"));

        Assert.Equal([SuspiciousActivityCategory.FunnelAccount, SuspiciousActivityCategory.MuleDestination], sar.Categories);
        Assert.Equal(["aml.fan_in", "aml.shared_destination"], sar.RuleIds);
        Assert.Equal(new DateOnly(2026, 11, 15), sar.ActivityFrom);
        Assert.Equal(new DateOnly(2026, 11, 18), sar.ActivityTo);
        Assert.DoesNotContain("Rivera", sar.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Rivera", sar.Subject.ToString(), StringComparison.Ordinal);
    }
}
