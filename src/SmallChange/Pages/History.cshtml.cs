using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Records;
using SmallChange.Portal.Records;

namespace SmallChange.Pages;

/// <summary>
/// The holder's history: credits and cash-outs, newest first, filtered by dates (UTC days, both included), kind, source
/// and currency, <see cref="PageSize"/> a page; the same selection as CSV with <c>format=csv</c>. A filter with a bad
/// value is shown as an error on its field, and the rest of the filter still applies.
/// </summary>
public sealed class HistoryModel(IStore store) : PortalPage
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "source")]
    public Guid? Source { get; set; }

    [BindProperty(SupportsGet = true, Name = "currency")]
    public string? Currency { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public PortalRecords Records { get; private set; } = null!;

    public IReadOnlyList<HistoryEntry> Entries { get; private set; } = [];

    public int Total { get; private set; }

    public bool HasNext { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? format)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        ModelState.Clear();
        Records = await PortalRecords.Load(store, holder, HttpContext.RequestAborted);
        var filter = Filter();
        var all = Records.Book.Filter(filter).ToList();
        if (format == "csv")
        {
            var csv = new CsvText().Row("date_utc", "kind", "description", "currency", "amount", "fee", "net", "status", "reference");
            foreach (var e in all)
            {
                Row(csv, e);
            }

            return File(csv.ToUtf8(), "text/csv; charset=utf-8", "smallchange-history.csv");
        }

        PageNumber = Math.Max(1, PageNumber);
        Total = all.Count;
        Entries = all.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        HasNext = PageNumber * PageSize < Total;
        return Page();
    }

    /// <summary>One entry as a CSV row: date, kind, description, currency, signed amount, fee, net, status, reference.</summary>
    internal void Row(CsvText csv, HistoryEntry e) => csv.Row(
        e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        e.Kind == RecordKind.Credit ? "credit" : "cashout",
        Records.Describe(e),
        e.Currency.Code,
        CsvText.Number((e.Credit is null ? -e.Amount : e.Amount).ToDecimalString()),
        e.Cashout is { } c ? CsvText.Number(c.Fee.ToDecimalString()) : null,
        e.Cashout is { } n ? CsvText.Number(n.Net.ToDecimalString()) : null,
        e.Cashout?.State.ToString().ToLowerInvariant() ?? "credited",
        e.Id.ToString());

    private HistoryFilter Filter()
    {
        var from = Day(From, nameof(From));
        var to = Day(To, nameof(To));
        RecordKind? kind = Kind switch
        {
            "credit" => RecordKind.Credit,
            "cashout" => RecordKind.Cashout,
            null or "" or "all" => null,
            _ => Bad<RecordKind?>(nameof(Kind), "Choose credits, cash-outs or both."),
        };
        Currency? currency = string.IsNullOrEmpty(Currency) ? null : Currencies.Find(Currency) ?? Bad<Currency?>(nameof(Currency), "Choose one of your currencies.");
        return new HistoryFilter(from is { } f ? RecordBook.StartOf(f) : null, to is { } t ? RecordBook.StartOf(t.AddDays(1)) : null, kind,
            Source is { } s ? new SourceId(s) : null, currency);
    }

    private DateOnly? Day(string? text, string key)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : Bad<DateOnly?>(key, "Enter a date such as 2026-03-01.");
    }

    private T? Bad<T>(string key, string message)
    {
        ModelState.AddModelError(key, message);
        return default;
    }

    /// <summary>The query string of this filter on another page (for the paging links and the CSV download).</summary>
    public string Query(int? page = null, string? format = null)
    {
        var parts = new List<string>();
        void Add(string k, string? v)
        {
            if (!string.IsNullOrEmpty(v))
            {
                parts.Add($"{k}={Uri.EscapeDataString(v)}");
            }
        }

        Add("from", From);
        Add("to", To);
        Add("kind", Kind);
        Add("source", Source?.ToString());
        Add("currency", Currency);
        Add("p", page is > 1 ? page.Value.ToString(CultureInfo.InvariantCulture) : null);
        Add("format", format);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
