using System.Text;
using System.Xml.Linq;
using SmallChange.Adapters.Reports.FinCen;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Money;
using static SmallChange.Adapters.Tests.Reports.ReportFixtures;

namespace SmallChange.Adapters.Tests.Reports;

public sealed class FinCenBsaXmlFormatTests
{
    private const string CtrXsd = "EFL_CTRXBatchSchema.xsd";
    private const string SarXsd = "EFL_SARXBatchSchema.xsd";
    private static readonly FinCenBsaXmlFormat Format = new(Transmitter);

    [Fact]
    public void WriteCtrs_FullSubject_ValidatesAgainstCtrxSchema()
    {
        var doc = Format.WriteCtrs([Ctr(FullSubject(), Cashout("6000", 0), Cashout("4000.01", 120))]).Value;

        Assert.Empty(Validate(doc.Content, CtrXsd));
        Assert.Equal("application/xml", doc.MediaType);
    }

    [Fact]
    public void WriteCtrs_SparseSubjectsForeignCurrencyAndBatch_ValidatesAgainstCtrxSchema()
    {
        var first = Ctr(SparseSubject(), Cashout("9000", 0), Cashout("1000", 10, "EUR", "DE"), Cashout("500000", 20, "KRW", "KR"));
        var second = Ctr(FullSubject(), Cashout("10000", 5));

        var doc = Format.WriteCtrs([first, second]).Value;

        Assert.Empty(Validate(doc.Content, CtrXsd));
        var root = XDocument.Load(new MemoryStream(doc.Content)).Root!;
        Assert.Equal("2", root.Attribute("ActivityCount")!.Value);
        Assert.Equal("12", root.Attribute("PartyCount")!.Value);
        var codes = root.Descendants(Fc2 + "CurrencyTransactionActivityDetailTypeCode").Select(e => e.Value).ToList();
        Assert.Equal(["56", "54", "54", "56"], codes);
    }

    [Fact]
    public void WriteCtrs_CentsInTotal_RoundedUpToTheNextWholeDollar()
    {
        var doc = Format.WriteCtrs([Ctr(FullSubject(), Cashout("6000", 0), Cashout("4000.01", 120))]).Value;

        var root = XDocument.Load(new MemoryStream(doc.Content)).Root!;
        Assert.Equal("10001", root.Descendants(Fc2 + "TotalCashOutAmountText").Single().Value);
        Assert.Equal("10001", root.Attribute("TotalAmount")!.Value);
        Assert.Equal("Y", root.Descendants(Fc2 + "AggregateTransactionIndicator").Single().Value);
        Assert.Equal("20261118", root.Descendants(Fc2 + "TransactionDateText").Single().Value);
    }

    [Fact]
    public void WriteCtrs_TextWithLineBreaksAndSpaces_CollapsedToSchemaPattern()
    {
        var doc = Format.WriteCtrs([Ctr(FullSubject(), Cashout("10000", 0))]).Value;

        var root = XDocument.Load(new MemoryStream(doc.Content)).Root!;
        Assert.Contains(root.Descendants(Fc2 + "RawStreetAddress1Text"), e => e.Value == "12 Elm Street Apt 4");
        Assert.Contains(root.Descendants(Fc2 + "RawIndividualFirstName"), e => e.Value == "Ana Maria");
        Assert.Contains(root.Descendants(Fc2 + "RawZIPCode"), e => e.Value == "627011234");
    }

    [Fact]
    public void WriteSars_CaseWithSeveralCategoriesAndLongNarrative_ValidatesAgainstSarxSchema()
    {
        var narrative = string.Join("\n", Enumerable.Repeat("The holder received funds and cashed them out within minutes.", 150));
        var sar = Sar(Case(FullSubject(), narrative, "aml.structuring", "aml.credit_cycling", "aml.travel_rule", "aml.velocity", "aml.dormant_reactivation", "aml.rapid_in_out"));

        var doc = Format.WriteSars([sar, Sar(Case(SparseSubject(), "Short narrative.", "aml.shared_destination"))]).Value;

        Assert.Empty(Validate(doc.Content, SarXsd));
        var root = XDocument.Load(new MemoryStream(doc.Content)).Root!;
        var first = root.Elements(Fc2 + "Activity").First();
        Assert.Equal(3, first.Elements(Fc2 + "ActivityNarrativeInformation").Count());
        var otherTexts = first.Descendants(Fc2 + "OtherSuspiciousActivityTypeText").Select(e => e.Value).ToList();
        Assert.Equal(["Credit cycling; Crypto travel-rule data missing"], otherTexts);
        Assert.Equal(["1", "8", "9", "9"], first.Descendants(Fc2 + "SuspiciousActivityTypeID").Select(e => e.Value));
        var seqNums = root.DescendantsAndSelf().Select(e => e.Attribute("SeqNum")?.Value).OfType<string>().Select(long.Parse).ToList();
        Assert.Equal(Enumerable.Range(1, seqNums.Count).Select(i => (long)i), seqNums);
    }

