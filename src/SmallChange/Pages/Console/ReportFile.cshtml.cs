using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Ports;

namespace SmallChange.Pages.Console;

/// <summary>A stored report's document as generated (<c>csv</c>, or <c>fincen-bsa-xml</c> for US-dollar reports); never cached.</summary>
public sealed class ReportFileModel(IStore store) : ConsolePage
{
    public async Task<IActionResult> OnGetAsync(Guid id, string format, CancellationToken ct)
    {
        var file = await store.ReadAsync(r => r.GetReportFile(new ReportId(id), format), ct);
        if (file is null)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        return File(file.Content, file.MediaType, file.FileName);
    }
}
