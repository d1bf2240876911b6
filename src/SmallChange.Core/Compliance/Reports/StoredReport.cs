using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;

namespace SmallChange.Core.Compliance.Reports;

/// <summary>A stored report's id (time-ordered).</summary>
public readonly record struct ReportId(Guid Value)
{
    public static ReportId New() => new(Uuid7.New());

    public override string ToString() => Value.ToString();
}

/// <summary>Currency transaction report or suspicious activity report. Stored as <c>ctr</c> / <c>sar</c>.</summary>
public enum ReportKind
{
    Ctr,
    Sar,
}

/// <summary>
/// <see cref="Ready"/>: generated, waiting to be sent to the regulator (a CTR is regenerated while ready when the same
/// day gets another cash-out); <see cref="Filed"/>: sent, frozen.
/// </summary>
public enum ReportStatus
{
    Ready,
    Filed,
}

public static class ReportWire
{
    public static string ToWire(this ReportKind k) => k == ReportKind.Ctr ? "ctr" : "sar";

    public static ReportKind? KindFromWire(string? s) => s switch
    {
        "ctr" => ReportKind.Ctr,
        "sar" => ReportKind.Sar,
        _ => null,
    };

    public static string ToWire(this ReportStatus s) => s == ReportStatus.Ready ? "ready" : "filed";

    public static ReportStatus? StatusFromWire(string? s) => s switch
    {
        "ready" => ReportStatus.Ready,
        "filed" => ReportStatus.Filed,
        _ => null,
    };
}

/// <summary>
/// A generated report as stored: what it covers and its status. Its documents (one per format that can express it) are
/// kept as written, so a download gives exactly what was generated.
/// </summary>
/// <param name="Reference">Unique: <c>CTR-US-20261118-…</c> (one per holder, profile and local day) or <c>SAR-US-CASE-…</c>.</param>
/// <param name="Revision">1 when generated; +1 each time a ready CTR is regenerated with another cash-out of its day.</param>
public sealed record StoredReport(
    ReportId Id,
    ReportKind Kind,
    string Reference,
    HolderId Holder,
    string ProfileId,
    CaseId? Case,
    DateOnly PeriodFrom,
    DateOnly PeriodTo,
    Money.Money Amount,
    int TransactionCount,
    ReportStatus Status,
    int Revision,
    IReadOnlyList<string> Formats,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public override string ToString() => $"StoredReport {{ {Reference}, {Status.ToWire()}, rev {Revision} }}";
}

/// <summary>One written document of a report. Contains personal data.</summary>
/// <param name="Format">The format's name (<c>csv</c>, <c>fincen-bsa-xml</c>).</param>
public sealed record ReportFile(string Format, string FileName, string MediaType, byte[] Content)
{
    public override string ToString() => $"ReportFile {{ {Format}, {FileName}, {Content.Length} bytes }}";
}
