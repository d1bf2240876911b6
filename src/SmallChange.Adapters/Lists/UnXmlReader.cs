using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Adapters.Lists;

/// <summary>
/// Reads the UN Security Council consolidated list in its official XML format
/// (<c>CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL</c> and <c>ENTITIES/ENTITY</c>, as at scsanctions.un.org):
/// <list type="bullet">
/// <item>name: FIRST_NAME … FOURTH_NAME joined; an entity name holding several names separated by <c>;</c> gives the
/// first as primary and the rest as aliases; NAME_ORIGINAL_SCRIPT is an alias;</item>
/// <item>aliases: INDIVIDUAL_ALIAS / ENTITY_ALIAS with ALIAS_NAME; quality <c>Low</c> goes to the weak aliases;</item>
/// <item>dates of birth: INDIVIDUAL_DATE_OF_BIRTH with TYPE_OF_DATE EXACT / APPROXIMATELY / BETWEEN and DATE, YEAR,
/// FROM_YEAR, TO_YEAR;</item>
/// <item>NATIONALITY values, and the countries of addresses and places of birth; each address also as one line (street,
/// city, state or province, postal code, country, note);</item>
/// <item>UN_LIST_TYPE as the programme, REFERENCE_NUMBER as the reference, COMMENTS1 as remarks;
/// <c>dateGenerated</c> as the publication time.</item>
/// </list>
/// Elements are matched by local name, so a namespaced variant of the format reads the same. DTDs are refused.
/// </summary>
public static class UnXmlReader
{
    public const string ListId = "un";

    public static Result<SanctionsList> ReadFile(string path) =>
        File.Exists(path) ? Read(ListSourceFile.Read(path)) : new Error("lists.not_found", $"{ListId}: {Path.GetFileName(path)} not found.");

    public static Result<SanctionsList> Read(ListSourceFile file)
    {
        XDocument doc;
        try
        {
            using var stream = new MemoryStream(file.Content, writable: false);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            return new Error("lists.malformed", $"{ListId}: not well-formed XML ({e.Message}).");
        }

        var root = doc.Root;
        if (root is null || root.Name.LocalName != "CONSOLIDATED_LIST")
        {
            return new Error("lists.malformed", $"{ListId}: the root element is not CONSOLIDATED_LIST.");
        }

        DateTimeOffset? published = DateTimeOffset.TryParse((string?)root.Attribute("dateGenerated"), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var p) ? p : null;
        var entries = new List<SanctionsEntry>();
        foreach (var e in root.Descendants())
        {
            var kind = e.Name.LocalName;
            if (kind is not ("INDIVIDUAL" or "ENTITY"))
            {
                continue;
            }

            if (ReadEntry(e, kind == "INDIVIDUAL") is { } entry)
            {
                entries.Add(entry);
            }
        }

        return new SanctionsList(ListId, ListSourceFile.Version([file], published), entries);
    }

    private static SanctionsEntry? ReadEntry(XElement e, bool person)
    {
        var id = Text(e, "DATAID");
        var nameParts = new[] { "FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME" }.Select(n => Text(e, n)).OfType<string>().ToArray();
        if (id is null || nameParts.Length == 0)
        {
            return null;
        }

        var aliases = new List<string>();
        string primary;
        if (!person && nameParts.Length == 1 && nameParts[0].Contains(';', StringComparison.Ordinal))
        {
            var names = nameParts[0].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            primary = names[0];
            aliases.AddRange(names.Skip(1));
        }
        else
        {
            primary = string.Join(' ', nameParts);
        }

        if (Text(e, "NAME_ORIGINAL_SCRIPT") is { } original)
        {
            aliases.Add(original);
        }

        var weak = new List<string>();
        foreach (var a in Children(e, person ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS"))
        {
            if (Text(a, "ALIAS_NAME") is not { } alias)
            {
                continue;
            }

            if (string.Equals(Text(a, "QUALITY"), "Low", StringComparison.OrdinalIgnoreCase))
            {
                weak.Add(alias);
            }
            else
            {
                aliases.Add(alias);
            }
        }

        var dobs = new List<ListedBirthDate>();
        foreach (var d in Children(e, "INDIVIDUAL_DATE_OF_BIRTH"))
        {
            if (ReadDob(d) is { } dob)
            {
                dobs.Add(dob);
            }
        }

        var nationalities = Children(e, "NATIONALITY").SelectMany(n => Children(n, "VALUE")).Select(v => CountryNames.ToCode(v.Value)).OfType<string>();
        var countries = Children(e, person ? "INDIVIDUAL_ADDRESS" : "ENTITY_ADDRESS")
            .Concat(Children(e, "INDIVIDUAL_PLACE_OF_BIRTH"))
            .Select(a => CountryNames.ToCode(Text(a, "COUNTRY")))
            .OfType<string>();
        var addresses = Children(e, person ? "INDIVIDUAL_ADDRESS" : "ENTITY_ADDRESS")
            .Select(a => string.Join(", ", new[] { "STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE" }.Select(n => Text(a, n)).OfType<string>()))
            .Where(line => line.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var program = Text(e, "UN_LIST_TYPE");
        return new SanctionsEntry(
            ListId,
            id,
            Text(e, "REFERENCE_NUMBER"),
            person ? SanctionsEntryType.Person : SanctionsEntryType.Entity,
            primary,
            aliases.Where(a => !string.Equals(a, primary, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToArray(),
            weak.Distinct(StringComparer.Ordinal).ToArray(),
            dobs.Distinct().ToArray(),
            nationalities.Distinct(StringComparer.Ordinal).ToArray(),
            countries.Distinct(StringComparer.Ordinal).ToArray(),
            program is null ? [] : [program],
            Text(e, "COMMENTS1"))
        {
            Addresses = addresses,
        };
    }

    private static ListedBirthDate? ReadDob(XElement d)
    {
        var type = Text(d, "TYPE_OF_DATE")?.ToUpperInvariant();
        var approx = type == "APPROXIMATELY";
        try
        {
            if (type == "BETWEEN" && Int(Text(d, "FROM_YEAR")) is { } from && Int(Text(d, "TO_YEAR")) is { } to && to >= from)
            {
                return ListedBirthDate.Between(from, to, approx);
            }

            if (Text(d, "DATE") is { } date && DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact))
            {
                return approx ? ListedBirthDate.Year(exact.Year, true) : ListedBirthDate.Exact(exact);
            }

            if (Int(Text(d, "YEAR")) is { } year)
            {
                return ListedBirthDate.Year(year, approx);
            }

            if (Int(Text(d, "FROM_YEAR")) is { } f && Int(Text(d, "TO_YEAR")) is { } t && t >= f)
            {
                return ListedBirthDate.Between(f, t, approx);
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // A year outside 1800–2200 is a typo in the list: ignore that date.
        }

        return null;
    }

    private static IEnumerable<XElement> Children(XElement e, string localName) => e.Elements().Where(c => c.Name.LocalName == localName);

    private static string? Text(XElement e, string localName)
    {
        var c = e.Elements().FirstOrDefault(x => x.Name.LocalName == localName);
        var v = c?.Value.Trim();
        return string.IsNullOrEmpty(v) ? null : v;
    }

    private static int? Int(string? s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
