using System.Text;
using SmallChange.Adapters.Lists;
using SmallChange.Adapters.Reports.Csv;
using static SmallChange.Adapters.Tests.Reports.ReportFixtures;

namespace SmallChange.Adapters.Tests.Reports;

public sealed class CsvReportFormatTests
{
    private static readonly CsvReportFormat Format = new();

    /// <summary>Reads the CSV back with the project's RFC 4180 reader.</summary>
    private static List<string[]> Parse(byte[] bytes) => CsvRecords.Parse(Encoding.UTF8.GetString(bytes)).ToList();

    [Fact]
    public void WriteCtrs_TwoCashoutsTwoCurrencies_HeaderAndOneRowPerCashout()
    {
        var report = Ctr(SparseSubject(), Cashout("9000", 0), Cashout("1000", 10, "EUR", "DE"));

        var rows = Parse(Format.WriteCtrs([report]).Value.Content);

        Assert.Equal(CsvReportFormat.CtrColumns, rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.Equal(CsvReportFormat.CtrColumns.Length, r.Length));
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
        Assert.Equal(CsvReportFormat.SarColumns.Length, row.Length);
        Assert.Equal("'=HYPERLINK(\"x\")\nsecond line, with a comma", row[^1]);
        Assert.Equal("structuring;credit_cycling", row[Array.IndexOf(CsvReportFormat.SarColumns, "categories")]);
        Assert.Equal("11674.143805", row[Array.IndexOf(CsvReportFormat.SarColumns, "amount")]);
        Assert.NotEqual(0xEF, bytes[0]);
    }
}
