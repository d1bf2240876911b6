using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;

namespace SmallChange.Core.Compliance.Kyc;

/// <summary>The identity document a holder presents. Serialised by its snake_case name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DocumentType>))]
public enum DocumentType
{
    [JsonStringEnumMemberName("passport")]
    Passport,

    [JsonStringEnumMemberName("national_id")]
    NationalId,

    [JsonStringEnumMemberName("driving_licence")]
    DrivingLicence,

    [JsonStringEnumMemberName("residence_permit")]
    ResidencePermit,
}

/// <summary>The stable wire names of <see cref="DocumentType"/>.</summary>
public static class DocumentTypes
{
    public static string ToWireName(this DocumentType t) => t switch
    {
        DocumentType.Passport => "passport",
        DocumentType.NationalId => "national_id",
        DocumentType.DrivingLicence => "driving_licence",
        DocumentType.ResidencePermit => "residence_permit",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static DocumentType? FromWireName(string? name) => name switch
    {
        "passport" => DocumentType.Passport,
        "national_id" => DocumentType.NationalId,
        "driving_licence" or "driving_license" => DocumentType.DrivingLicence,
        "residence_permit" => DocumentType.ResidencePermit,
        _ => null,
    };
}

/// <summary>A postal address as the holder gives it. Personal data: <see cref="ToString"/> redacts.</summary>
/// <param name="Country">ISO 3166-1 alpha-2, upper case.</param>
public sealed record PostalAddress(string Line1, string? Line2, string City, string? Region, string? PostalCode, string Country)
{
    public override string ToString() => $"PostalAddress {{ [redacted], Country = {Country} }}";
}

/// <summary>
/// What a holder submits to be verified: legal name, date of birth, nationality, address, the identity document and,
/// for enhanced due diligence (tier 2), where the money comes from. Personal data through and through: it is stored in
/// one place (the submission's identity column), never logged, and <see cref="ToString"/> redacts every field.
/// Built by <see cref="Create"/>, which validates.
/// </summary>
/// <param name="Nationality">ISO 3166-1 alpha-2, upper case.</param>
/// <param name="DocumentNumber">As printed on the document, trimmed, upper case.</param>
/// <param name="DocumentCountry">The issuing country (ISO alpha-2): the nationality unless given.</param>
/// <param name="SourceOfFunds">Required for tier 2: where the balances come from, in the holder's words.</param>
public sealed record IdentityData(
    PersonName LegalName,
    DateOnly DateOfBirth,
    string Nationality,
    PostalAddress Address,
    DocumentType DocumentType,
    string DocumentNumber,
    string DocumentCountry,
    string? SourceOfFunds)
{
    /// <summary>Longest free-text field (name, address line, source of funds).</summary>
    public const int MaxText = 200;

    /// <summary>The document number masked for lists: <c>••••1234</c>.</summary>
    public string MaskedDocumentNumber => "••••" + DocumentNumber[Math.Max(0, DocumentNumber.Length - 4)..];

    public override string ToString() =>
        $"IdentityData {{ LegalName = [redacted], DateOfBirth = [redacted], Nationality = [redacted], Address = [redacted], DocumentType = {DocumentType.ToWireName()}, DocumentNumber = [redacted] }}";

    /// <summary>
    /// Validates <paramref name="input"/> for <paramref name="targetTier"/> at <paramref name="now"/>. Errors (field in
    /// snake_case): <c>kyc.tier_invalid</c>, <c>kyc.legal_name_invalid</c>, <c>kyc.date_of_birth_invalid</c>,
    /// <c>kyc.nationality_invalid</c>, <c>kyc.address_invalid</c>, <c>kyc.document_type_invalid</c>,
    /// <c>kyc.document_number_invalid</c>, <c>kyc.source_of_funds_required</c>. Messages never repeat the input.
    /// </summary>
    public static Result<IdentityData> Create(IdentityInput input, int targetTier, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (targetTier is not (1 or 2))
        {
            return new Error("kyc.tier_invalid", "target_tier is 1 (verified identity) or 2 (enhanced due diligence).", "target_tier");
        }

        if (Text(input.LegalName, MaxText) is not { } name)
        {
            return new Error("kyc.legal_name_invalid", $"legal_name is required: 1 to {MaxText} characters without control characters.", "legal_name");
        }

        if (!DateOnly.TryParseExact(input.DateOfBirth?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob)
            || dob.Year < 1900 || dob > DateOnly.FromDateTime(now.UtcDateTime))
        {
            return new Error("kyc.date_of_birth_invalid", "date_of_birth is a past date written YYYY-MM-DD.", "date_of_birth");
        }

        if (Country(input.Nationality) is not { } nationality)
        {
            return new Error("kyc.nationality_invalid", "nationality is an ISO 3166-1 alpha-2 code such as KR.", "nationality");
        }

        var a = input.Address;
        if (a is null)
        {
            return new Error("kyc.address_invalid", "address is required: line1, city and country (line2, region and postal_code optional).", "address");
        }

        if (Text(a.Line1, MaxText) is not { } line1)
        {
            return new Error("kyc.address_invalid", $"address.line1 is required: 1 to {MaxText} characters.", "address.line1");
        }

        if (Text(a.City, 100) is not { } city)
        {
            return new Error("kyc.address_invalid", "address.city is required: 1 to 100 characters.", "address.city");
        }

        if (Country(a.Country) is not { } addressCountry)
        {
            return new Error("kyc.address_invalid", "address.country is an ISO 3166-1 alpha-2 code.", "address.country");
        }

        string? line2 = null, region = null, postal = null;
        if (a.Line2 is { } l2 && (line2 = Optional(l2, MaxText, out var bad2)) is null && bad2)
        {
            return new Error("kyc.address_invalid", $"address.line2 is at most {MaxText} characters without control characters.", "address.line2");
        }

        if (a.Region is { } rg && (region = Optional(rg, 100, out var badR)) is null && badR)
        {
            return new Error("kyc.address_invalid", "address.region is at most 100 characters without control characters.", "address.region");
        }

        if (a.PostalCode is { } pc && (postal = Optional(pc, 16, out var badP)) is null && badP)
        {
            return new Error("kyc.address_invalid", "address.postal_code is at most 16 characters without control characters.", "address.postal_code");
        }

        if (DocumentTypes.FromWireName(input.DocumentType?.Trim()) is not { } docType)
        {
            return new Error("kyc.document_type_invalid", "document_type is passport, national_id, driving_licence or residence_permit.", "document_type");
        }

        var number = input.DocumentNumber?.Trim().ToUpperInvariant();
        if (number is null || number.Length is < 4 or > 32 || !number.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or ' '))
        {
            return new Error("kyc.document_number_invalid", "document_number is 4 to 32 letters, digits, spaces or hyphens, as printed on the document.", "document_number");
        }

        var docCountry = nationality;
        if (!string.IsNullOrWhiteSpace(input.DocumentCountry))
        {
            if (Country(input.DocumentCountry) is not { } issuer)
            {
                return new Error("kyc.document_country_invalid", "document_country is an ISO 3166-1 alpha-2 code.", "document_country");
            }

            docCountry = issuer;
        }

        string? funds = null;
        if (input.SourceOfFunds is { } sf && (funds = Optional(sf, 500, out var badF)) is null && badF)
        {
            return new Error("kyc.source_of_funds_invalid", "source_of_funds is at most 500 characters without control characters.", "source_of_funds");
        }

        if (targetTier == 2 && funds is null)
        {
            return new Error("kyc.source_of_funds_required", "Enhanced due diligence (tier 2) needs source_of_funds: where the balances come from.", "source_of_funds");
        }

        return new IdentityData(new PersonName(name), dob, nationality, new PostalAddress(line1, line2, city, region, postal, addressCountry), docType, number, docCountry, funds);
    }

