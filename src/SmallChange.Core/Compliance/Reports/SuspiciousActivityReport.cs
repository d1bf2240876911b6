using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Aml.Rules;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;

namespace SmallChange.Core.Compliance.Reports;

/// <summary>What kind of suspicious activity a report describes, independent of any one regulator's code list.</summary>
public enum SuspiciousActivityCategory
{
    Structuring,
    UnusualAmount,
    UnusualVelocity,
    RapidMovement,
    CreditCycling,
    FunnelAccount,
    MuleDestination,
    DormantReactivation,
    HighRiskJurisdiction,
    TravelRuleIncomplete,
    Other,
}

/// <summary>Which category each AML rule's alerts fall under.</summary>
public static class SuspiciousActivityCategories
{
    public static SuspiciousActivityCategory ForRule(string ruleId) => ruleId switch
    {
        StructuringRule.RuleId => SuspiciousActivityCategory.Structuring,
        LargeAmountRule.RuleId or DailyTotalRule.RuleId => SuspiciousActivityCategory.UnusualAmount,
        VelocityRule.RuleId => SuspiciousActivityCategory.UnusualVelocity,
        RapidInOutRule.RuleId => SuspiciousActivityCategory.RapidMovement,
        CreditCyclingRule.RuleId => SuspiciousActivityCategory.CreditCycling,
        FanInRule.RuleId => SuspiciousActivityCategory.FunnelAccount,
        SharedDestinationRule.RuleId => SuspiciousActivityCategory.MuleDestination,
        DormantReactivationRule.RuleId => SuspiciousActivityCategory.DormantReactivation,
        HighRiskCountryRule.RuleId => SuspiciousActivityCategory.HighRiskJurisdiction,
        TravelRuleRule.RuleId => SuspiciousActivityCategory.TravelRuleIncomplete,
        _ => SuspiciousActivityCategory.Other,
    };

    /// <summary>The snake_case name, e.g. <c>credit_cycling</c>.</summary>
    public static string ToWire(this SuspiciousActivityCategory c) => c switch
    {
        SuspiciousActivityCategory.Structuring => "structuring",
        SuspiciousActivityCategory.UnusualAmount => "unusual_amount",
        SuspiciousActivityCategory.UnusualVelocity => "unusual_velocity",
        SuspiciousActivityCategory.RapidMovement => "rapid_movement",
        SuspiciousActivityCategory.CreditCycling => "credit_cycling",
        SuspiciousActivityCategory.FunnelAccount => "funnel_account",
        SuspiciousActivityCategory.MuleDestination => "mule_destination",
        SuspiciousActivityCategory.DormantReactivation => "dormant_reactivation",
        SuspiciousActivityCategory.HighRiskJurisdiction => "high_risk_jurisdiction",
        SuspiciousActivityCategory.TravelRuleIncomplete => "travel_rule_incomplete",
        _ => "other",
    };
}

/// <summary>Money in (a credit) or out (a cash-out) that a case puts forward as part of the activity.</summary>
public enum ActivityDirection
{
    In,
    Out,
}

/// <summary>A credit or cash-out attached to a case.</summary>
/// <param name="Reference">The credit's transfer id or the cash-out id.</param>
public sealed record CaseTransaction(string Reference, ActivityDirection Direction, Money.Money Amount, DateTimeOffset At);

/// <summary>A transaction as reported: with its amount in the report currency.</summary>
public sealed record ReportedTransaction(string Reference, ActivityDirection Direction, Money.Money Amount, Money.Money InReportCurrency, DateTimeOffset At);

/// <summary>What a compliance officer files a suspicious activity report from: the case, its alerts, the transactions and the narrative.</summary>
/// <param name="AdditionalCategories">Categories the officer adds to those the alerts imply.</param>
public sealed record SarCase(
    string CaseRef,
    ReportSubject Subject,
    IReadOnlyList<AmlDecision> Alerts,
    IReadOnlyList<CaseTransaction> Transactions,
    string Narrative,
    IReadOnlyList<SuspiciousActivityCategory> AdditionalCategories)
{
    /// <summary>The narrative may name people: only the case, the holder and the counts are shown.</summary>
    public override string ToString() => $"SarCase {{ {CaseRef}, {Subject}, {Alerts.Count} alerts, {Transactions.Count} transactions }}";
}

/// <summary>
/// A suspicious activity report: the subject, the activity period (first to last transaction, local days), the amount
/// involved (the sum of the case's transactions in the profile currency), the categories, the rules that alerted, and
/// the officer's narrative.
/// </summary>
public sealed record SuspiciousActivityReport(
    string ReportRef,
    string CaseRef,
    string ProfileId,
    ReportFiler Filer,
    ReportSubject Subject,
    DateOnly ActivityFrom,
    DateOnly ActivityTo,
    Money.Money Amount,
    IReadOnlyList<SuspiciousActivityCategory> Categories,
    IReadOnlyList<string> RuleIds,
    IReadOnlyList<ReportedTransaction> Transactions,
    string Narrative,
    DateOnly FiledOn)
{
    public override string ToString() => $"SuspiciousActivityReport {{ {ReportRef}, case {CaseRef}, {ActivityFrom:yyyy-MM-dd}..{ActivityTo:yyyy-MM-dd}, {Amount} }}";
}

/// <summary>Files suspicious activity reports from cases.</summary>
public static class SuspiciousActivityReports
{
    /// <summary>
    /// Builds the report of a case. Refused (<c>sar.narrative_required</c>, <c>sar.no_activity</c>, <c>sar.no_category</c>,
    /// <c>report.fx_unavailable</c>) when the case lacks what a filing needs.
    /// </summary>
    public static Result<SuspiciousActivityReport> FromCase(JurisdictionProfile profile, FxRateTable rates, ReportFiler filer, SarCase c, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(c.Narrative))
        {
            return new Error("sar.narrative_required", "A suspicious activity report needs the officer's narrative.", "narrative");
        }

        if (c.Transactions.Count == 0)
        {
            return new Error("sar.no_activity", "Attach at least one credit or cash-out to the case.", "transactions");
        }

        var ruleIds = c.Alerts.Where(a => a.IsHit).Select(a => a.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var categories = ruleIds.Select(SuspiciousActivityCategories.ForRule).Concat(c.AdditionalCategories).Distinct().Order().ToList();
        if (categories.Count == 0)
        {
            return new Error("sar.no_category", "Name at least one category, or attach the alerts the case came from.", "categories");
        }

        var reported = new List<ReportedTransaction>(c.Transactions.Count);
        var total = Money.Money.Zero(profile.Currency);
        foreach (var t in c.Transactions.OrderBy(t => t.At))
        {
            var converted = rates.Convert(t.Amount, profile.Currency);
            if (!converted.TryGet(out var amount, out var error))
            {
                return new Error("report.fx_unavailable", $"A {t.Amount.Currency.Code} transaction cannot be added to the {profile.Id} total: {error.Message}");
            }

            reported.Add(new ReportedTransaction(t.Reference, t.Direction, t.Amount, amount, t.At));
            total += amount;
        }

        return new SuspiciousActivityReport(
            $"SAR-{profile.Id}-{c.CaseRef}",
            c.CaseRef,
            profile.Id,
            filer,
            c.Subject,
            CurrencyTransactionReports.LocalDay(profile, reported[0].At),
            CurrencyTransactionReports.LocalDay(profile, reported[^1].At),
            total,
            categories,
            ruleIds,
            reported,
            c.Narrative.Trim(),
            CurrencyTransactionReports.LocalDay(profile, now));
    }
}
