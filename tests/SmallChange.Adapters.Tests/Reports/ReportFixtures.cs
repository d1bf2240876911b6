using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using SmallChange.Adapters.Reports.FinCen;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Fx;
using SmallChange.Core.Holders;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;

namespace SmallChange.Adapters.Tests.Reports;

/// <summary>Shipped configuration, a filer, subjects and reports built by the real generators; and XSD validation.</summary>
internal static class ReportFixtures
{
    public static readonly string Root = FindRoot();

    public static readonly JurisdictionProfiles Profiles =
        JurisdictionProfiles.Parse(File.ReadAllText(Path.Combine(Root, "config", "jurisdictions.json"))).Value;

    public static readonly FxRateTable Rates = FxRateTable.Parse(File.ReadAllText(Path.Combine(Root, "config", "fx-rates.json"))).Value;

    public static readonly JurisdictionProfile Us = Profiles.For("US");

    /// <summary>14:00 UTC, 09:00 in New York.</summary>
    public static readonly DateTimeOffset Day = new(2026, 11, 18, 14, 0, 0, TimeSpan.Zero);

    public static readonly ReportFiler Filer = new(
        "SmallChange Payouts LLC", "12-3456789", new PostalAddress("100 Example Street Suite 5", "Wilmington", "DE", "19801", "US"), "Compliance Office", "(302) 555-0100");

    public static readonly FinCenTransmitter Transmitter = new(
        "SmallChange Payouts LLC", "123456789", "TCC12345", new PostalAddress("100 Example Street Suite 5", "Wilmington", "DE", "19801", "US"), "302-555-0100", "Jordan Filer");

    public static ReportSubject FullSubject() => new(
        HolderId.New(), new PersonName("Rivera"), new PersonName("Ana  Maria"), new DateOnly(1988, 4, 2),
        new PostalAddress("12 Elm Street\nApt 4", "Springfield", "IL", "62701-1234", "US"), new SubjectIdentification(IdentificationKind.TaxId, "123-45-6789", "US", null));

    /// <summary>A subject KYC knows little about: family name only.</summary>
    public static ReportSubject SparseSubject() => new(HolderId.New(), new PersonName("김"), null, null, null, null);

    public static CtrCashout Cashout(string usd, int minutesAfter, string currency = "USD", string country = "US") =>
        new(CashoutId.New(), Money.Parse(usd, Currencies.Find(currency)!).Value, PayoutMethod.BankTransfer, country, Day.AddMinutes(minutesAfter));

    public static CurrencyTransactionReport Ctr(ReportSubject subject, params CtrCashout[] cashouts) =>
        CurrencyTransactionReports.ForDay(Us, Rates, Filer, subject, cashouts, CurrencyTransactionReports.LocalDay(Us, Day), Day.AddDays(1)).Value
        ?? throw new InvalidOperationException("the fixture's cash-outs stay under the threshold");

    public static SarCase Case(ReportSubject subject, string narrative, params string[] ruleIds) => new(
        "CASE-2026-0042",
        subject,
        ruleIds.Select(id => new AmlDecision(id, 1, AmlOutcome.Hold, "fixture", [])).ToList(),
        [
            new CaseTransaction("credit-1", ActivityDirection.In, Money.Parse("4800", Currencies.USD).Value, Day.AddDays(-3)),
            new CaseTransaction("cashout-1", ActivityDirection.Out, Money.Parse("4750.25", Currencies.USD).Value, Day.AddDays(-3).AddMinutes(12)),
            new CaseTransaction("cashout-2", ActivityDirection.Out, Money.Parse("3000000", Currencies.KRW).Value, Day),
        ],
        narrative,
        []);

    public static SuspiciousActivityReport Sar(SarCase c) => SuspiciousActivityReports.FromCase(Us, Rates, Filer, c, Day.AddDays(2)).Value;

    /// <summary>
    /// Validates <paramref name="xml"/> against one of the FinCEN XSDs in testdata/fincen and returns every message,
    /// errors and warnings alike (a warning, such as an element in no known namespace, counts as a failure).
    /// </summary>
    public static IReadOnlyList<string> Validate(byte[] xml, string xsd)
    {
        var schemas = new XmlSchemaSet();
        using (var reader = XmlReader.Create(Path.Combine(Root, "testdata", "fincen", xsd)))
        {
            schemas.Add(null, reader);
        }

        schemas.Compile();
        var messages = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings | XmlSchemaValidationFlags.ProcessIdentityConstraints;
        settings.ValidationEventHandler += (_, e) => messages.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber})");
        using var stream = new MemoryStream(xml);
        using var validating = XmlReader.Create(stream, settings);
        while (validating.Read())
        {
        }

        return messages;
    }

    public static byte[] Edit(byte[] xml, Action<XDocument> edit)
    {
        var doc = XDocument.Load(new MemoryStream(xml));
        edit(doc);
        using var stream = new MemoryStream();
        doc.Save(stream);
        return stream.ToArray();
    }

    public static readonly XNamespace Fc2 = FinCenBsaXmlFormat.Namespace;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmallChange.slnx")) && Directory.Exists(Path.Combine(dir.FullName, "testdata", "fincen")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root with testdata/fincen not found");
    }
}
