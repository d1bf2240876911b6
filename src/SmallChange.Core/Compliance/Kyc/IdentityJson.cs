using System.Globalization;
using System.Text.Json;
using SmallChange.Core.Holders;

namespace SmallChange.Core.Compliance.Kyc;

/// <summary>
/// The stored form of <see cref="IdentityData"/>: one JSON document, so the identity lives in one column that can be
/// encrypted at rest as a whole. Field names are fixed here (not derived from the record), so renaming a property never
/// changes what is stored.
/// </summary>
public static class IdentityJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Write(IdentityData d) => JsonSerializer.Serialize(
        new Stored(1, d.LegalName.Value, d.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Nationality,
            new StoredAddress(d.Address.Line1, d.Address.Line2, d.Address.City, d.Address.Region, d.Address.PostalCode, d.Address.Country),
            d.DocumentType.ToWireName(), d.DocumentNumber, d.DocumentCountry, d.SourceOfFunds),
        Options);

    /// <summary>Reads what <see cref="Write"/> wrote; anything else is corrupt data (throws).</summary>
    public static IdentityData Read(string json)
    {
        var s = JsonSerializer.Deserialize<Stored>(json, Options) ?? throw new InvalidDataException("empty identity");
        if (s.V != 1 || s.Address is null)
        {
            throw new InvalidDataException("unknown identity format");
        }

        return new IdentityData(
            new PersonName(s.LegalName),
            DateOnly.ParseExact(s.DateOfBirth, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            s.Nationality,
            new PostalAddress(s.Address.Line1, s.Address.Line2, s.Address.City, s.Address.Region, s.Address.PostalCode, s.Address.Country),
            DocumentTypes.FromWireName(s.DocumentType) ?? throw new InvalidDataException("unknown document type"),
            s.DocumentNumber,
            s.DocumentCountry,
            s.SourceOfFunds);
    }

    private sealed record Stored(int V, string LegalName, string DateOfBirth, string Nationality, StoredAddress Address, string DocumentType, string DocumentNumber, string DocumentCountry, string? SourceOfFunds)
    {
        public override string ToString() => $"Stored {{ V = {V}, [redacted] }}";
    }

    private sealed record StoredAddress(string Line1, string? Line2, string City, string? Region, string? PostalCode, string Country)
    {
        public override string ToString() => "StoredAddress { [redacted] }";
    }
}
