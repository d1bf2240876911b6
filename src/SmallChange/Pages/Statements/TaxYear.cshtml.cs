using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Records;

namespace SmallChange.Pages.Statements;

/// <summary>A tax-year summary: per currency, income by source, fees paid and payouts of the calendar year.</summary>
public sealed class TaxYearModel(IStore store) : StatementPage(store)
{
    protected override Result<StatementPeriod> Period(string key) => StatementPeriod.TaxYear(key);

    protected override bool CsvEntries => false;

    public Task<IActionResult> OnGetAsync(string year, string? format) => Show(year, format);
}
