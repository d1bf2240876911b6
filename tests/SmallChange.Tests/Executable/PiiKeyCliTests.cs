using Microsoft.Data.Sqlite;
using SmallChange.Adapters.Storage;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Privacy;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Executable;

/// <summary><c>smallchange keys rotate [--resume]</c> and <c>keys retire KEYID</c> on the personal-data key ring, as the real executable (docs/privacy.md).</summary>
public sealed class PiiKeyCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static async Task<HolderId> AddHolder(string db, PersonalData pii, string name)
    {
        await using var store = SqliteStore.Open(db, personalData: pii);
        await store.MigrateAsync();
        var h = new Holder(HolderId.New(), "cli-" + Guid.NewGuid().ToString("N"), new PersonName(name), "US", HolderStatus.Active, 0, DateTimeOffset.UtcNow);
        await store.WriteAsync(async tx => { await tx.InsertHolder(h); return 0; });
        return h.Id;
    }

    private static async Task<List<string>> StoredNames(string db)
    {
        await using var conn = new SqliteConnection($"Data Source={db};Pooling=False");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name FROM holders ORDER BY id";
        var names = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            names.Add(r.GetString(0));
        }

        return names;
    }

    [Fact]
    public async Task KeysRotateThenRetire_EveryValueUnderNewKeyAndOldKeyRemoved()
    {
        using var dir = new TempDir("cli-pii");
        var db = dir.File("p.db");
        var keys = dir.File("pii-keys.json");
        var holder = await AddHolder(db, PiiKeyFile.For(db, keys, DateTimeOffset.UtcNow), "Ottoline Brackenbury");
        var old = PiiKeyFile.Read(keys).PrimaryId;

        var primary = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "retire", old, "--db", db, "--pii-keys", keys);
        Assert.True(primary.ExitCode == 1, primary.ToString());

        var rotated = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "rotate", "--db", db, "--pii-keys", keys);

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var ring = PiiKeyFile.Read(keys);
        Assert.NotEqual(old, ring.PrimaryId);
        Assert.Equal(2, ring.Keys.Count);
        Assert.Contains($"new primary key {ring.PrimaryId}", rotated.Stdout, StringComparison.Ordinal);
        Assert.Contains("holders 1", rotated.Stdout, StringComparison.Ordinal);
        Assert.All(await StoredNames(db), n => Assert.StartsWith($"{PiiKeyRing.Prefix}{ring.PrimaryId}.", n));

        var retired = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "retire", old, "--db", db, "--pii-keys", keys);

        Assert.True(retired.ExitCode == 0, retired.ToString());
        Assert.Equal([ring.PrimaryId], PiiKeyFile.Read(keys).Keys.Select(k => k.Id));
        await using var store = SqliteStore.Open(db, personalData: PiiKeyFile.For(db, keys, DateTimeOffset.UtcNow));
        Assert.Equal("Ottoline Brackenbury", (await store.ReadAsync(r => r.GetHolder(holder)))!.Name.Value);
    }

    [Fact]
    public async Task KeysRetire_KeyStillInUse_RefusedUntilRotateResume()
    {
        using var dir = new TempDir("cli-pii");
        var db = dir.File("p.db");
        var keys = dir.File("pii-keys.json");
        var oldRing = PiiKeyFile.For(db, keys, DateTimeOffset.UtcNow).Ring;
        await AddHolder(db, new PersonalData(oldRing), "Ottoline Brackenbury");
        var rotated = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "rotate-pii", "--db", db, "--pii-keys", keys);
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        // A node that has not picked up the new key yet writes with the old one.
        await AddHolder(db, new PersonalData(oldRing), "Leopold Fenwick-Haddow");

        var refused = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "retire", oldRing.PrimaryId, "--db", db, "--pii-keys", keys);

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("1 stored values are still encrypted", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, PiiKeyFile.Read(keys).Keys.Count);

        var resumed = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "rotate", "--resume", "--db", db, "--pii-keys", keys);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(2, PiiKeyFile.Read(keys).Keys.Count);
        var retired = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "retire", oldRing.PrimaryId, "--db", db, "--pii-keys", keys);
        Assert.True(retired.ExitCode == 0, retired.ToString());
    }

    [Fact]
    public async Task Migrate_PostgresWithoutKeyFile_RefusedWithExit2()
    {
        using var dir = new TempDir("cli-pii");

        var r = await SmallChangeExe.RunWith(new Dictionary<string, string> { [PiiKeyFile.EnvironmentVariable] = "" }, dir.Path, Timeout,
            "migrate", "--db", "Host=127.0.0.1;Port=1;Database=none;Username=none");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--pii-keys", r.Stderr, StringComparison.Ordinal);
    }
}
