using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Ports;
using SmallChange.Core.Records;
using SmallChange.Portal.Records;

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

        var records = await PortalRecords.Load(store, holder, HttpContext.RequestAborted);
        (Months, Years) = (Statement.Months(records.Book), Statement.TaxYears(records.Book));
        return Page();
    }
}
