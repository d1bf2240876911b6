using System.Text;
using SmallChange.Adapters.Reports.Csv;
using static SmallChange.Adapters.Tests.Reports.ReportFixtures;

namespace SmallChange.Adapters.Tests.Reports;

public sealed class CsvReportFormatTests
{
    private static readonly CsvReportFormat Format = new();

    /// <summary>A minimal RFC 4180 reader: enough to check what the writer wrote.</summary>
    private static List<List<string>> Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        return rows;
    }

    [Fact]
    public void WriteCtrs_TwoCashoutsTwoCurrencies_HeaderAndOneRowPerCashout()
    {
        var report = Ctr(SparseSubject(), Cashout("9000", 0), Cashout("1000", 10, "EUR", "DE"));

        var rows = Parse(Format.WriteCtrs([report]).Value.Content);

        Assert.Equal(CsvReportFormat.CtrColumns, rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.Equal(CsvReportFormat.CtrColumns.Length, r.Count));
        var eur = rows[2];
        Assert.Equal("EUR", eur[Array.IndexOf(CsvReportFormat.CtrColumns, "amount_currency")]);
        Assert.Equal("1155.401502", eur[Array.IndexOf(CsvReportFormat.CtrColumns, "amount_in_report_currency")]);
        Assert.Equal("10155.401502", eur[Array.IndexOf(CsvReportFormat.CtrColumns, "total_cash_out")]);
        Assert.Equal("2026-11-18", eur[Array.IndexOf(CsvReportFormat.CtrColumns, "transaction_date")]);
    }

    [Fact]
    public void WriteSars_NarrativeWithQuotesLinesAndFormula_QuotedAndNeutralised()
    {
        var sar = Sar(Case(FullSubject(), "=HYPERLINK(\"x\")\nsecond line, with a comma", "aml.structuring", "aml.credit_cycling"));

        var bytes = Format.WriteSars([sar]).Value.Content;
        var rows = Parse(bytes);

        Assert.Equal(2, rows.Count);
        var row = rows[1];
        Assert.Equal(CsvReportFormat.SarColumns.Length, row.Count);
        Assert.Equal("'=HYPERLINK(\"x\")\nsecond line, with a comma", row[^1]);
        Assert.Equal("structuring;credit_cycling", row[Array.IndexOf(CsvReportFormat.SarColumns, "categories")]);
        Assert.Equal("11674.143805", row[Array.IndexOf(CsvReportFormat.SarColumns, "amount")]);
        Assert.NotEqual(0xEF, bytes[0]);
    }
}
