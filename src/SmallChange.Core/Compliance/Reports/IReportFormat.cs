using SmallChange.Core.Common;

namespace SmallChange.Core.Compliance.Reports;

/// <summary>A written report file: its suggested name, media type and bytes.</summary>
public sealed record ReportDocument(string FileName, string MediaType, byte[] Content)
{
    public override string ToString() => $"ReportDocument {{ {FileName}, {MediaType}, {Content.Length} bytes }}";
}

/// <summary>
/// A regulatory report file format (FinCEN BSA XML, CSV; a Korean KoFIU or goAML format can follow). The generators
/// build format-neutral reports; a format writes a batch of them. Expected refusals (a format that cannot express a
/// currency, a narrative too long for it) are errors, not exceptions.
/// </summary>
public interface IReportFormat
{
    /// <summary>A short stable name, e.g. <c>fincen-bsa-xml</c>, <c>csv</c>.</summary>
    string Name { get; }

    /// <summary>One file with every currency transaction report of the batch.</summary>
    Result<ReportDocument> WriteCtrs(IReadOnlyList<CurrencyTransactionReport> reports);

    /// <summary>One file with every suspicious activity report of the batch.</summary>
    Result<ReportDocument> WriteSars(IReadOnlyList<SuspiciousActivityReport> reports);
}
