using SmallChange.Adapters.Lists;
using SmallChange.Adapters.Tests.Lists;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>Sanctions lists in the database: versions, no-op re-imports, diffs, the screener built from them, and rescreening, on every backend.</summary>
public abstract class SanctionsListContractTests(IStoreBackend backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private IStore _store = null!;

    public async Task InitializeAsync() => _store = await backend.Create(_clock);

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static readonly ListVersion AnyVersion = new(new string('0', 64), null);

    private static SanctionsEntry Person(string id, string name, params string[] aliases) =>
        new(OfacCsvReader.SdnListId, id, null, SanctionsEntryType.Person, name, aliases, [], [], [], [], ["SDGT"], null);

    /// <summary>An entry using every field, birth dates of every shape included.</summary>
    private static SanctionsEntry Rich() => new(
        UnXmlReader.ListId, "6908555", "QDi.311", SanctionsEntryType.Person, "ABDUL RAHMAN AHMAD HOTTAK",
        ["Abdul Rahman Hottak", "عبد الرحمن احمد هوتک"], ["Hottak Sahib"],
        [ListedBirthDate.Exact(new DateOnly(1957, 3, 4)), ListedBirthDate.Year(1958, approximate: true), ListedBirthDate.YearMonth(1959, 7),
            ListedBirthDate.Between(1955, 1960, approximate: true)],
        ["AF"], ["AF", "PK"], ["Taliban"], "Deputy (2nd) Minister of Culture and Information under the Taliban regime.")
    {
        Addresses = ["Ghazni Province, Afghanistan"],
    };

    private static SanctionsList Sdn(params SanctionsEntry[] entries) => new(OfacCsvReader.SdnListId, AnyVersion, entries);

    private SanctionsListService Service(Func<IReadOnlyList<SanctionsList>>? fallback = null) => new(_store, _clock, null, fallback);

    [Fact]
    public async Task Import_FirstTime_Version1EveryEntryAddedAndReadBackWhole()
    {
        var rich = Rich();
        var list = new SanctionsList(UnXmlReader.ListId, new ListVersion(new string('a', 64), _clock.GetUtcNow().AddDays(-1)), [rich, rich with { EntryId = "2", PrimaryName = "SECOND PERSON" }]);

        var r = await Service().Import(list, ["/some/folder/UN_consolidated.xml"]);

        Assert.Equal(ImportOutcome.Imported, r.Outcome);
        Assert.True(r.RescreenNeeded);
        Assert.Null(r.Previous);
        Assert.Equal(["6908555", "2"], r.Added);
        Assert.Equal((1, 2, 2, "UN_consolidated.xml"), (r.Version.Sequence, r.Version.EntryCount, r.Version.Added, r.Version.SourceFiles));
        Assert.Equal(list.Version.PublishedAt, r.Version.PublishedAt);
        var loaded = Assert.Single(await Service().LoadLists());
        Assert.Equal(r.Version, loaded.Stored);
        Assert.Equal(r.Version.ContentHash, loaded.List.Version.ContentHash);
        Assert.Equal(list.Entries.Select(SanctionsEntryJson.Write), loaded.List.Entries.Select(SanctionsEntryJson.Write));
        var back = loaded.List.Entries[0];
        Assert.Equal(rich.BirthDates, back.BirthDates);
        Assert.Equal(rich.Addresses, back.Addresses);
        Assert.Equal(("un", "QDi.311", "Taliban"), (back.ListId, back.Reference, back.Programs[0]));
    }

    [Fact]
    public async Task Import_SameEntriesAgain_UnchangedAndNothingWritten()
    {
        var first = await Service().Import(Sdn(Person("1", "ALPHA ONE"), Person("2", "BRAVO TWO")), ["sdn.csv"]);
        _clock.Advance(TimeSpan.FromDays(1));

        // Other files, another publication date: the entries are what counts.
        var again = await Service().Import(new SanctionsList(OfacCsvReader.SdnListId, new ListVersion(new string('f', 64), _clock.GetUtcNow()),
            [Person("1", "ALPHA ONE"), Person("2", "BRAVO TWO")]), ["SDN.CSV", "alt.csv"]);

        Assert.Equal(ImportOutcome.Unchanged, again.Outcome);
        Assert.False(again.RescreenNeeded);
        Assert.Equal(first.Version, again.Version);
        Assert.Single(await Service().Versions());
    }

    [Fact]
    public async Task Import_ChangedList_NewVersionNamingAddedRemovedChanged()
    {
        await Service().Import(Sdn(Person("1", "ALPHA ONE"), Person("2", "BRAVO TWO"), Person("3", "CHARLIE THREE")), ["sdn.csv"]);
        _clock.Advance(TimeSpan.FromHours(1));

        var r = await Service().Import(Sdn(Person("1", "ALPHA ONE"), Person("3", "CHARLIE THREE", "CHUCK THREE"), Person("4", "DELTA FOUR")), ["sdn.csv"]);

        Assert.Equal(ImportOutcome.Imported, r.Outcome);
        Assert.True(r.RescreenNeeded);
        Assert.Equal(["4"], r.Added);
        Assert.Equal(["2"], r.Removed);
        Assert.Equal(["3"], r.Changed);
        Assert.Equal(1, r.Previous!.Sequence);
        Assert.Equal((2, 3, 1, 1, 1), (r.Version.Sequence, r.Version.EntryCount, r.Version.Added, r.Version.Removed, r.Version.Changed));
        Assert.Equal(_clock.GetUtcNow(), r.Version.ImportedAt);
        var versions = await Service().Versions(OfacCsvReader.SdnListId);
        Assert.Equal([2, 1], versions.Select(v => v.Sequence));
        var current = Assert.Single(await Service().LoadLists()).List;
        Assert.Equal(["ALPHA ONE", "CHARLIE THREE", "DELTA FOUR"], current.Entries.Select(e => e.PrimaryName));
    }

    [Fact]
    public async Task Import_BackToAnOlderContent_IsANewVersion()
    {
        var a = Sdn(Person("1", "ALPHA ONE"));
        var v1 = await Service().Import(a, ["sdn.csv"]);
        await Service().Import(Sdn(Person("1", "ALPHA ONE"), Person("2", "BRAVO TWO")), ["sdn.csv"]);

        var v3 = await Service().Import(a, ["sdn.csv"]);

        Assert.Equal((ImportOutcome.Imported, 3), (v3.Outcome, v3.Version.Sequence));
        Assert.Equal(v1.Version.ContentHash, v3.Version.ContentHash);
        Assert.Equal(["2"], v3.Removed);
    }

    [Fact]
    public async Task Import_RepeatedEntryId_FirstKept()
    {
        var r = await Service().Import(Sdn(Person("1", "ALPHA ONE"), Person("1", "ALPHA AGAIN")), ["sdn.csv"]);

        Assert.Equal(1, r.DuplicatesDropped);
        Assert.Equal("ALPHA ONE", Assert.Single(Assert.Single(await Service().LoadLists()).List.Entries).PrimaryName);
    }

    [Fact]
    public async Task InsertSanctionsVersion_SequenceTaken_ReturnsNullWritesNothing()
    {
        var v = new StoredListVersion(0, "un", 1, new string('b', 64), null, _clock.GetUtcNow(), 1, 1, 0, 0, "un.xml");
        var row = new StoredEntryRow("1", "person", "X", SanctionsEntryJson.Write(Person("1", "X")), "h");
        Assert.NotNull(await _store.WriteAsync(tx => tx.InsertSanctionsVersion(v, [row])));

        Assert.Null(await _store.WriteAsync(tx => tx.InsertSanctionsVersion(v with { ContentHash = new string('c', 64) }, [row])));

        Assert.Equal(new string('b', 64), Assert.Single(await Service().Versions()).ContentHash);
    }

    [Fact]
    public async Task Screener_NothingImported_FallbackListsThenImportedVersionAfterCheckInterval()
    {
        var fileList = new SanctionsList(UnXmlReader.ListId, AnyVersion, [Rich()]);
        var service = Service(() => [fileList, Sdn(Person("9", "OLD FILE PERSON"))]);
        var before = await service.Screener();
        Assert.Equal(2, before.Lists.Count);
        Assert.True(before.Screen(new ScreeningQuery("Old File Person")).IsHit);

        await service.Import(Sdn(Person("1", "IMPORTED PERSON")), ["sdn.csv"]);
        Assert.Same(before, await service.Screener());
        _clock.Advance(SanctionsListService.CheckInterval);
        var after = await service.Screener();

        Assert.NotSame(before, after);
        Assert.True(after.Screen(new ScreeningQuery("Imported Person")).IsHit);
        Assert.False(after.Screen(new ScreeningQuery("Old File Person")).IsHit);
        Assert.True(after.Screen(new ScreeningQuery("Abdul Rahman Ahmad Hottak")).IsHit); // the UN list was never imported: still from the files
        _clock.Advance(SanctionsListService.CheckInterval);
        Assert.Same(after, await service.Screener());
    }

    [Fact]
    public async Task Rescreen_HolderAndDestinationNames_HitsNameEntryAndScore()
    {
        await Service().Import(Sdn(Person("7", "VIKTOR PETROVICH BOUTSKY"), Person("8", "MARIA CONCEPCION LOPEZ VALDEZ")), ["sdn.csv"]);
        var now = _clock.GetUtcNow();
        var listed = new Holder(HolderId.New(), "r1", new PersonName("Viktor Petrovich Boutsky"), "US", HolderStatus.Active, 1, now);
        var clean = new Holder(HolderId.New(), "r2", new PersonName("Ava Thompson"), "US", HolderStatus.Active, 1, now);
        var destination = new Destination(DestinationId.New(), clean.Id, DestinationKind.BankAccount, "us_ach", "US", Currencies.USD, "•••• 6789", "fp-1",
            "021000021:123456789", "021000021", "Maria Concepcion Lopez Valdez", null, null, now);
        var unnamed = destination with { Id = DestinationId.New(), AccountHolderName = null, Fingerprint = "fp-2" };
        await _store.WriteAsync(async tx =>
        {
            await tx.InsertHolder(listed);
            await tx.InsertHolder(clean);
            await tx.InsertDestination(destination);
            await tx.InsertDestination(unnamed);
            return 0;
        });

        var report = await Service().Rescreen();

        Assert.Equal((2, 1), (report.HoldersScreened, report.DestinationsScreened));
        Assert.Equal(2, report.Hits.Count);
        var h = report.Hits.Single(x => x.Subject == ScreenedSubject.Holder);
        Assert.Equal((listed.Id, "ofac_sdn", "7", "VIKTOR PETROVICH BOUTSKY"), (h.Holder, h.ListId, h.EntryId, h.EntryPrimaryName));
        Assert.True(h.Score >= 0.99);
        var d = report.Hits.Single(x => x.Subject == ScreenedSubject.Destination);
        Assert.Equal((clean.Id, destination.Id, "8"), (d.Holder, d.Destination, d.EntryId));
        var list = Assert.Single(report.Lists);
        Assert.Equal(("ofac_sdn", true, 1), (list.ListId, list.FromStore, list.Sequence));
    }

    [Theory]
    [InlineData("un")]
    [InlineData("ofac_cons")]
    public async Task Import_RealList_StoredEntriesScreenAsTheFiles(string listId)
    {
        var files = SanctionsListFolder.Load(ListsTestData.Folder).Value.Single(l => l.Id == listId);

        var r = await Service().Import(files, ["x"]);
        var stored = Assert.Single(await Service().LoadLists()).List;

        Assert.Equal(files.Entries.Count, r.Version.EntryCount);
        Assert.Equal(files.Entries.Select(SanctionsEntryJson.Write), stored.Entries.Select(SanctionsEntryJson.Write));
        var fromFiles = new SanctionsScreener([files]);
        var fromStore = new SanctionsScreener([stored]);
        foreach (var e in files.Entries.Take(60))
        {
            var a = fromFiles.Screen(new ScreeningQuery(e.PrimaryName)).Matches.Select(m => (m.Entry.Key, m.Score));
            var b = fromStore.Screen(new ScreeningQuery(e.PrimaryName)).Matches.Select(m => (m.Entry.Key, m.Score));
            Assert.Equal(a, b);
        }
    }
}

public sealed class SqliteSanctionsListContractTests() : SanctionsListContractTests(new SqliteBackend());
public sealed class PostgresSanctionsListContractTests() : SanctionsListContractTests(new PostgresBackend());
