using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Http;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange screen "NAME"</c> and <c>smallchange screen --file NAMES.csv</c>: screen names against the sanctions
/// lists in a folder (<c>--lists</c>, default <c>testdata/sanctions</c> found above the current folder or the
/// executable). Prints a table, or JSON with <c>--json</c>; with <c>--file</c>, one JSON line per data row, in order.
/// Exit code 0 whether or not anything matched; 2 for bad input or missing lists.
/// </summary>
public static class ScreenCommand
{
    /// <summary>The API's JSON conventions, with names in any script and signs written as themselves (terminal output, not HTML).</summary>
    internal static readonly JsonSerializerOptions Json = new(ApiJson.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var cmd = new Command("screen", "Screen a name (or every row of a CSV file) against the sanctions lists");
        var name = new Argument<string?>("name") { Description = "The full name to screen, in any script and order", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file") { Description = "CSV with a header row: full_name, optional date_of_birth and nationality; prints one JSON line per row" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var dob = new Option<string?>("--dob") { Description = "Date of birth: YYYY-MM-DD (or YYYY, YYYY-MM)" };
        var nationality = new Option<string?>("--nationality") { Description = "Nationality: ISO alpha-2 code or English country name" };
        var threshold = new Option<double?>("--threshold") { Description = $"Report matches scoring at least this (0–1; default {SanctionsScreenerOptions.RecommendedThreshold:0.00})" };
        var lists = ListsOption();
        var max = new Option<int>("--max") { Description = "At most this many matches per name", DefaultValueFactory = _ => 10 };
        cmd.Arguments.Add(name);
        cmd.Options.Add(file);
        cmd.Options.Add(json);
        cmd.Options.Add(dob);
        cmd.Options.Add(nationality);
        cmd.Options.Add(threshold);
        cmd.Options.Add(lists);
        cmd.Options.Add(max);
        cmd.SetAction(parse =>
        {
            var t = parse.GetValue(threshold);
            if (t is { } tv && tv is <= 0 or > 1)
            {
                return Fail("--threshold is a number in (0, 1].");
            }

            var n = parse.GetValue(name);
            var f = parse.GetValue(file);
            if ((n is null) == (f is null))
            {
                return Fail("Give either a NAME or --file NAMES.csv.");
            }

            var maxResults = Math.Clamp(parse.GetValue(max), 1, 100);
            if (LoadScreener(parse.GetValue(lists), new SanctionsScreenerOptions { MaxResults = maxResults }) is not { } screener)
            {
                return 2;
            }

            return f is not null
                ? ScreenFile(screener, f, t)
                : ScreenOne(screener, n!, parse.GetValue(dob), parse.GetValue(nationality), t, parse.GetValue(json));
        });
        return cmd;
    }

    internal static Option<string?> ListsOption() =>
        new("--lists") { Description = $"Folder with the lists (sdn.csv, cons_prim.csv, UN XML; sub-folders too). Default: {SanctionsListFolder.DefaultRelativePath} above the current folder or the executable" };

    /// <summary>The lists in <paramref name="folder"/> (or the default folder) as a screener, or null after printing why not.</summary>
    internal static SanctionsScreener? LoadScreener(string? folder, SanctionsScreenerOptions options, Func<SanctionsList, bool>? which = null)
    {
        var lists = LoadLists(folder);
        return lists is null ? null : new SanctionsScreener(which is null ? lists : lists.Where(which), options);
    }

    internal static IReadOnlyList<SanctionsList>? LoadLists(string? folder)
    {
        var dir = folder ?? SanctionsListFolder.FindDefault(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        if (dir is null)
        {
            Fail($"No list folder: pass --lists DIR (no {SanctionsListFolder.DefaultRelativePath} above the current folder or the executable).");
            return null;
        }

        var loaded = SanctionsListFolder.Load(dir);
        if (!loaded.TryGet(out var lists, out var error))
        {
            Fail($"{error.Code}: {error.Message} ({dir})");
            return null;
        }

        return lists;
    }

    private static int ScreenOne(SanctionsScreener screener, string name, string? dobText, string? nationalityText, double? threshold, bool json)
    {
        PartialDate? dob = null;
        if (dobText is not null)
        {
            if (!PartialDate.Parse(dobText).TryGet(out var d, out var error))
            {
                return Fail(error.Message);
            }

            dob = d;
        }

        if (nationalityText is not null && CountryNames.ToCode(nationalityText) is null)
        {
            return Fail("--nationality is not a known ISO alpha-2 code or country name.");
        }

        var result = screener.Screen(new ScreeningQuery(name, dob, nationalityText), threshold);
        if (json)
        {
            var output = new ScreenOutput(
                result.Threshold,
                screener.Lists.Select(ListInfo.Of).ToArray(),
                result.IsHit,
                result.Matches.Select(MatchOutput.Of).ToArray());
            Console.WriteLine(JsonSerializer.Serialize(output, Json));
            return 0;
        }

        Console.WriteLine("Lists: " + string.Join(", ", screener.Lists.Select(l => $"{l.Id} ({l.Entries.Count:N0} entries, version {l.Version})")));
        if (!result.IsHit)
        {
            Console.WriteLine($"No match at or above {result.Threshold:0.00}.");
            return 0;
        }

        Console.WriteLine($"{result.Matches.Count} match(es) at or above {result.Threshold:0.00}:");
        Console.WriteLine($"{"#",2}  {"score",5}  {"list",-9}  {"entry",-9}  {"type",-8}  {"matched name",-40}  primary name / programmes / born / nationality");
        var rank = 0;
        foreach (var m in result.Matches)
        {
            rank++;
            var e = m.Entry;
            var matched = m.MatchedPrimary ? m.MatchedName : m.MatchedName + " (alias)";
            Console.WriteLine($"{rank,2}  {m.Score,5:0.000}  {e.ListId,-9}  {e.Reference ?? e.EntryId,-9}  {e.Type.ToString().ToLowerInvariant(),-8}  {Clip(matched, 40),-40}  {e.PrimaryName}");
            var details = new List<string>();
            if (e.Programs.Count > 0)
            {
                details.Add("programmes " + string.Join(", ", e.Programs));
            }

            if (e.BirthDates.Count > 0)
            {
                details.Add("born " + string.Join(", ", e.BirthDates.Select(b => b.ToString())));
            }

            if (e.Nationalities.Count > 0)
            {
                details.Add("nationality " + string.Join(", ", e.Nationalities));
            }

            details.Add(m.Explanation);
            Console.WriteLine(new string(' ', 4) + string.Join("; ", details));
        }

        return 0;
    }

    private static int ScreenFile(SanctionsScreener screener, string path, double? threshold)
    {
        if (!File.Exists(path))
        {
            return Fail("--file: the file does not exist.");
        }

        IEnumerable<string[]> records;
        try
        {
            records = CsvRecords.Parse(File.ReadAllText(path)).ToList();
        }
        catch (FormatException e)
        {
            return Fail("--file: " + e.Message);
        }

        using var it = records.GetEnumerator();
        if (!it.MoveNext())
        {
            return Fail("--file: the file is empty (a header row naming full_name is needed).");
        }

        var header = it.Current.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var nameCol = Array.IndexOf(header, "full_name");
        var dobCol = Array.IndexOf(header, "date_of_birth");
        var natCol = Array.IndexOf(header, "nationality");
        if (nameCol < 0)
        {
            return Fail("--file: the header row has no full_name column.");
        }

        var row = 0;
        while (it.MoveNext())
        {
            row++;
            var r = it.Current;
            var warnings = new List<string>();
            string Col(int i) => i >= 0 && i < r.Length ? r[i].Trim() : "";
            PartialDate? dob = null;
            if (Col(dobCol) is { Length: > 0 } dobText)
            {
                if (PartialDate.Parse(dobText).TryGet(out var d, out _))
                {
                    dob = d;
                }
                else
                {
                    warnings.Add("dob.invalid");
                }
            }

            var nat = Col(natCol) is { Length: > 0 } natText ? natText : null;
            if (nat is not null && CountryNames.ToCode(nat) is null)
            {
                warnings.Add("nationality.unknown");
                nat = null;
            }

            var result = screener.Screen(new ScreeningQuery(Col(nameCol), dob, nat), threshold);
            var line = new FileRowOutput(row, result.IsHit, result.Matches.Select(MatchOutput.Of).ToArray(), warnings.Count > 0 ? warnings : null);
            Console.WriteLine(JsonSerializer.Serialize(line, Json));
        }

        return 0;
    }

    private static string Clip(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"screen: {message}");
        return 2;
    }

    /// <summary>A list as the output names it.</summary>
    public sealed record ListInfo(string Id, int Entries, string Version, string? PublishedAt)
    {
        public static ListInfo Of(SanctionsList l) =>
            new(l.Id, l.Entries.Count, l.Version.ContentHash, l.Version.PublishedAt?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    public sealed record ScreenOutput(double Threshold, IReadOnlyList<ListInfo> Lists, bool Hit, IReadOnlyList<MatchOutput> Matches);

    public sealed record FileRowOutput(int Row, bool Hit, IReadOnlyList<MatchOutput> Matches, IReadOnlyList<string>? Warnings);

    /// <summary>One match as printed: the score, the list entry and why it matched.</summary>
    public sealed record MatchOutput(
        double Score,
        double NameScore,
        string List,
        string EntryId,
        string? Reference,
        string Type,
        string MatchedName,
        bool MatchedAlias,
        string PrimaryName,
        IReadOnlyList<string> Programs,
        IReadOnlyList<string> BirthDates,
        IReadOnlyList<string> Nationalities,
        string Explanation)
    {
        public static MatchOutput Of(ScreeningMatch m) => new(
            m.Score,
            m.NameScore,
            m.Entry.ListId,
            m.Entry.EntryId,
            m.Entry.Reference,
            m.Entry.Type.ToString().ToLowerInvariant(),
            m.MatchedName,
            !m.MatchedPrimary,
            m.Entry.PrimaryName,
            m.Entry.Programs,
            m.Entry.BirthDates.Select(b => b.ToString()).ToArray(),
            m.Entry.Nationalities,
            m.Explanation);
    }
}
