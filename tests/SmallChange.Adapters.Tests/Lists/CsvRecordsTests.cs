using SmallChange.Adapters.Lists;

namespace SmallChange.Adapters.Tests.Lists;

public class CsvRecordsTests
{
    [Fact]
    public void Parse_QuotedFieldsWithCommasQuotesAndLineBreaks_OneFieldEach()
    {
        var text = "1,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"a \"\"quoted\"\" word\"\r\n2,\"two\r\nlines\",x,\r\n";

        var records = CsvRecords.Parse(text).ToList();

        Assert.Equal(2, records.Count);
        Assert.Equal(["1", "ANGLO-CARIBBEAN CO., LTD.", "-0- ", "a \"quoted\" word"], records[0]);
        Assert.Equal(["2", "two\r\nlines", "x", ""], records[1]);
    }

    [Fact]
    public void Parse_TrailingCtrlZAndBlankLinesAndBom_Ignored()
    {
        var records = CsvRecords.Parse("\uFEFFa,b\n\n\nc,d\r\n\u001a").ToList();

        Assert.Equal([["a", "b"], ["c", "d"]], records);
    }

    [Fact]
    public void Parse_LastRecordWithoutLineBreak_Read()
    {
        Assert.Equal([["a", "\"b\""]], CsvRecords.Parse("a,\"\"\"b\"\"\""));
    }

    [Fact]
    public void Parse_UnterminatedQuote_FormatExceptionNamingTheRecord()
    {
        var e = Assert.Throws<FormatException>(() => CsvRecords.Parse("a,b\nc,\"d,e\n").ToList());

        Assert.Contains("Record 2", e.Message, StringComparison.Ordinal);
    }
}
