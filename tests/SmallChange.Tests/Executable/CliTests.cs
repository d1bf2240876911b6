using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Sources;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Executable;

/// <summary>The operator verbs, run as the real executable.</summary>
public sealed class CliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Migrate_RunTwice_SecondRunSaysUpToDate()
    {
        using var dir = new TempDir("cli");
        var db = dir.File("m.db");

        var first = await SmallChangeExe.Run(dir.Path, Timeout, "migrate", "--db", db);
        var second = await SmallChangeExe.Run(dir.Path, Timeout, "migrate", "--db", db);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Applied migrations: 1", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("up to date", second.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Applied", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FreshDatabase_ExitsZero()
    {
        using var dir = new TempDir("cli");

        var result = await SmallChangeExe.Run(dir.Path, Timeout, "verify", "--db", dir.File("v.db"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verify: ok", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_BalanceTamperedOutsideTheLedger_ExitsOne()
    {
        using var dir = new TempDir("cli");
        var db = dir.File("t.db");
        await using (var store = SqliteStore.Open(db))
        {
            await store.MigrateAsync();
            var now = DateTimeOffset.UtcNow;
            var source = new Source(SourceId.New(), "Tamper source", SourceType.Other, [Currencies.USD], now);
            var holder = new Holder(HolderId.New(), "tamper", new PersonName("Tamper Holder"), "US", HolderStatus.Active, 0, now);
            await store.WriteAsync(async tx =>
            {
                await tx.InsertSource(source);
                await tx.InsertHolder(holder);
                return 0;
            });
            var credits = new CreditService(store, new AccountDirectory(store), TimeProvider.System);
            var applied = await credits.Apply(source.Id, [new CreditCommand("t-1", new HolderRef(holder.Id, null), new Money(1_000_000, Currencies.USD), now)], linked: false);
            Assert.Equal(CreditOutcomeStatus.Created, Assert.Single(applied.Value).Status);
        }

        var clean = await SmallChangeExe.Run(dir.Path, Timeout, "verify", "--db", db);
        Assert.True(clean.ExitCode == 0, clean.ToString());

        // Someone edits a balance behind the ledger's back.
        await using (var conn = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "UPDATE accounts SET credits_posted = credits_posted + 1 WHERE no_overdraft = 1";
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var tampered = await SmallChangeExe.Run(dir.Path, Timeout, "verify", "--db", db);
        Assert.True(tampered.ExitCode == 1, tampered.ToString());
        Assert.Contains("FAILED", tampered.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreateOperator_PrintsKeyThatAuthenticates()
    {
        using var dir = new TempDir("cli");
        var db = dir.File("k.db");

        var result = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "create-operator", "--db", db);

        Assert.True(result.ExitCode == 0, result.ToString());
        var key = result.Stdout.Trim();
        Assert.Matches("^sck_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", key);
        await using var store = SqliteStore.Open(db);
        await using var app = SmallChangeHost.Build(new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false), store, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        using var r = await client.GetAsync("/v1/sources");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await app.StopAsync();
    }
}
