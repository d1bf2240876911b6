using System.Globalization;
using System.Text;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Providers;

namespace SmallChange.Adapters.Reports.Csv;

/// <summary>
/// Reports as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break,
/// UTF-8 without a byte-order mark) for review and for jurisdictions without an electronic format yet. A currency
/// transaction report is one row per cash-out with the report's fields repeated; a suspicious activity report is one
/// row. Amounts are exact decimals in the report currency. A text field that a spreadsheet would run as a formula
/// (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return) is prefixed with <c>'</c>.
/// </summary>
public sealed class CsvReportFormat : IReportFormat
{
    public static readonly string[] CtrColumns =
    [
        "report_ref", "profile", "filed_on", "transaction_date", "holder_id", "family_name", "given_name", "birth_date",
        "currency", "total_cash_out", "threshold", "rates_as_of", "cashout_id", "cashout_at", "amount", "amount_currency",
        "amount_in_report_currency", "method", "destination_country",
    ];

    public static readonly string[] SarColumns =
    [
        "report_ref", "case_ref", "profile", "filed_on", "holder_id", "family_name", "given_name", "birth_date",
        "activity_from", "activity_to", "currency", "amount", "transaction_count", "categories", "rule_ids", "narrative",
    ];

    public string Name => "csv";

    public Result<ReportDocument> WriteCtrs(IReadOnlyList<CurrencyTransactionReport> reports)
    {
        var sb = new StringBuilder();
        Row(sb, CtrColumns);
        foreach (var r in reports)
        {
            foreach (var c in r.Cashouts)
            {
                Row(sb, [
                    r.ReportRef, r.ProfileId, Date(r.FiledOn), Date(r.TransactionDate), r.Subject.Holder.ToString(), Safe(r.Subject.FamilyName.Value),
                    Safe(r.Subject.GivenName?.Value), r.Subject.BirthDate is { } b ? Date(b) : "", r.Currency.Code, r.TotalCashOut.ToDecimalString(),
                    r.Threshold.ToDecimalString(), Instant(r.RatesAsOf), c.Id.ToString(), Instant(c.At), c.Gross.ToDecimalString(), c.Gross.Currency.Code,
                    c.InReportCurrency.ToDecimalString(), c.Method.ToWireName(), c.DestinationCountry,
                ]);
            }
        }

        return Document(sb, $"ctr-{Stamp(reports.Select(r => r.FiledOn))}-{reports.Count}.csv");
    }

    public Result<ReportDocument> WriteSars(IReadOnlyList<SuspiciousActivityReport> reports)
    {
        var sb = new StringBuilder();
        Row(sb, SarColumns);
        foreach (var r in reports)
        {
            Row(sb, [
                r.ReportRef, Safe(r.CaseRef), r.ProfileId, Date(r.FiledOn), r.Subject.Holder.ToString(), Safe(r.Subject.FamilyName.Value),
                Safe(r.Subject.GivenName?.Value), r.Subject.BirthDate is { } b ? Date(b) : "", Date(r.ActivityFrom), Date(r.ActivityTo),
                r.Amount.Currency.Code, r.Amount.ToDecimalString(), r.Transactions.Count.ToString(CultureInfo.InvariantCulture),
                string.Join(';', r.Categories.Select(c => c.ToWire())), string.Join(';', r.RuleIds), Safe(r.Narrative),
            ]);
        }

        return Document(sb, $"sar-{Stamp(reports.Select(r => r.FiledOn))}-{reports.Count}.csv");
    }

    private static Result<ReportDocument> Document(StringBuilder sb, string name) =>
        new ReportDocument(name, "text/csv", new UTF8Encoding(false).GetBytes(sb.ToString()));

    private static string Stamp(IEnumerable<DateOnly> days) => days.Select(Date).DefaultIfEmpty("empty").First();

    private static void Row(StringBuilder sb, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var f = fields[i];
            if (f.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                sb.Append('"').Append(f.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                sb.Append(f);
            }
        }

        sb.Append("\r\n");
    }

    /// <summary>Free text made inert for spreadsheets (OWASP CSV injection).</summary>
    private static string Safe(string? s) => string.IsNullOrEmpty(s) ? "" : s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : s;

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