    private static string? Country(string? code)
    {
        var c = code?.Trim().ToUpperInvariant();
        return c is not null && CountryCodes.All.Contains(c) ? c : null;
    }

    /// <summary>Trimmed text of 1..max characters with no control or invisible format characters (ZWNJ and ZWJ allowed), else null.</summary>
    private static string? Text(string? value, int max)
    {
        var t = value?.Trim().Normalize(NormalizationForm.FormC);
        if (string.IsNullOrEmpty(t) || t.Length > max)
        {
            return null;
        }

        foreach (var ch in t)
        {
            var cat = char.GetUnicodeCategory(ch);
            if (cat is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || (cat == UnicodeCategory.Format && ch is not ('\u200C' or '\u200D')))
            {
                return null;
            }
        }

        return t;
    }

    /// <summary>An optional field: null when blank (not bad), the text when valid, null and <paramref name="bad"/> when invalid.</summary>
    private static string? Optional(string value, int max, out bool bad)
    {
        bad = false;
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var t = Text(value, max);
        bad = t is null;
        return t;
    }
}

/// <summary>Identity data as received, unvalidated. Personal data: <see cref="ToString"/> redacts.</summary>
public sealed record IdentityInput(
    string? LegalName,
    string? DateOfBirth,
    string? Nationality,
    AddressInput? Address,
    string? DocumentType,
    string? DocumentNumber,
    string? DocumentCountry = null,
    string? SourceOfFunds = null)
{
    public override string ToString() => "IdentityInput { [redacted] }";
}

/// <summary>An address as received, unvalidated. Personal data: <see cref="ToString"/> redacts.</summary>
public sealed record AddressInput(string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country)
{
    public override string ToString() => "AddressInput { [redacted] }";
}
