using System.Globalization;
using System.Text.RegularExpressions;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Adapters.Lists;

/// <summary>
/// Reads OFAC lists in OFAC's legacy CSV layout (no header row; <c>-0-</c> is null), as published for the SDN list
/// (<c>sdn.csv</c>, <c>alt.csv</c>, <c>add.csv</c>, <c>sdn_comments.csv</c>) and the consolidated non-SDN list
/// (<c>cons_prim.csv</c>, <c>cons_alt.csv</c>, <c>cons_add.csv</c>, <c>cons_comments.csv</c>).
/// <list type="bullet">
/// <item>primary: ent_num, SDN_Name, SDN_Type (individual / vessel / aircraft / null = entity), Program
/// (<c>SDGT] [IRGC</c> for several), Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks;</item>
/// <item>aliases: ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks — all strong aliases;</item>
/// <item>addresses: ent_num, add_num, address, city/state/postal code, country, add_remarks — kept as one line each, and
/// the country for matching;</item>
/// <item>comments: ent_num, the rest of a remarks field longer than OFAC's 1,000-character column (appended as is).</item>
/// </list>
/// From the remarks: <c>DOB …</c> (exact, month, year, circa, spans), <c>nationality …</c> and <c>citizen …</c>,
/// <c>POB …</c> (its country), and <c>a.k.a. '…'</c>, which OFAC uses for weak aliases.
/// Aliases, addresses and comments files are optional. Columns beyond the layout are ignored, so a newer file with extra
/// columns still reads.
/// </summary>
public static partial class OfacCsvReader
{
    public const string SdnListId = "ofac_sdn";
    public const string ConsolidatedListId = "ofac_cons";

    public static readonly string[] SdnFiles = ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"];
    public static readonly string[] ConsolidatedFiles = ["cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"];

    /// <summary>Reads the SDN list from a folder holding <c>sdn.csv</c> (and optionally the other three files).</summary>
    public static Result<SanctionsList> ReadSdnFolder(string folder) => ReadFolder(SdnListId, folder, SdnFiles);

    /// <summary>Reads the consolidated list from a folder holding <c>cons_prim.csv</c> (and optionally the others).</summary>
    public static Result<SanctionsList> ReadConsolidatedFolder(string folder) => ReadFolder(ConsolidatedListId, folder, ConsolidatedFiles);

    /// <summary>
    /// Reads a list from file contents: <paramref name="primary"/> is required, the others may be null.
    /// The version hashes every file given.
    /// </summary>
    public static Result<SanctionsList> Read(string listId, ListSourceFile primary, ListSourceFile? aliases, ListSourceFile? addresses, ListSourceFile? comments)
    {
        try
        {
            var version = ListSourceFile.Version(new[] { primary, aliases, addresses, comments }.OfType<ListSourceFile>(), null);
            return new SanctionsList(listId, version, Parse(listId, primary, aliases, addresses, comments));
        }
        catch (FormatException e)
        {
            return new Error("lists.malformed", $"{listId}: {e.Message}");
        }
    }

    private static Result<SanctionsList> ReadFolder(string listId, string folder, string[] names)
    {
        ListSourceFile? Find(string name)
        {
            // OFAC has published these names in upper and lower case.
            var path = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder).FirstOrDefault(f => string.Equals(Path.GetFileName(f), name, StringComparison.OrdinalIgnoreCase))
                : null;
            return path is null ? null : ListSourceFile.Read(path);
        }

        var primary = Find(names[0]);
        if (primary is null)
        {
            return new Error("lists.not_found", $"{listId}: {names[0]} not found in the folder.");
        }

