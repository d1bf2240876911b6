using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Money;

namespace SmallChange.Adapters.Reports.FinCen;

/// <summary>Who sends the batch to BSA E-Filing (often the filer itself): name, TIN, Transmitter Control Code, address, phone and contact.</summary>
public sealed record FinCenTransmitter(string LegalName, string Tin, string ControlCode, PostalAddress Address, string Phone, string ContactName)
{
    /// <summary>The contact is a person: only the organisation is shown.</summary>
    public override string ToString() => $"FinCenTransmitter {{ {LegalName} }}";
}

/// <summary>
/// FinCEN BSA E-Filing batch XML: currency transaction reports as <c>CTRX</c> batches (EFL_CTRXBatchSchema.xsd) and
/// suspicious activity reports as <c>SARX</c> batches (EFL_SARXBatchSchema.xsd, v1.2). Documents are built in the
/// schemas' element order; text is reduced to what their patterns allow (no leading, trailing or repeated white space,
/// within the maximum length); amounts are whole US dollars rounded up, as FinCEN's instructions require. FinCEN takes
/// US-dollar reports only: a report in another currency is refused (<c>report.currency_unsupported</c>).
/// </summary>
/// <remarks>
/// The filer is a money services business: organisation type 4 (MSB), primary federal regulator 7 (IRS, which examines
/// MSBs). Parties per activity: transmitter (35), transmitter contact (37), filing institution (30), contact for
/// assistance (8), transaction location (34) and the subject (CTR 50, person conducting the transaction on their own
/// behalf; SAR 33). The XSD checks structure only; FinCEN's further business rules (for example a valid EIN) are the
/// operator's configuration.
/// </remarks>
public sealed class FinCenBsaXmlFormat(FinCenTransmitter transmitter) : IReportFormat
{
    public const string Namespace = "www.fincen.gov/base";

    /// <summary>FinCEN's longest SAR narrative: five blocks, the first four of 4,000 characters and the fifth of 1,000.</summary>
    public const int MaxNarrative = 17_000;

    private const string RegulatorIrs = "7";
    private const string OrganizationMsb = "4";
    private static readonly XNamespace Ns = Namespace;

    public string Name => "fincen-bsa-xml";

