using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Reports;

namespace SmallChange.Core.Ports;

/// <summary>Which reports to list; every given filter must match.</summary>
public sealed record ReportFilter(ReportKind? Kind = null, HolderId? Holder = null, ReportStatus? Status = null);

public partial interface IStoreReader
{
    ValueTask<StoredReport?> GetReport(ReportId id);

    ValueTask<StoredReport?> FindReport(string reference);

    /// <summary>Reports newest first (by id); the cursor is the last id seen.</summary>
    ValueTask<Page<StoredReport>> ListReports(ReportFilter filter, string? cursor, int limit);

    /// <summary>One document of a report, or null when the report has none in that format.</summary>
    ValueTask<ReportFile?> GetReportFile(ReportId id, string format);

    /// <summary>
    /// The holder's cash-outs created in [<paramref name="from"/>, <paramref name="to"/>) that count towards a currency
    /// transaction report: approved, submitted or paid (on their way out or out), oldest first.
    /// </summary>
    ValueTask<IReadOnlyList<CtrCashout>> CtrCashouts(HolderId holder, DateTimeOffset from, DateTimeOffset to);
}

public partial interface IStoreTx
{
    /// <summary>
    /// Stores a report and its documents by reference: a new reference is inserted; an existing one still
    /// <see cref="ReportStatus.Ready"/> is replaced (same id, revision + 1, documents replaced). Returns the stored
    /// report, or null (nothing written) when the existing one is already filed.
    /// </summary>
    ValueTask<StoredReport?> SaveReport(StoredReport report, IReadOnlyList<ReportFile> files);

    /// <summary>Marks a ready report filed; false when it is not ready.</summary>
    ValueTask<bool> MarkReportFiled(ReportId id, DateTimeOffset at);
}
