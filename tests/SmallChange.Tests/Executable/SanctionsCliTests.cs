using System.Text.Json;
using System.Xml.Linq;
using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Hosting;
using SmallChange.Tests.Support;
using SmallChange.Testing;

namespace SmallChange.Tests.Executable;

/// <summary><c>smallchange sanctions import|versions|rescreen</c>, run as the real executable with the UN list of testdata/sanctions.</summary>
public sealed class SanctionsCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static string Lists => Adapters.Lists.SanctionsListFolder.FindDefault(AppContext.BaseDirectory) ?? throw new InvalidOperationException("testdata/sanctions not found");

    private static string UnFile => Path.Combine(Lists, "un", "UN_consolidated.xml");

    /// <summary>
    /// The UN list changed the way a new publication changes it: the first individual delisted, the second one's first name
    /// corrected, and a new individual listed (a copy of the third under a new id).
    /// </summary>
    private static (string Path, string Removed, string Changed) ChangedUnList(TempDir dir)
    {
        var doc = XDocument.Load(UnFile);
        var people = doc.Descendants().Where(e => e.Name.LocalName == "INDIVIDUAL").Take(3).ToList();
        string Id(XElement e) => e.Elements().Single(c => c.Name.LocalName == "DATAID").Value.Trim();
        var removed = Id(people[0]);
        var changed = Id(people[1]);
        people[0].Remove();
        var first = people[1].Elements().Single(c => c.Name.LocalName == "FIRST_NAME");
        first.Value += "X";
        var added = new XElement(people[2]);
        added.Elements().Single(c => c.Name.LocalName == "DATAID").Value = "99999901";
        people[2].AddAfterSelf(added);
        var path = dir.File("UN_consolidated.xml");
        doc.Save(path);
        return (path, removed, changed);
    }

    private static async Task ImportTwiceThenChanged(string db)
    {
        using var dir = new TempDir("sanctions");

        var first = await SmallChangeExe.Run(dir.Path, Timeout, "sanctions", "import", "--source", "un", UnFile, "--db", db);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("un: imported version 1", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("Rescreen needed", first.Stdout, StringComparison.Ordinal);

        var again = await SmallChangeExe.Run(dir.Path, Timeout, "sanctions", "import", "--source", "un", UnFile, "--db", db);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("un: unchanged", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing written, no rescreen needed", again.Stdout, StringComparison.Ordinal);

        var (path, removed, changed) = ChangedUnList(dir);
        var next = await SmallChangeExe.Run(dir.Path, Timeout, "sanctions", "import", "--source", "un", path, "--db", db, "--json");
        Assert.True(next.ExitCode == 0, next.ToString());
        var r = JsonDocument.Parse(next.Stdout).RootElement;
        Assert.Equal("imported", r.GetProperty("outcome").GetString());
        Assert.Equal(2, r.GetProperty("version").GetProperty("version").GetInt32());
        Assert.Equal(1, r.GetProperty("previous_version").GetProperty("version").GetInt32());
        Assert.Equal(["99999901"], r.GetProperty("added").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal([removed], r.GetProperty("removed").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal([changed], r.GetProperty("changed").EnumerateArray().Select(x => x.GetString()));
        Assert.True(r.GetProperty("rescreen_needed").GetBoolean());

        var versions = await SmallChangeExe.Run(dir.Path, Timeout, "sanctions", "versions", "--db", db, "--json");
        Assert.True(versions.ExitCode == 0, versions.ToString());
        var list = JsonDocument.Parse(versions.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal([2, 1], list.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal((1, 1, 1), (list[0].GetProperty("added").GetInt32(), list[0].GetProperty("removed").GetInt32(), list[0].GetProperty("changed").GetInt32()));
        Assert.Equal(1003, list[1].GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task SanctionsImport_SqliteSameThenChangedList_NoOpThenVersionWithChanges()
    {
        using var dir = new TempDir("sanctions-db");
        await ImportTwiceThenChanged(dir.File("s.db"));
    }

    [Fact]
    public async Task SanctionsImport_PostgresSameThenChangedList_NoOpThenVersionWithChanges() =>
        await ImportTwiceThenChanged(await TestPostgres.NewSchema("sanctionscli"));

    [Fact]
    public async Task SanctionsRescreen_ListedHolderAfterImport_PrintsHitWithEntryAndScore()
    {
        using var dir = new TempDir("sanctions");
        var db = dir.File("r.db");
        var listed = new Holder(HolderId.New(), "listed", new PersonName("Abdul Rahman Ahmad Hottak"), "AF", HolderStatus.Active, 0, DateTimeOffset.UtcNow);
        var clean = new Holder(HolderId.New(), "clean", new PersonName("Ava Thompson"), "US", HolderStatus.Active, 0, DateTimeOffset.UtcNow);
        await using (var store = StoreFactory.Open(db, TimeProvider.System))
        {
            await store.MigrateAsync();
            await store.WriteAsync(async tx => { await tx.InsertHolder(listed); await tx.InsertHolder(clean); return 0; });
        }

        var import = await SmallChangeExe.Run(dir.Path, Timeout, "sanctions", "import", "--source", "un", UnFile, "--db", db, "--rescreen");
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains($"(holder {listed.Id})", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("Alerts: 1 new", import.Stdout, StringComparison.Ordinal);

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "sanctions", "rescreen", "--db", db, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var report = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(2, report.GetProperty("holders_screened").GetInt32());
        var lists = report.GetProperty("lists").EnumerateArray().ToDictionary(l => l.GetProperty("list").GetString()!, l => l.GetProperty("from").GetString());
        Assert.Equal("database", lists["un"]);
        Assert.Equal("files", lists["ofac_sdn"]);
        var hit = report.GetProperty("hits").EnumerateArray().First(h => h.GetProperty("list").GetString() == "un");
        Assert.Equal(listed.Id.Value, hit.GetProperty("holder_id").GetGuid());
        Assert.Equal("holder", hit.GetProperty("subject").GetString());
        Assert.Equal("ABDUL RAHMAN AHMAD HOTTAK", hit.GetProperty("entry_primary_name").GetString());
        Assert.True(hit.GetProperty("score").GetDouble() >= 0.99);
        Assert.DoesNotContain(report.GetProperty("hits").EnumerateArray(), h => h.GetProperty("holder_id").GetGuid() == clean.Id.Value);
        Assert.Equal(0, report.GetProperty("alerts_filed").GetInt32()); // the import's rescreen filed it: not again
        Assert.Equal(1, report.GetProperty("already_filed").GetInt32());
    }

    [Fact]
    public async Task SanctionsImport_FileOfAnotherList_ExitsTwoNamingTheExpectedFiles()
    {
        using var dir = new TempDir("sanctions");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "sanctions", "import", "--source", "ofac-sdn", Path.Combine(Lists, "ofac_consolidated", "cons_prim.csv"), "--db", dir.File("x.db"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("expected sdn.csv, alt.csv, add.csv, sdn_comments.csv", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SanctionsImport_OfacFolder_ReadsEveryFileOfTheList()
    {
        using var dir = new TempDir("sanctions");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "sanctions", "import", "--source", "ofac-cons", Path.Combine(Lists, "ofac_consolidated"), "--db", dir.File("c.db"), "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var v = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("version");
        Assert.Equal("ofac_cons", v.GetProperty("list").GetString());
        Assert.Equal(442, v.GetProperty("entries").GetInt32());
        Assert.Equal("cons_add.csv, cons_alt.csv, cons_comments.csv, cons_prim.csv", v.GetProperty("source_files").GetString());
    }
}