    [Fact]
    public void WriteSars_Amount_SumOfCaseTransactionsInUsdRoundedUp()
    {
        // USD 4,800 + 4,750.25 + KRW 3,000,000 (USD 2,123.893805 at 1,412.50) = USD 11,674.143805 → 11,675.
        var doc = Format.WriteSars([Sar(Case(FullSubject(), "n", "aml.rapid_in_out"))]).Value;

        var root = XDocument.Load(new MemoryStream(doc.Content)).Root!;
        Assert.Equal("11675", root.Descendants(Fc2 + "TotalSuspiciousAmountText").Single().Value);
        Assert.Equal("20261115", root.Descendants(Fc2 + "SuspiciousActivityFromDateText").Single().Value);
        Assert.Equal("20261118", root.Descendants(Fc2 + "SuspiciousActivityToDateText").Single().Value);
    }

    [Fact]
    public void Validate_CtrMissingRequiredFilingDate_Rejected()
    {
        var doc = Format.WriteCtrs([Ctr(FullSubject(), Cashout("10000", 0))]).Value;
        var broken = Edit(doc.Content, d => d.Descendants(Fc2 + "FilingDateText").Remove());

        Assert.Contains(Validate(broken, CtrXsd), m => m.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SarMissingSuspiciousActivity_Rejected()
    {
        var doc = Format.WriteSars([Sar(Case(FullSubject(), "n", "aml.structuring"))]).Value;
        var broken = Edit(doc.Content, d => d.Descendants(Fc2 + "SuspiciousActivity").Remove());

        Assert.NotEmpty(Validate(broken, SarXsd));
    }

    [Fact]
    public void Validate_DuplicateSeqNum_Rejected()
    {
        var doc = Format.WriteCtrs([Ctr(FullSubject(), Cashout("10000", 0))]).Value;
        var broken = Edit(doc.Content, d => d.Descendants(Fc2 + "PartyName").First().SetAttributeValue("SeqNum", "1"));

        Assert.NotEmpty(Validate(broken, CtrXsd));
    }

    [Fact]
    public void Validate_DocumentInNoNamespace_RejectedByWarningAsError()
    {
        var doc = Format.WriteCtrs([Ctr(FullSubject(), Cashout("10000", 0))]).Value;
        var text = Encoding.UTF8.GetString(doc.Content).Replace("fc2:", "", StringComparison.Ordinal).Replace(" xmlns=\"www.fincen.gov/base\"", "", StringComparison.Ordinal)
            .Replace(" xmlns:fc2=\"www.fincen.gov/base\"", "", StringComparison.Ordinal);

        var messages = Validate(Encoding.UTF8.GetBytes(text), CtrXsd);

        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.StartsWith("Warning", m, StringComparison.Ordinal));
    }

    [Fact]
    public void WriteCtrs_KrwReport_RefusedAsUnsupportedCurrency()
    {
        var kr = Profiles.For("KR");
        var cashouts = new[] { new CtrCashout(SmallChange.Core.Common.CashoutId.New(), Money.Parse("10000000", Currencies.KRW).Value, SmallChange.Core.Providers.PayoutMethod.BankTransfer, "KR", Day) };
        var report = CurrencyTransactionReports.ForDay(kr, Rates, Filer, FullSubject(), cashouts, CurrencyTransactionReports.LocalDay(kr, Day), Day).Value!;

        var r = Format.WriteCtrs([report]);

        Assert.Equal("report.currency_unsupported", r.Error?.Code);
    }

    [Fact]
    public void WriteSars_NarrativeOverFinCenLimit_Refused()
    {
        var r = Format.WriteSars([Sar(Case(FullSubject(), new string('x', FinCenBsaXmlFormat.MaxNarrative + 1), "aml.structuring"))]);

        Assert.Equal("report.narrative_too_long", r.Error?.Code);
    }

    [Fact]
    public void WriteCtrs_EmptyBatch_Refused()
    {
        Assert.Equal("report.empty_batch", Format.WriteCtrs([]).Error?.Code);
    }
}
