using System.Text;
using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Core.Tests.Sanctions;

/// <summary>Small lists built in code, and the screening fixtures under testdata/sanctions.</summary>
internal static class SanctionsTestData
{
    public static readonly ListVersion Version = new(new string('0', 64), null);

    public static SanctionsList List(params SanctionsEntry[] entries) => new("test", Version, entries);

    public static SanctionsEntry Person(string id, string name, string[]? aliases = null, ListedBirthDate[]? dobs = null, string[]? nationalities = null) =>
        new("test", id, null, SanctionsEntryType.Person, name, aliases ?? [], [], dobs ?? [], nationalities ?? [], [], [], null);

    public static SanctionsScreener Screener(params SanctionsEntry[] entries) => new([List(entries)]);

    /// <summary>The repository root: the folder holding SmallChange.slnx, found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmallChange.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SmallChange.slnx not found above " + AppContext.BaseDirectory);
    }

    public static string Fixture(string name) => Path.Combine(RepoRoot(), "testdata", "sanctions", "screening_fixtures", name);

    /// <summary>The rows of a fixture CSV as header → value (a minimal RFC 4180 reader: quoted fields, doubled quotes).</summary>
    public static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var text = File.ReadAllText(path);
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        var header = rows[0];
        return rows.Skip(1).Where(r => r.Count == header.Count)
            .Select(r => header.Select((h, i) => (h, r[i])).ToDictionary(x => x.h, x => x.Item2)).ToList();
    }

    public static ScreeningQuery Query(Dictionary<string, string> row)
    {
        var dob = PartialDate.Parse(row["date_of_birth"]);
        var nat = row["nationality"];
        return new ScreeningQuery(row["full_name"], dob.IsOk ? dob.Value : null, CountryNames.ToCode(nat) is null ? null : nat);
    }
}
