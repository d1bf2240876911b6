using SmallChange.Core.Common;
using SmallChange.Core.Holders;

namespace SmallChange.Core.Compliance.Reports;

/// <summary>A postal address. Personal data when it is a person's: <see cref="ToString"/> shows only the country.</summary>
/// <param name="Region">State, province or 도/시 code where the country uses one (US: the two-letter state).</param>
/// <param name="Country">ISO 3166 alpha-2.</param>
public sealed record PostalAddress(string Street, string City, string? Region, string? PostalCode, string Country)
{
    public override string ToString() => $"PostalAddress {{ Country = {Country} }}";
}

/// <summary>The licensed operator that files the report (not personal data).</summary>
/// <param name="Tin">The filer's taxpayer identification number (in the US its EIN, nine digits).</param>
/// <param name="ContactOffice">The office to contact about the report (a department, not a person).</param>
public sealed record ReportFiler(string LegalName, string Tin, PostalAddress Address, string ContactOffice, string ContactPhone);

/// <summary>Kinds of identification a subject presented at KYC.</summary>
public enum IdentificationKind
{
    /// <summary>A taxpayer number (US SSN or ITIN).</summary>
    TaxId,
    Passport,
    DriversLicence,

    /// <summary>A foreign national identity document (for example a Korean resident registration card).</summary>
    ForeignId,
    Other,
}

/// <summary>An identification document's kind, number and issuer. Personal data: <see cref="ToString"/> redacts the number.</summary>
public sealed record SubjectIdentification(IdentificationKind Kind, string Number, string? IssuerCountry, string? IssuerRegion)
{
    public override string ToString() => $"SubjectIdentification {{ Kind = {Kind}, Number = [redacted] }}";
}

/// <summary>
/// The person a report is about: the holder and what KYC knows of them. Unknown parts are null (reports then mark them
/// unknown). Personal data throughout: <see cref="ToString"/> shows only the holder id.
/// </summary>
public sealed record ReportSubject(
    HolderId Holder,
    PersonName FamilyName,
    PersonName? GivenName,
    DateOnly? BirthDate,
    PostalAddress? Address,
    SubjectIdentification? Identification)
{
    public override string ToString() => $"ReportSubject {{ Holder = {Holder} }}";
}
