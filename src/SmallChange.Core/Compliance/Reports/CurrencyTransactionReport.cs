using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;

namespace SmallChange.Core.Compliance.Reports;

/// <summary>A cash-out that counts towards a currency transaction report: one that left (submitted or paid).</summary>
/// <param name="DestinationCountry">ISO 3166 alpha-2 country of the destination.</param>
public sealed record CtrCashout(CashoutId Id, Money.Money Gross, PayoutMethod Method, string DestinationCountry, DateTimeOffset At);

/// <summary>A cash-out as reported: its own amount and the amount in the report currency at the mid-market rate.</summary>
public sealed record ReportedCashout(CashoutId Id, DateTimeOffset At, Money.Money Gross, Money.Money InReportCurrency, PayoutMethod Method, string DestinationCountry);

/// <summary>
/// A currency transaction report: one holder's cash-outs on one local day (in the profile's time zone), across all their
/// wallets, whose total in the profile currency reached the profile's CTR threshold.
/// </summary>
/// <param name="ReportRef">Stable per holder, profile and day (<c>CTR-US-20261118-…</c>), so generating twice gives the same report.</param>
/// <param name="RatesAsOf">When the FX rates used to convert other currencies were observed.</param>
public sealed record CurrencyTransactionReport(
    string ReportRef,
    string ProfileId,
    ReportFiler Filer,
    ReportSubject Subject,
    DateOnly TransactionDate,
    Money.Money TotalCashOut,
    Money.Money Threshold,
    IReadOnlyList<ReportedCashout> Cashouts,
    DateOnly FiledOn,
    DateTimeOffset RatesAsOf)
{
    public Currency Currency => TotalCashOut.Currency;

    public override string ToString() => $"CurrencyTransactionReport {{ {ReportRef}, {TransactionDate:yyyy-MM-dd}, {TotalCashOut}, {Cashouts.Count} cash-outs }}";
}

/// <summary>
/// Builds currency transaction reports. The day is the profile's local day; amounts in other currencies are converted
/// to the profile currency at the mid-market rate of the table given (rounded down to the ledger unit) and added, so a
/// holder cannot stay under the threshold by spreading cash-outs over several currency wallets. A report is due when
/// the day's total reaches the threshold (at or above it: FinCEN's rule is "more than USD 10,000", Korea's "KRW 10
/// million or more"; filing at exactly the threshold is the conservative reading of both).
/// </summary>
public static class CurrencyTransactionReports
{
    /// <summary>The report for one local day, or null when the day's total stays under the threshold.</summary>
    public static Result<CurrencyTransactionReport?> ForDay(
        JurisdictionProfile profile, FxRateTable rates, ReportFiler filer, ReportSubject subject, IReadOnlyList<CtrCashout> cashouts, DateOnly day, DateTimeOffset now)
    {
        var ofDay = cashouts.Where(c => LocalDay(profile, c.At) == day).OrderBy(c => c.At).ToList();
        var reported = new List<ReportedCashout>(ofDay.Count);
        var total = Money.Money.Zero(profile.Currency);
        foreach (var c in ofDay)
        {
            var converted = rates.Convert(c.Gross, profile.Currency);
            if (!converted.TryGet(out var amount, out var error))
            {
                return new Error("report.fx_unavailable", $"A {c.Gross.Currency.Code} cash-out cannot be added to the {profile.Id} total in {profile.Currency.Code}: {error.Message}");
            }

            reported.Add(new ReportedCashout(c.Id, c.At, c.Gross, amount, c.Method, c.DestinationCountry));
            total += amount;
        }

        if (total < profile.CtrThreshold)
        {
            return Result<CurrencyTransactionReport?>.Ok(null);
        }

        var reportRef = $"CTR-{profile.Id}-{day:yyyyMMdd}-{subject.Holder.Value:N}";
        return new CurrencyTransactionReport(reportRef, profile.Id, filer, subject, day, total, profile.CtrThreshold, reported, LocalDay(profile, now), rates.AsOf);
    }

    /// <summary>A report for every local day among <paramref name="cashouts"/> whose total reaches the threshold, oldest first.</summary>
    public static Result<IReadOnlyList<CurrencyTransactionReport>> Due(
        JurisdictionProfile profile, FxRateTable rates, ReportFiler filer, ReportSubject subject, IReadOnlyList<CtrCashout> cashouts, DateTimeOffset now)
    {
        var reports = new List<CurrencyTransactionReport>();
        foreach (var day in cashouts.Select(c => LocalDay(profile, c.At)).Distinct().Order())
        {
            var r = ForDay(profile, rates, filer, subject, cashouts, day, now);
            if (!r.TryGet(out var report, out var error))
            {
                return error;
            }

            if (report is not null)
            {
                reports.Add(report);
            }
        }

        return reports;
    }

    /// <summary>The calendar day of <paramref name="at"/> in the profile's time zone.</summary>
    public static DateOnly LocalDay(JurisdictionProfile profile, DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, profile.TimeZone).DateTime);
}
