using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange bench screen</c>: quality and speed of sanctions screening on the fixtures in
/// <c>screening_fixtures/</c> next to the lists (see testdata/README.md and docs/performance.md).
/// <list type="bullet">
/// <item><c>recall_clean</c>: share of <c>un_positives_clean.csv</c> rows whose UN entry is the rank-1 match (at or above
/// the threshold) against the UN list. The fixture has no list ids: a row's entry is the UN entry whose primary name
/// normalises to the row's <c>full_name</c> (any of them when several do); rows whose name is not (or no longer) on the
/// list are counted as unmapped and left out.</item>
/// <item><c>recall_misspelled</c>: the same for <c>un_positives_misspelled_dev.csv</c>; a row's entry is that of the
/// clean row it was derived from: among clean rows with the same place of birth and nationality (all clean rows when
/// none has), the one whose name has the most character bigrams in common (Dice).</item>
/// <item><c>false_positive_rate</c>: share of the rows of <c>negatives_*.csv</c> with any match at or above the
/// threshold against all lists.</item>
/// <item>Latency: every fixture row screened against all lists, single-threaded, after a warm-up pass; each screening
/// timed alone. The naive full scan (same scorer, every list name) is timed in the same run on every
/// <c>--naive-every</c>-th row, and its top match compared with the index's.</item>
/// </list>
/// Every screening passes the row's date of birth and nationality, as a screening at sign-up would.
/// </summary>
public static class BenchScreen
{
    public static Command Create()
    {
        var cmd = new Command("screen", "Measure sanctions screening: recall on UN fixtures, false positives, latency against a naive scan");
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var lists = ScreenCommand.ListsOption();
        var fixtures = new Option<string?>("--fixtures") { Description = "Folder with the screening fixtures (default: screening_fixtures in the list folder)" };
        var threshold = new Option<double?>("--threshold") { Description = $"Alert threshold (default {SanctionsScreenerOptions.RecommendedThreshold:0.00})" };
        var passes = new Option<int>("--passes") { Description = "Timed passes over all fixture rows", DefaultValueFactory = _ => 3 };
        var naiveEvery = new Option<int>("--naive-every") { Description = "Time the naive scan on every n-th row", DefaultValueFactory = _ => 5 };
        var misses = new Option<bool>("--misses") { Description = "Print the rows missed and the negatives alerting to stderr (tuning aid)" };
        cmd.Options.Add(json);
        cmd.Options.Add(lists);
        cmd.Options.Add(fixtures);
        cmd.Options.Add(threshold);
        cmd.Options.Add(passes);
        cmd.Options.Add(naiveEvery);
        cmd.Options.Add(misses);
        cmd.SetAction(parse =>
        {
            var listDir = parse.GetValue(lists) ?? SanctionsListFolder.FindDefault(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
            if (listDir is null)
            {
                Console.Error.WriteLine("bench screen: no list folder; pass --lists DIR.");
                return 2;
            }

            var fixtureDir = parse.GetValue(fixtures) ?? Path.Combine(listDir, "screening_fixtures");
            if (!Directory.Exists(fixtureDir))
            {
                Console.Error.WriteLine("bench screen: no fixture folder; pass --fixtures DIR.");
                return 2;
            }

            var t = parse.GetValue(threshold) ?? SanctionsScreenerOptions.RecommendedThreshold;
            if (t is <= 0 or > 1)
            {
                Console.Error.WriteLine("bench screen: --threshold is a number in (0, 1].");
                return 2;
            }

            var r = Run(listDir, fixtureDir, t, Math.Clamp(parse.GetValue(passes), 1, 100), Math.Max(1, parse.GetValue(naiveEvery)), parse.GetValue(misses));
            if (r is null)
            {
                return 2;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(r, ScreenCommand.Json));
            }
            else
            {
                Console.WriteLine($"recall clean:       {r.RecallClean:P2} ({r.CleanFound}/{r.CleanMapped}; {r.CleanRows - r.CleanMapped} rows not on the list)");
                Console.WriteLine($"recall misspelled:  {r.RecallMisspelled:P2} ({r.MisspelledFound}/{r.MisspelledMapped}; {r.MisspelledRows - r.MisspelledMapped} unmapped)");
                Console.WriteLine($"false positives:    {r.FalsePositiveRate:P2} ({r.NegativesAlerting}/{r.Negatives})");
                Console.WriteLine($"latency:            p50 {r.P50Us:N0} µs, p99 {r.P99Us:N0} µs, max {r.MaxUs:N0} µs ({r.LatencySamples:N0} screenings, {r.NamesIndexed:N0} names)");
                Console.WriteLine($"naive scan:         p50 {r.NaiveP50Us:N0} µs, p99 {r.NaiveP99Us:N0} µs ({r.NaiveQueries:N0} screenings); p99 ratio {r.NaiveP99Ratio:N1}x; same top match {r.NaiveTop1Agreement:P1}");
                Console.WriteLine($"threshold {r.Threshold:0.00}; lists loaded in {r.LoadMs:N0} ms, indexed in {r.BuildMs:N0} ms");
            }

            return 0;
        });
        return cmd;
    }

