using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Records;

namespace SmallChange.Pages.Statements;

/// <summary>A monthly statement: per currency, the opening balance, income by source, cash-outs, fees and the closing balance; then every entry.</summary>
public sealed class MonthModel(IStore store) : StatementPage(store)
{
    protected override Result<StatementPeriod> Period(string key) => StatementPeriod.Month(key);

    protected override bool CsvEntries => true;

    public Task<IActionResult> OnGetAsync(string period, string? format) => Show(period, format);
}
