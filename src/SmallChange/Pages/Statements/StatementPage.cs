using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Records;
using SmallChange.Portal.Records;

namespace SmallChange.Pages.Statements;

/// <summary>
/// A statement of a period of the signed-in holder's records, as printable HTML or as CSV (<c>format=csv</c>). A period
/// key that is not a period answers not found; a period is always the holder's own (there is no statement id to guess).
/// </summary>
public abstract class StatementPage(IStore store) : PortalPage
{
    public Statement Statement { get; private set; } = null!;

    public PortalRecords Records { get; private set; } = null!;

    protected abstract Result<StatementPeriod> Period(string key);

    /// <summary>Whether the CSV lists every entry (a month) or only the summary (a tax year).</summary>
    protected abstract bool CsvEntries { get; }

    protected async Task<IActionResult> Show(string key, string? format)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        if (!Period(key).TryGet(out var period, out _))
        {
            return NotFound();
        }

        (Statement, Records) = await PortalRecords.LoadStatement(store, holder, period, HttpContext.RequestAborted);
        return format == "csv" ? File(Csv().ToUtf8(), "text/csv; charset=utf-8", $"smallchange-{(CsvEntries ? "statement" : "tax-year")}-{period.Key}.csv") : Page();
    }

    private CsvText Csv()
    {
        var csv = new CsvText().Row("section", "currency", "item", "amount", "count");
        foreach (var c in Statement.Currencies)
        {
            var code = c.Currency.Code;
            if (CsvEntries)
            {
                csv.Row("summary", code, "opening balance", CsvText.Number(c.Opening.ToDecimalString()), null);
            }

            foreach (var i in c.Income)
            {
                csv.Row("income", code, Records.SourceName(i.Source), CsvText.Number(i.Total.ToDecimalString()), CsvText.Number(i.Count.ToString(CultureInfo.InvariantCulture)));
            }

            csv.Row("summary", code, "income", CsvText.Number(c.IncomeTotal.ToDecimalString()), null);
            csv.Row("summary", code, "paid out (gross)", CsvText.Number(c.PaidOutGross.ToDecimalString()), CsvText.Number(c.PaidCount.ToString(CultureInfo.InvariantCulture)));
            csv.Row("summary", code, "fees paid", CsvText.Number(c.FeesPaid.ToDecimalString()), null);
            csv.Row("summary", code, "received at destinations (net)", CsvText.Number(c.PaidOutNet.ToDecimalString()), null);
            if (!c.InProgress.IsZero)
            {
                csv.Row("summary", code, "cash-outs in progress (gross)", CsvText.Number(c.InProgress.ToDecimalString()), null);
            }

            if (CsvEntries)
            {
                csv.Row("summary", code, "cashed out (gross, leaving the balance)", CsvText.Number(c.CashedOut.ToDecimalString()), null);
                csv.Row("summary", code, "returned to the balance", CsvText.Number(c.Returned.ToDecimalString()), null);
                csv.Row("summary", code, "closing balance", CsvText.Number(c.Closing.ToDecimalString()), null);
            }
        }

        if (CsvEntries)
        {
            csv.Row();
            csv.Row("date_utc", "kind", "description", "currency", "amount", "fee", "net", "status", "reference");
            foreach (var e in Statement.Entries)
            {
                csv.Row(e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.Kind == RecordKind.Credit ? "credit" : "cashout",
                    Records.Describe(e), e.Currency.Code, CsvText.Number((e.Credit is null ? -e.Amount : e.Amount).ToDecimalString()),
                    e.Cashout is { } c ? CsvText.Number(c.Fee.ToDecimalString()) : null, e.Cashout is { } n ? CsvText.Number(n.Net.ToDecimalString()) : null,
                    e.Cashout?.State.ToString().ToLowerInvariant() ?? "credited", e.Id.ToString());
            }
        }

        return csv;
    }
}
