using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Ports;

namespace SmallChange.Pages.Console;

/// <summary>Stored CTR and SAR reports, newest first, filtered by kind and status, each with its documents to download.</summary>
public sealed class ReportsModel(IStore store) : ConsolePage
{
    public const int PageSize = 50;

    /// <summary><c>ctr</c>, <c>sar</c>, or empty for both.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    /// <summary><c>ready</c>, <c>filed</c>, or empty for both.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<StoredReport> Reports { get; private set; } = new([], null);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var kind = ReportWire.KindFromWire(Kind);
        var status = ReportWire.StatusFromWire(Status);
        Kind = kind?.ToWire();
        Status = status?.ToWire();
        var filter = new ReportFilter(kind, null, status);
        try
        {
            Reports = await store.ReadAsync(r => r.ListReports(filter, Cursor, PageSize), ct);
        }
        catch (InvalidCursorException)
        {
            Reports = await store.ReadAsync(r => r.ListReports(filter, null, PageSize), ct);
        }
    }
}
