using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// The stored form of a <see cref="SanctionsEntry"/> without its list and entry ids (the store keeps those as columns):
/// one JSON document with names, aliases, birth dates, nationalities, countries, addresses, programmes and remarks, and
/// the SHA-256 of that document, which tells one version of an entry from another when a list is imported again.
/// </summary>
public static class SanctionsEntryJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The document; the same entry always gives the same text (field order and formatting are fixed).</summary>
    public static string Write(SanctionsEntry e) => JsonSerializer.Serialize(
        new Body(1, e.Reference, e.Type.ToString().ToLowerInvariant(), e.PrimaryName, e.Aliases, e.WeakAliases,
            e.BirthDates.Select(d => new Dob(d.FromYear, d.ToYear, d.Month, d.Day, d.Approximate ? true : null)).ToArray(),
            e.Nationalities, e.Countries, e.Addresses, e.Programs, e.Remarks),
        Options);

    /// <summary>SHA-256 (lower-case hex) of <paramref name="document"/> as UTF-8.</summary>
    public static string Hash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));

    /// <summary>Reads what <see cref="Write"/> wrote back into the entry of <paramref name="listId"/> with <paramref name="entryId"/>.</summary>
    public static SanctionsEntry Read(string listId, string entryId, string document)
    {
        var b = JsonSerializer.Deserialize<Body>(document, Options) ?? throw new InvalidDataException("empty sanctions entry");
        if (b.V != 1)
        {
            throw new InvalidDataException("unknown sanctions entry format");
        }

        var type = Enum.TryParse<SanctionsEntryType>(b.Type, ignoreCase: true, out var t) ? t : throw new InvalidDataException("unknown entry type");
        return new SanctionsEntry(listId, entryId, b.Reference, type, b.PrimaryName, b.Aliases ?? [], b.WeakAliases ?? [],
            (b.BirthDates ?? []).Select(ToListed).ToArray(), b.Nationalities ?? [], b.Countries ?? [], b.Programs ?? [], b.Remarks)
        {
            Addresses = b.Addresses ?? [],
        };
    }

    private static ListedBirthDate ToListed(Dob d)
    {
        var approx = d.Approximate ?? false;
        if (d.Month is { } m && d.Day is { } day)
        {
            return ListedBirthDate.Exact(new DateOnly(d.From, m, day));
        }

        if (d.Month is { } month)
        {
            return ListedBirthDate.YearMonth(d.From, month, approx);
        }

        return d.From == d.To ? ListedBirthDate.Year(d.From, approx) : ListedBirthDate.Between(d.From, d.To, approx);
    }

    private sealed record Body(
        int V,
        string? Reference,
        string Type,
        string PrimaryName,
        IReadOnlyList<string>? Aliases,
        IReadOnlyList<string>? WeakAliases,
        IReadOnlyList<Dob>? BirthDates,
        IReadOnlyList<string>? Nationalities,
        IReadOnlyList<string>? Countries,
        IReadOnlyList<string>? Addresses,
        IReadOnlyList<string>? Programs,
        string? Remarks);

    private sealed record Dob(int From, int To, int? Month, int? Day, bool? Approximate);
}
