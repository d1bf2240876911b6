using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Compliance.Reports;

/// <summary>
/// Generates and stores regulatory reports: a currency transaction report when a holder's cash-outs of one local day
/// reach the profile's threshold (checked in the transaction that approves a cash-out), and a suspicious activity report
/// when an officer decides a case with "file report". Every configured format that can express a report writes it; the
/// documents are stored with the report.
/// </summary>
public sealed class ReportService(PayoutSetup setup, ReportFiler filer, IReadOnlyList<IReportFormat> formats)
{
    public IReadOnlyList<IReportFormat> Formats => formats;

    /// <summary>
    /// After a cash-out of <paramref name="holder"/> was approved at <paramref name="at"/>: generates (or regenerates, while
    /// still ready) the CTR of that local day when the day's approved, submitted and paid cash-outs reach the threshold.
    /// Returns the stored report, or null when none is due or the day's report was filed already.
    /// </summary>
    public async ValueTask<StoredReport?> CtrAfterApproval(IStoreTx tx, Holder holder, DateTimeOffset at, DateTimeOffset now)
    {
        var profile = setup.Profiles.For(holder.Country);
        var dayStart = profile.DayStart(at);
        var cashouts = await tx.CtrCashouts(holder.Id, dayStart, dayStart.AddHours(25));
        var day = CurrencyTransactionReports.LocalDay(profile, at);
        var built = CurrencyTransactionReports.ForDay(profile, setup.Rates, filer, Subject(holder), cashouts, day, now);
        if (!built.TryGet(out var report, out _) || report is null)
        {
            // Under the threshold; or a cash-out in a currency without a rate, which the AML rules hold anyway
            // (aml.unevaluable) before it can be approved.
            return null;
        }

        var files = Write(f => f.WriteCtrs([report]));
        var stored = new StoredReport(ReportId.New(), ReportKind.Ctr, report.ReportRef, holder.Id, profile.Id, null, day, day, report.TotalCashOut,
            report.Cashouts.Count, ReportStatus.Ready, 1, files.Select(f => f.Format).ToList(), now, now);
        return await tx.SaveReport(stored, files);
    }

    /// <summary>
    /// Builds the suspicious activity report of a case: the alerts' rules give the categories; the credits and cash-outs
    /// the alerts are about are the activity; <paramref name="narrative"/> is the officer's. Refused (nothing stored)
    /// when the case lacks what a filing needs (<c>sar.no_activity</c>, <c>sar.narrative_required</c> …).
    /// </summary>
    public async ValueTask<Result<(StoredReport Report, IReadOnlyList<ReportFile> Files)>> BuildSar(
        IStoreReader r, Holder holder, Case c, IReadOnlyList<Alert> alerts, string narrative, DateTimeOffset now)
    {
        var profile = setup.Profiles.For(holder.Country);
        var transactions = new List<CaseTransaction>();
        foreach (var subject in alerts.Select(a => a.Subject).Distinct())
        {
            switch (subject.Kind)
            {
                case SubjectKind.Cashout when await r.GetCashout(new CashoutId(subject.Id)) is { } cashout:
                    transactions.Add(new CaseTransaction(cashout.Id.ToString(), ActivityDirection.Out, cashout.Gross, cashout.CreatedAt));
                    break;
                case SubjectKind.Credit when await r.GetTransfer(new TransferId(subject.Id)) is { } credit:
                    transactions.Add(new CaseTransaction(credit.Id.ToString(), ActivityDirection.In, credit.Money, credit.CreatedAt));
                    break;
            }
        }

        var decisions = alerts.Select(a => new Aml.AmlDecision(a.RuleId, a.RuleVersion, a.Outcome, a.Explanation, [])).ToList();
        var sarCase = new SarCase(c.Id.Reference, Subject(holder), decisions, transactions, narrative, []);
        var built = SuspiciousActivityReports.FromCase(profile, setup.Rates, filer, sarCase, now);
        if (!built.TryGet(out var sar, out var error))
        {
            return error;
        }

        var files = Write(f => f.WriteSars([sar]));
        var stored = new StoredReport(ReportId.New(), ReportKind.Sar, sar.ReportRef, holder.Id, profile.Id, c.Id, sar.ActivityFrom, sar.ActivityTo, sar.Amount,
            sar.Transactions.Count, ReportStatus.Ready, 1, files.Select(f => f.Format).ToList(), now, now);
        return (stored, files);
    }

    /// <summary>
    /// The subject as the holder record knows it: the full name stands as the family name until KYC records the parts,
    /// the birth date, address and identification; the formats mark what is missing as unknown.
    /// </summary>
    private static ReportSubject Subject(Holder holder) => new(holder.Id, holder.Name, null, null, null, null);

    private List<ReportFile> Write(Func<IReportFormat, Result<ReportDocument>> write)
    {
        var files = new List<ReportFile>(formats.Count);
        foreach (var format in formats)
        {
            // A format that cannot express the report (FinCEN takes US dollars only) leaves it to the others.
            if (write(format).TryGet(out var doc, out _))
            {
                files.Add(new ReportFile(format.Name, doc.FileName, doc.MediaType, doc.Content));
            }
        }

        return files;
    }
}
