using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Ports;
using SmallChange.Core.Records;

namespace SmallChange.Pages.Statements;

/// <summary>The holder's monthly statements and tax-year summaries: every month and year with entries, newest first.</summary>
public sealed class IndexModel(IStore store) : PortalPage
{
    public IReadOnlyList<StatementPeriod> Months { get; private set; } = [];

    public IReadOnlyList<StatementPeriod> Years { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        var months = await store.ReadAsync(r => r.RecordMonths(holder), HttpContext.RequestAborted);
        (Months, Years) = (Statement.Months(months), Statement.TaxYears(months));
        return Page();
    }
}