    public Result<ReportDocument> WriteCtrs(IReadOnlyList<CurrencyTransactionReport> reports)
    {
        if (Check(reports.Select(r => (r.ReportRef, r.TotalCashOut.Currency))) is { } error)
        {
            return error;
        }

        var seq = new Sequence();
        var activities = reports.Select(r => CtrActivity(r, seq)).ToList();
        var total = reports.Sum(r => WholeDollars(r.TotalCashOut));
        var root = new XElement(
            Ns + "EFilingBatchXML",
            new XAttribute("TotalAmount", total.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("PartyCount", CountParties(activities)),
            new XAttribute("ActivityCount", activities.Count),
            new XAttribute(XNamespace.Xmlns + "fc2", Namespace),
            new XElement(Ns + "FormTypeCode", "CTRX"),
            activities);
        return Document(root, $"fincen-ctrx-{reports[0].FiledOn:yyyyMMdd}-{reports.Count}.xml");
    }

    public Result<ReportDocument> WriteSars(IReadOnlyList<SuspiciousActivityReport> reports)
    {
        if (Check(reports.Select(r => (r.ReportRef, r.Amount.Currency))) is { } error)
        {
            return error;
        }

        if (reports.FirstOrDefault(r => r.Narrative.Length > MaxNarrative) is { } tooLong)
        {
            return new Error("report.narrative_too_long", $"{tooLong.ReportRef}: a FinCEN SAR narrative has at most {MaxNarrative:N0} characters (it has {tooLong.Narrative.Length:N0}).", "narrative");
        }

        var seq = new Sequence();
        var activities = reports.Select(r => SarActivity(r, seq)).ToList();
        var total = reports.Sum(r => WholeDollars(r.Amount));
        var root = new XElement(
            Ns + "EFilingBatchXML",
            new XAttribute("TotalAmount", total.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("PartyCount", CountParties(activities)),
            new XAttribute("ActivityCount", activities.Count),
            new XAttribute("ActivityAttachmentCount", 0),
            new XAttribute("AttachmentCount", 0),
            new XAttribute(XNamespace.Xmlns + "fc2", Namespace),
            new XElement(Ns + "FormTypeCode", "SARX"),
            activities);
        return Document(root, $"fincen-sarx-{reports[0].FiledOn:yyyyMMdd}-{reports.Count}.xml");
    }

    /// <summary>The suspicious activity type and subtype FinCEN lists for a category, and the text an "Other" subtype needs.</summary>
    public static (int Type, int Subtype, string? OtherText) Classification(SuspiciousActivityCategory c) => c switch
    {
        SuspiciousActivityCategory.Structuring => (1, 114, null), // Transaction(s) below CTR threshold
        SuspiciousActivityCategory.UnusualAmount => (8, 812, null), // Transaction out of pattern for customer(s)
        SuspiciousActivityCategory.UnusualVelocity => (8, 812, null),
        SuspiciousActivityCategory.DormantReactivation => (8, 812, null),
        SuspiciousActivityCategory.FunnelAccount => (8, 824, null), // Funnel account
        SuspiciousActivityCategory.MuleDestination => (8, 809, null), // Suspicious use of third-party transactors (straw-man)
        SuspiciousActivityCategory.RapidMovement => (9, 925, null), // Transaction with no apparent economic, business, or lawful purpose
        SuspiciousActivityCategory.HighRiskJurisdiction => (9, 928, null), // Transaction(s) involving foreign high risk jurisdiction
        SuspiciousActivityCategory.CreditCycling => (9, 9999, "Credit cycling"),
        SuspiciousActivityCategory.TravelRuleIncomplete => (9, 9999, "Crypto travel-rule data missing"),
        _ => (9, 9999, "Other"),
    };

    private static Error? Check(IEnumerable<(string Ref, Currency Currency)> reports)
    {
        var list = reports.ToList();
        if (list.Count == 0)
        {
            return new Error("report.empty_batch", "A FinCEN batch holds at least one report.");
        }

        return list.FirstOrDefault(r => r.Currency != Currencies.USD) is { Ref: not null } other
            ? new Error("report.currency_unsupported", $"{other.Ref}: FinCEN BSA reports are in US dollars; this report is in {other.Currency.Code} (use another format for its jurisdiction).")
            : null;
    }

    private XElement CtrActivity(CurrencyTransactionReport r, Sequence seq)
    {
        var total = WholeDollars(r.TotalCashOut);
        var details = r.Cashouts
            .GroupBy(c => c.Gross.Currency == Currencies.USD ? null : c.DestinationCountry)
            .OrderBy(g => g.Key ?? "", StringComparer.Ordinal)
            .Select(g => seq.El(
                "CurrencyTransactionActivityDetail",
                El("CurrencyTransactionActivityDetailTypeCode", g.Key is null ? "56" : "54"), // Withdrawal(s) / Foreign currency out
                El("DetailTransactionAmountText", WholeDollars(Sum(g.Select(c => c.InReportCurrency))).ToString(CultureInfo.InvariantCulture)),
                El("OtherCurrencyTransactionActivityDetailText", ""),
                El("OtherForeignCurrencyCountryText", Text(g.Key, 2))))
            .ToList();
        var subject = r.Subject;
        return seq.El(
            "Activity",
            El("FilingDateText", Date(r.FiledOn)),
            seq.El("ActivityAssociation", El("CorrectsAmendsPriorReportIndicator", ""), El("FinCENDirectBackFileIndicator", ""), El("InitialReportIndicator", "Y")),
            TransmitterParty(seq),
            TransmitterContactParty(seq),
            FilerParty(seq, "30", r.Filer, []),
            ContactParty(seq, r.Filer, sar: false),
            FilerParty(seq, "34", r.Filer, [El("IndividualEntityCashOutAmountText", total.ToString(CultureInfo.InvariantCulture))]),
            seq.El(
                "Party",
                El("ActivityPartyTypeCode", "50"),
                subject.BirthDate is null ? El("BirthDateUnknownIndicator", "Y") : null,
                subject.BirthDate is { } born ? El("IndividualBirthDateText", Date(born)) : null,
                El("IndividualEntityCashOutAmountText", total.ToString(CultureInfo.InvariantCulture)),
                r.Cashouts.Count > 1 ? El("MultipleTransactionsPersonsIndividualsIndicator", "Y") : null,
                El("UnknownGenderIndicator", "Y"),
                PersonName(seq, subject),
                SubjectAddress(seq, subject.Address),
                Identifications(seq, subject.Identification),
                seq.El("Account", El("AccountNumberText", subject.Holder.Value.ToString("N")), seq.El("PartyAccountAssociation", El("PartyAccountAssociationTypeCode", "9")))),
            seq.El(
                "CurrencyTransactionActivity",
                El("AggregateTransactionIndicator", r.Cashouts.Count > 1 ? "Y" : ""),
                El("ArmoredCarServiceIndicator", ""),
                El("ATMIndicator", ""),
                El("MailDepositShipmentIndicator", ""),
                El("NightDepositIndicator", ""),
                El("SharedBranchingIndicator", ""),
                El("TotalCashInReceiveAmountText", ""),
                El("TotalCashOutAmountText", total.ToString(CultureInfo.InvariantCulture)),
                El("TransactionDateText", Date(r.TransactionDate)),
                details));
    }

    private XElement SarActivity(SuspiciousActivityReport r, Sequence seq)
    {
        var subject = r.Subject;
        var classifications = r.Categories
            .Select(Classification)
            .GroupBy(c => (c.Type, c.Subtype))
            .Select(g => seq.El(
                "SuspiciousActivityClassification",
                g.Key.Subtype % 1000 == 999 ? El("OtherSuspiciousActivityTypeText", Labels(g.Select(c => c.OtherText!).Distinct(), 50)) : null,
                El("SuspiciousActivitySubtypeID", g.Key.Subtype.ToString(CultureInfo.InvariantCulture)),
                El("SuspiciousActivityTypeID", g.Key.Type.ToString(CultureInfo.InvariantCulture))))
            .ToList();
        return seq.El(
            "Activity",
            El("FilingDateText", Date(r.FiledOn)),
            seq.El("ActivityAssociation", El("InitialReportIndicator", "Y")),
            TransmitterParty(seq),
            TransmitterContactParty(seq),
            FilerParty(seq, "30", r.Filer, []),
            ContactParty(seq, r.Filer, sar: true),
            FilerParty(seq, "34", r.Filer, [El("NoBranchActivityInvolvedIndicator", "Y"), El("PayLocationIndicator", "Y")]),
            seq.El(
                "Party",
                El("ActivityPartyTypeCode", "33"),
                subject.BirthDate is null ? El("BirthDateUnknownIndicator", "Y") : null,
                subject.BirthDate is { } born ? El("IndividualBirthDateText", Date(born)) : null,
                El("PayeeReceiverIndicator", "Y"),
                El("UnknownGenderIndicator", "Y"),
                PersonName(seq, subject),
                SubjectAddress(seq, subject.Address),
                Identifications(seq, subject.Identification),
                seq.El("PartyAssociation", El("CustomerIndicator", "Y"))),
            seq.El(
                "SuspiciousActivity",
                El("SuspiciousActivityFromDateText", Date(r.ActivityFrom)),
                El("SuspiciousActivityToDateText", Date(r.ActivityTo)),
                El("TotalSuspiciousAmountText", WholeDollars(r.Amount).ToString(CultureInfo.InvariantCulture)),
                classifications),
            NarrativeBlocks(r.Narrative).Select((block, i) => seq.El(
                "ActivityNarrativeInformation",
                El("ActivityNarrativeSequenceNumber", (i + 1).ToString(CultureInfo.InvariantCulture)),
                El("ActivityNarrativeText", block))));
    }

    private XElement TransmitterParty(Sequence seq) => seq.El(
        "Party",
        El("ActivityPartyTypeCode", "35"),
        OrganizationName(seq, transmitter.LegalName),
        OrganizationAddress(seq, transmitter.Address),
        seq.El("PhoneNumber", El("PhoneNumberText", Digits(transmitter.Phone, 16))),
        seq.El("PartyIdentification", El("PartyIdentificationNumberText", Digits(transmitter.Tin, 25)), El("PartyIdentificationTypeCode", "4")),
        seq.El("PartyIdentification", El("PartyIdentificationNumberText", Text(transmitter.ControlCode, 25)), El("PartyIdentificationTypeCode", "28")));

    private XElement TransmitterContactParty(Sequence seq) => seq.El("Party", El("ActivityPartyTypeCode", "37"), OrganizationName(seq, transmitter.ContactName));

    private static XElement FilerParty(Sequence seq, string role, ReportFiler filer, XElement[] indicators) => seq.El(
        "Party",
        El("ActivityPartyTypeCode", role),
        indicators,
        El("PrimaryRegulatorTypeCode", RegulatorIrs),
        OrganizationName(seq, filer.LegalName),
        OrganizationAddress(seq, filer.Address),
        seq.El("PartyIdentification", El("PartyIdentificationNumberText", Digits(filer.Tin, 25)), El("PartyIdentificationTypeCode", "2")),
        seq.El("OrganizationClassificationTypeSubtype", El("OrganizationTypeID", OrganizationMsb)));

    private static XElement ContactParty(Sequence seq, ReportFiler filer, bool sar) => seq.El(
        "Party",
        El("ActivityPartyTypeCode", "8"),
        OrganizationName(seq, filer.ContactOffice),
        seq.El("PhoneNumber", El("PhoneNumberText", Digits(filer.ContactPhone, 16)), sar ? El("PhoneNumberTypeCode", "W") : null));

    private static XElement OrganizationName(Sequence seq, string name) =>
        seq.El("PartyName", El("PartyNameTypeCode", "L"), El("RawPartyFullName", Text(name, 150)));

    private static XElement PersonName(Sequence seq, ReportSubject s)
    {
        var given = s.GivenName is { } g ? Text(g.Value, 35) : "";
        return seq.El(
            "PartyName",
            given.Length == 0 ? El("FirstNameUnknownIndicator", "Y") : null,
            El("PartyNameTypeCode", "L"),
            El("RawEntityIndividualLastName", Text(s.FamilyName.Value, 150)),
            given.Length == 0 ? null : El("RawIndividualFirstName", given));
    }

    private static XElement OrganizationAddress(Sequence seq, PostalAddress a) => SubjectAddress(seq, a);

    private static XElement SubjectAddress(Sequence seq, PostalAddress? a)
    {
        if (a is null)
        {
            return seq.El(
                "Address",
                El("CityUnknownIndicator", "Y"),
                El("CountryCodeUnknownIndicator", "Y"),
                El("StateCodeUnknownIndicator", "Y"),
                El("StreetAddressUnknownIndicator", "Y"),
                El("ZIPCodeUnknownIndicator", "Y"));
        }

        var region = Text(a.Region, 3);
        var zip = Alphanumeric(a.PostalCode, 9);
        return seq.El(
            "Address",
            El("RawCityText", Text(a.City, 50)),
            El("RawCountryCodeText", Text(a.Country, 2)),
            region.Length == 0 ? null : El("RawStateCodeText", region),
            El("RawStreetAddress1Text", Text(a.Street, 100)),
            zip.Length == 0 ? null : El("RawZIPCode", zip),
            region.Length == 0 ? El("StateCodeUnknownIndicator", "Y") : null,
            zip.Length == 0 ? El("ZIPCodeUnknownIndicator", "Y") : null);
    }

    /// <summary>The identification presented, and "TIN unknown" when it is not a US taxpayer number.</summary>
    private static IEnumerable<XElement> Identifications(Sequence seq, SubjectIdentification? id)
    {
        if (id is not null)
        {
            var (code, other) = id.Kind switch
            {
                IdentificationKind.TaxId => ("1", null),
                IdentificationKind.DriversLicence => ("5", null),
                IdentificationKind.Passport => ("6", null),
                IdentificationKind.ForeignId => ("9", null),
                _ => ("999", "Other identification"),
            };
            yield return seq.El(
                "PartyIdentification",
                id.Kind == IdentificationKind.TaxId ? null : El("OtherIssuerCountryText", Text(id.IssuerCountry, 2)),
                id.Kind == IdentificationKind.DriversLicence && !string.IsNullOrWhiteSpace(id.IssuerRegion) ? El("OtherIssuerStateText", Text(id.IssuerRegion, 3)) : null,
                other is null ? null : El("OtherPartyIdentificationTypeText", other),
                El("PartyIdentificationNumberText", Alphanumeric(id.Number, 25)),
                El("PartyIdentificationTypeCode", code));
        }

        if (id?.Kind != IdentificationKind.TaxId)
        {
            yield return seq.El("PartyIdentification", El("TINUnknownIndicator", "Y"));
        }
    }

    /// <summary>The narrative in FinCEN's blocks: four of up to 4,000 characters, then one of up to 1,000.</summary>
    private static IEnumerable<string> NarrativeBlocks(string narrative)
    {
        for (var start = 0; start < narrative.Length; start += 4000)
        {
            yield return narrative.Substring(start, Math.Min(4000, narrative.Length - start));
        }
    }

    /// <summary>The labels joined with "; ", as many whole labels as fit in <paramref name="max"/> characters (the narrative says the rest).</summary>
    private static string Labels(IEnumerable<string> labels, int max)
    {
        var text = "";
        foreach (var label in labels)
        {
            var next = text.Length == 0 ? label : $"{text}; {label}";
            if (next.Length > max)
            {
                break;
            }

            text = next;
        }

        return text.Length == 0 ? Text(labels.First(), max) : text;
    }

    /// <summary>Numbers the elements that carry a SeqNum in document order (the schemas require them unique in the batch).</summary>
    private static Result<ReportDocument> Document(XElement root, string fileName)
    {
        long seqNum = 1;
        foreach (var e in root.DescendantsAndSelf().Where(e => e.Attribute("SeqNum") is not null))
        {
            e.SetAttributeValue("SeqNum", seqNum++);
        }

        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n" };
        using (var writer = XmlWriter.Create(stream, settings))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(writer);
        }

        return new ReportDocument(fileName, "application/xml", stream.ToArray());
    }

    private static int CountParties(IEnumerable<XElement> activities) => activities.Sum(a => a.Elements(Ns + "Party").Count());

    private static XElement El(string name, object? content) => new(Ns + name, content);

    private static string Date(DateOnly d) => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static Money Sum(IEnumerable<Money> amounts) => amounts.Aggregate((a, b) => a + b);

    /// <summary>Whole US dollars, rounded up (FinCEN: "record all U.S. Dollar amounts rounded up to the next whole dollar").</summary>
    private static long WholeDollars(Money m)
    {
        var per = m.Currency.LedgerUnitsPerMajor;
        return m.Units <= 0 ? 0 : checked((m.Units / per) + (m.Units % per == 0 ? 0 : 1));
    }

    /// <summary>White space collapsed to single spaces, trimmed, cut to <paramref name="max"/> characters (the schemas' <c>\S+( +\S+)*|</c>).</summary>
    private static string Text(string? s, int max)
    {
        if (string.IsNullOrWhiteSpace(s))
        {
            return "";
        }

        var collapsed = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= max ? collapsed : collapsed[..max].TrimEnd();
    }

    private static string Digits(string? s, int max) => Keep(s, char.IsAsciiDigit, max);

    private static string Alphanumeric(string? s, int max) => Keep(s, char.IsAsciiLetterOrDigit, max);

    private static string Keep(string? s, Func<char, bool> keep, int max)
    {
        var kept = new string((s ?? "").Where(keep).ToArray());
        return kept.Length <= max ? kept : kept[..max];
    }

    /// <summary>Builds the elements that carry a SeqNum; <see cref="Document"/> numbers them in document order.</summary>
    private sealed class Sequence
    {
        public XElement El(string name, params object?[] content) =>
            new(Ns + name, new XAttribute("SeqNum", 0), content);
    }
}