        return Read(listId, primary, Find(names[1]), Find(names[2]), Find(names[3]));
    }

    private static List<SanctionsEntry> Parse(string listId, ListSourceFile primary, ListSourceFile? aliasesFile, ListSourceFile? addressesFile, ListSourceFile? commentsFile)
    {
        var aliases = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (aliasesFile is not null)
        {
            foreach (var r in CsvRecords.Parse(aliasesFile.Text()))
            {
                if (r.Length >= 4 && Value(r[0]) is { } id && Value(r[3]) is { } name)
                {
                    Add(aliases, id, name);
                }
            }
        }

        var countries = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (addressesFile is not null)
        {
            foreach (var r in CsvRecords.Parse(addressesFile.Text()))
            {
                if (r.Length < 2 || Value(r[0]) is not { } id)
                {
                    continue;
                }

                if (r.Length >= 5 && CountryNames.ToCode(Value(r[4])) is { } code)
                {
                    Add(countries, id, code);
                }

                // address, city/state/postal code, country, remarks: the line as OFAC writes it.
                var line = string.Join(", ", new[] { At(r, 2), At(r, 3), At(r, 4), At(r, 5) }.OfType<string>());
                if (line.Length > 0)
                {
                    Add(addresses, id, line);
                }
            }
        }

        var comments = new Dictionary<string, string>(StringComparer.Ordinal);
        if (commentsFile is not null)
        {
            foreach (var r in CsvRecords.Parse(commentsFile.Text()))
            {
                if (r.Length >= 2 && Value(r[0]) is { } id && r[1].Length > 0)
                {
                    comments[id] = comments.TryGetValue(id, out var prev) ? prev + r[1] : r[1];
                }
            }
        }

        var entries = new List<SanctionsEntry>();
        var record = 0;
        foreach (var r in CsvRecords.Parse(primary.Text()))
        {
            record++;
            if (r.Length < 2 || Value(r[0]) is not { } id || Value(r[1]) is not { } name)
            {
                throw new FormatException($"{primary.Name} record {record}: no entry number or name.");
            }

            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new FormatException($"{primary.Name} record {record}: the entry number is not a number (is this a file with a header row?).");
            }

            var remarks = At(r, 11);
            if (comments.TryGetValue(id, out var more))
            {
                remarks = (remarks ?? "") + more;
            }

            var type = At(r, 2)?.ToLowerInvariant() switch
            {
                "individual" => SanctionsEntryType.Person,
                "vessel" => SanctionsEntryType.Vessel,
                "aircraft" => SanctionsEntryType.Aircraft,
                _ => SanctionsEntryType.Entity,
            };
            var programs = (At(r, 3) ?? "").Split("] [", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Trim('[', ']', ' ')).Where(p => p.Length > 0).ToArray();
            var info = RemarksInfo.Parse(remarks);
            var other = new List<string>(countries.TryGetValue(id, out var c) ? c : []);
            if (CountryNames.ToCode(At(r, 9)) is { } flag)
            {
                other.Add(flag);
            }

            other.AddRange(info.Countries);
            entries.Add(new SanctionsEntry(
                listId,
                id,
                null,
                type,
                name,
                aliases.TryGetValue(id, out var a) ? a.Distinct(StringComparer.Ordinal).ToArray() : [],
                info.WeakAliases,
                info.BirthDates,
                info.Nationalities,
                other.Distinct(StringComparer.Ordinal).ToArray(),
                programs,
                remarks)
            {
                Addresses = addresses.TryGetValue(id, out var lines) ? lines.Distinct(StringComparer.Ordinal).ToArray() : [],
            });
        }

        return entries;
    }

    /// <summary>
    /// A date of birth as OFAC's remarks write it: <c>12 Jan 1960</c>, <c>Jan 1960</c>, <c>1960</c>, <c>circa 1960</c>,
    /// <c>1958 to 1962</c>, <c>circa 1958-1962</c>, <c>12 Jan 1958 to 12 Jan 1962</c>; null for anything else.
    /// </summary>
    public static ListedBirthDate? ParseDob(string text) => RemarksInfo.ParseDob(text);

    private static void Add(Dictionary<string, List<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    private static string? At(string[] r, int i) => i < r.Length ? Value(r[i]) : null;

    /// <summary>A field's value: trimmed, null for OFAC's <c>-0-</c> or empty.</summary>
    internal static string? Value(string field)
    {
        var t = field.Trim();
        return t.Length == 0 || t == "-0-" ? null : t;
    }

    /// <summary>What the remarks field says about identity.</summary>
    internal sealed partial record RemarksInfo(ListedBirthDate[] BirthDates, string[] Nationalities, string[] Countries, string[] WeakAliases)
    {
        private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

        public static RemarksInfo Parse(string? remarks)
        {
            if (string.IsNullOrEmpty(remarks))
            {
                return new RemarksInfo([], [], [], []);
            }

            var dobs = new List<ListedBirthDate>();
            var nats = new List<string>();
            var countries = new List<string>();
            var weak = new List<string>();
            foreach (var part in remarks.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var p = part.StartsWith("alt. ", StringComparison.OrdinalIgnoreCase) ? part[5..].TrimStart() : part;
                if (p.StartsWith("DOB ", StringComparison.Ordinal))
                {
                    if (ParseDob(p[4..].TrimEnd('.', ' ')) is { } d)
                    {
                        dobs.Add(d);
                    }
                }
                else if (p.StartsWith("nationality ", StringComparison.OrdinalIgnoreCase) || p.StartsWith("citizen ", StringComparison.OrdinalIgnoreCase))
                {
                    if (CountryNames.ToCode(p[(p.IndexOf(' ', StringComparison.Ordinal) + 1)..].TrimEnd('.', ' ')) is { } code)
                    {
                        nats.Add(code);
                    }
                }
                else if (p.StartsWith("POB ", StringComparison.Ordinal))
                {
                    var place = p[4..].TrimEnd('.', ' ');
                    var last = place[(place.LastIndexOf(',') + 1)..];
                    if (CountryNames.ToCode(last) is { } code)
                    {
                        countries.Add(code);
                    }
                }

                foreach (Match m in WeakAka().Matches(part))
                {
                    weak.Add(m.Groups[1].Value);
                }
            }

            return new RemarksInfo([.. dobs.Distinct()], [.. nats.Distinct(StringComparer.Ordinal)], [.. countries.Distinct(StringComparer.Ordinal)], [.. weak.Distinct(StringComparer.Ordinal)]);
        }

        /// <summary><c>12 Jan 1960</c>, <c>Jan 1960</c>, <c>1960</c>, <c>circa 1960</c>, <c>1958 to 1962</c>, <c>circa 1958-1962</c>, <c>12 Jan 1958 to 12 Jan 1962</c>.</summary>
        internal static ListedBirthDate? ParseDob(string text)
        {
            var t = text.Trim();
            var approx = false;
            if (t.StartsWith("circa ", StringComparison.OrdinalIgnoreCase))
            {
                approx = true;
                t = t[6..].Trim();
            }

            var range = t.Split([" to ", "-"], StringSplitOptions.TrimEntries);
            if (range.Length == 2 && ParseOne(range[0], false) is { } from && ParseOne(range[1], false) is { } to && to.ToYear >= from.FromYear)
            {
                return from.FromYear == to.ToYear && from.Month is not null && from == to ? from : ListedBirthDate.Between(from.FromYear, to.ToYear, approx);
            }

            return range.Length == 1 ? ParseOne(t, approx) : null;
        }

        private static ListedBirthDate? ParseOne(string t, bool approx)
        {
            var parts = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                switch (parts.Length)
                {
                    case 1 when Year(parts[0]) is { } y:
                        return ListedBirthDate.Year(y, approx);
                    case 2 when Month(parts[0]) is { } m && Year(parts[1]) is { } y:
                        return ListedBirthDate.YearMonth(y, m, approx);
                    case 3 when int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var d) && Month(parts[1]) is { } m && Year(parts[2]) is { } y:
                        return d >= 1 && d <= DateTime.DaysInMonth(y, m) && !approx
                            ? ListedBirthDate.Exact(new DateOnly(y, m, d))
                            : ListedBirthDate.YearMonth(y, m, approx);
                    default:
                        return null;
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        private static int? Year(string s) =>
            s.Length == 4 && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1800 and <= 2200 ? y : null;

        private static int? Month(string s)
        {
            var i = Array.IndexOf(Months, s.Length >= 3 ? s[..3].ToLowerInvariant() : s);
            return i >= 0 ? i + 1 : null;
        }

        [GeneratedRegex(@"a\.k\.a\.\s+'(.+?)'(?=\s*(?:[;.)]|$))", RegexOptions.CultureInvariant)]
        private static partial Regex WeakAka();
    }
}
