using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Core.Tests.Sanctions;

/// <summary>
/// The index must not change answers: against a list made of the clean UN fixture names, every misspelled positive and
/// every negative gets the same best match (entry and score) from the index as from scoring every name.
/// </summary>
public class IndexVersusNaiveTests
{
    [Fact]
    public void Screen_FixtureQueries_SameTopMatchAsNaiveScan()
    {
        var clean = SanctionsTestData.ReadCsv(SanctionsTestData.Fixture("un_positives_clean.csv"));
        var entries = clean.Select((r, i) => SanctionsTestData.Person(i.ToString(System.Globalization.CultureInfo.InvariantCulture), r["full_name"])).ToArray();
        var screener = SanctionsTestData.Screener(entries);
        var queries = new[] { "un_positives_misspelled_dev.csv", "negatives_global_1k.csv", "negatives_us_1k.csv" }
            .SelectMany(f => SanctionsTestData.ReadCsv(SanctionsTestData.Fixture(f)))
            .Select(SanctionsTestData.Query)
            .ToList();

        var differences = new List<string>();
        foreach (var q in queries)
        {
            var fast = screener.Screen(q).Best;
            var slow = screener.NaiveScan(q).Best;
            if (fast?.Entry.EntryId != slow?.Entry.EntryId || fast?.Score != slow?.Score)
            {
                differences.Add($"{q.FullName}: index {fast?.Entry.EntryId} {fast?.Score}, naive {slow?.Entry.EntryId} {slow?.Score}");
            }
        }

        Assert.True(queries.Count > 2_300);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void Screen_MisspelledFixture_FindsTheCleanNameFirst()
    {
        var clean = SanctionsTestData.ReadCsv(SanctionsTestData.Fixture("un_positives_clean.csv"));
        var screener = SanctionsTestData.Screener(clean.Select((r, i) => SanctionsTestData.Person(i.ToString(System.Globalization.CultureInfo.InvariantCulture), r["full_name"])).ToArray());
        var misspelled = SanctionsTestData.ReadCsv(SanctionsTestData.Fixture("un_positives_misspelled_dev.csv"));

        var found = misspelled.Count(r => screener.Screen(new ScreeningQuery(r["full_name"])).Best is { } b &&
                                          NameNormalizer.Key(b.Entry.PrimaryName) is var k &&
                                          clean.Any(c => NameNormalizer.Key(c["full_name"]) == k && SameSource(c, r)));

        Assert.True(found >= misspelled.Count * 0.95, $"{found} of {misspelled.Count}");
    }

    // A misspelled row keeps the place of birth of the row it came from (nationality and birth date may differ).
    private static bool SameSource(Dictionary<string, string> clean, Dictionary<string, string> misspelled) =>
        clean["place_of_birth"] == misspelled["place_of_birth"] || misspelled["place_of_birth"].Length == 0;
}