    /// <summary>What one run measured. Latencies in microseconds per screening.</summary>
    public sealed record ScreenBenchResult(
        double RecallClean,
        double RecallMisspelled,
        double FalsePositiveRate,
        long P50Us,
        long P99Us,
        long NaiveP99Us,
        double Threshold,
        int CleanRows,
        int CleanMapped,
        int CleanFound,
        int MisspelledRows,
        int MisspelledMapped,
        int MisspelledFound,
        int Negatives,
        int NegativesAlerting,
        long MaxUs,
        long NaiveP50Us,
        double NaiveP99Ratio,
        double NaiveTop1Agreement,
        int LatencySamples,
        int NaiveQueries,
        int NamesIndexed,
        int Terms,
        IReadOnlyList<ScreenCommand.ListInfo> Lists,
        long LoadMs,
        long BuildMs);

    public static ScreenBenchResult? Run(string listDir, string fixtureDir, double threshold, int passes, int naiveEvery, bool printMisses)
    {
        var sw = Stopwatch.StartNew();
        var lists = ScreenCommand.LoadLists(listDir);
        if (lists is null)
        {
            return null;
        }

        var un = lists.FirstOrDefault(l => l.Id == UnXmlReader.ListId);
        if (un is null)
        {
            Console.Error.WriteLine("bench screen: the list folder has no UN list.");
            return null;
        }

        var loadMs = sw.ElapsedMilliseconds;
        sw.Restart();
        var options = new SanctionsScreenerOptions { Threshold = threshold, MaxResults = 10 };
        var all = new SanctionsScreener(lists, options);
        var buildMs = sw.ElapsedMilliseconds;
        var unOnly = new SanctionsScreener([un], options);

        var clean = Fixture.Read(Path.Combine(fixtureDir, "un_positives_clean.csv"));
        var misspelled = Fixture.Read(Path.Combine(fixtureDir, "un_positives_misspelled_dev.csv"));
        var negatives = Fixture.Read(Path.Combine(fixtureDir, "negatives_global_1k.csv"))
            .Concat(Fixture.Read(Path.Combine(fixtureDir, "negatives_us_1k.csv"))).ToList();

        // Expected entries: clean row → UN entries with that primary name; misspelled row → its clean row's entries.
        var byPrimary = un.Entries.GroupBy(e => NameNormalizer.Key(e.PrimaryName), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.EntryId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var cleanExpected = clean.Select(r => byPrimary.GetValueOrDefault(NameNormalizer.Key(r.FullName))).ToList();
        var misspelledExpected = misspelled.Select(m => cleanExpected[DerivedFrom(m, clean)]).ToList();

        int Found(List<Fixture> rows, List<HashSet<string>?> expected, string label)
        {
            var found = 0;
            for (var i = 0; i < rows.Count; i++)
            {
                if (expected[i] is not { } ids)
                {
                    continue;
                }

                var result = unOnly.Screen(rows[i].Query);
                if (result.Best is { } best && ids.Contains(best.Entry.EntryId))
                {
                    found++;
                }
                else if (printMisses)
                {
                    Console.Error.WriteLine($"miss {label}: {rows[i].FullName} | dob {rows[i].Dob} nat {rows[i].Nationality} | expected {string.Join(",", ids)} | got {Describe(result)}");
                }
            }

            return found;
        }

        var cleanFound = Found(clean, cleanExpected, "clean");
        var misspelledFound = Found(misspelled, misspelledExpected, "misspelled");
        var alerting = 0;
        foreach (var n in negatives)
        {
            var result = all.Screen(n.Query);
            if (result.IsHit)
            {
                alerting++;
                if (printMisses)
                {
                    Console.Error.WriteLine($"false positive: {n.FullName} | dob {n.Dob} nat {n.Nationality} | {Describe(result)}");
                }
            }
        }

        // Latency against all lists, single-threaded, after a warm-up pass.
        var queries = clean.Concat(misspelled).Concat(negatives).Select(r => r.Query).ToArray();
        for (var warm = 0; warm < 2; warm++)
        {
            foreach (var q in queries)
            {
                all.Screen(q);
            }
        }

        // Start the timed passes from a settled heap: the lists and index just built are promoted now, not by a
        // collection in the middle of a timed screening.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();

        var samples = new List<long>(queries.Length * passes);
        for (var p = 0; p < passes; p++)
        {
            foreach (var q in queries)
            {
                var start = Stopwatch.GetTimestamp();
                all.Screen(q);
                samples.Add(Stopwatch.GetTimestamp() - start);
            }
        }

        var naiveQueries = queries.Where((_, i) => i % naiveEvery == 0).ToArray();
        all.NaiveScan(naiveQueries[0]);
        var naive = new List<long>(naiveQueries.Length);
        var agree = 0;
        foreach (var q in naiveQueries)
        {
            var start = Stopwatch.GetTimestamp();
            var slow = all.NaiveScan(q);
            naive.Add(Stopwatch.GetTimestamp() - start);
            var fast = all.Screen(q);
            if (slow.Best?.Entry.Key == fast.Best?.Entry.Key)
            {
                agree++;
            }
            else if (printMisses)
            {
                Console.Error.WriteLine($"index and naive differ: naive {Describe(slow)} | index {Describe(fast)}");
            }
        }

        var cleanMapped = cleanExpected.Count(e => e is not null);
        var misspelledMapped = misspelledExpected.Count(e => e is not null);
        var p99 = Percentile(samples, 0.99);
        var naiveP99 = Percentile(naive, 0.99);
        return new ScreenBenchResult(
            RecallClean: Ratio(cleanFound, cleanMapped),
            RecallMisspelled: Ratio(misspelledFound, misspelledMapped),
            FalsePositiveRate: Ratio(alerting, negatives.Count),
            P50Us: Percentile(samples, 0.50),
            P99Us: p99,
            NaiveP99Us: naiveP99,
            Threshold: threshold,
            CleanRows: clean.Count,
            CleanMapped: cleanMapped,
            CleanFound: cleanFound,
            MisspelledRows: misspelled.Count,
            MisspelledMapped: misspelledMapped,
            MisspelledFound: misspelledFound,
            Negatives: negatives.Count,
            NegativesAlerting: alerting,
            MaxUs: Percentile(samples, 1.0),
            NaiveP50Us: Percentile(naive, 0.50),
            NaiveP99Ratio: p99 > 0 ? Math.Round((double)naiveP99 / p99, 1) : 0,
            NaiveTop1Agreement: Ratio(agree, naiveQueries.Length),
            LatencySamples: samples.Count,
            NaiveQueries: naiveQueries.Length,
            NamesIndexed: all.NameCount,
            Terms: all.TermCount,
            Lists: lists.Select(ScreenCommand.ListInfo.Of).ToArray(),
            LoadMs: loadMs,
            BuildMs: buildMs);
    }

    /// <summary>The clean row a misspelled row was derived from (see the class summary).</summary>
    internal static int DerivedFrom(Fixture m, List<Fixture> clean)
    {
        var pool = Enumerable.Range(0, clean.Count)
            .Where(i => clean[i].PlaceOfBirth == m.PlaceOfBirth && clean[i].NationalityText == m.NationalityText).ToList();
        if (pool.Count == 0)
        {
            pool = Enumerable.Range(0, clean.Count).ToList();
        }

        var best = pool[0];
        var bestDice = -1.0;
        foreach (var i in pool)
        {
            var d = Dice(m.FullName, clean[i].FullName);
            if (d > bestDice)
            {
                bestDice = d;
                best = i;
            }
        }

        return best;
    }

    /// <summary>Dice coefficient of the multisets of character bigrams of the letters and digits, lower case.</summary>
    internal static double Dice(string a, string b)
    {
        static Dictionary<string, int> Bigrams(string s)
        {
            var t = new string(s.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
            var d = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < t.Length; i++)
            {
                var k = t.Substring(i, 2);
                d[k] = d.GetValueOrDefault(k) + 1;
            }

            return d;
        }

        var x = Bigrams(a);
        var y = Bigrams(b);
        var common = x.Sum(kv => Math.Min(kv.Value, y.GetValueOrDefault(kv.Key)));
        var total = x.Values.Sum() + y.Values.Sum();
        return total == 0 ? 0 : 2.0 * common / total;
    }

    private static string Describe(ScreeningResult r) =>
        r.Best is { } b ? $"{b.Entry.Key} {b.MatchedName} {b.Score:0.000} [{b.Explanation}]" : "no match";

    private static double Ratio(int a, int b) => b == 0 ? 0 : Math.Round((double)a / b, 4);

    private static long Percentile(List<long> ticks, double p)
    {
        if (ticks.Count == 0)
        {
            return 0;
        }

        var sorted = ticks.Order().ToArray();
        var idx = (int)Math.Ceiling(p * sorted.Length) - 1;
        var t = sorted[Math.Clamp(idx, 0, sorted.Length - 1)];
        return (long)Math.Round(t * 1_000_000.0 / Stopwatch.Frequency);
    }

    /// <summary>One row of a fixture file (public synthetic or list data).</summary>
    internal sealed record Fixture(string FullName, string Dob, string NationalityText, string PlaceOfBirth)
    {
        public string? Nationality => NationalityText.Length > 0 && CountryNames.ToCode(NationalityText) is not null ? NationalityText : null;

        public ScreeningQuery Query { get; } = new(FullName, PartialDate.Parse(Dob).TryGet(out var d, out _) ? d : null,
            NationalityText.Length > 0 && CountryNames.ToCode(NationalityText) is not null ? NationalityText : null);

        public static List<Fixture> Read(string path)
        {
            var rows = CsvRecords.Parse(File.ReadAllText(path)).ToList();
            var header = rows[0].Select(h => h.Trim()).ToArray();
            int Col(string n) => Array.IndexOf(header, n);
            var (name, dob, nat, pob) = (Col("full_name"), Col("date_of_birth"), Col("nationality"), Col("place_of_birth"));
            return rows.Skip(1).Select(r => new Fixture(
                At(r, name), At(r, dob), At(r, nat), At(r, pob))).ToList();
        }

        private static string At(string[] r, int i) => i >= 0 && i < r.Length ? r[i].Trim() : "";
    }
}
