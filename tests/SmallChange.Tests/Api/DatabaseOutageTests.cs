using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Npgsql;
using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Money;
using SmallChange.Core.Sources;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Tests.Support;
using SmallChange.Testing;

namespace SmallChange.Tests.Api;

/// <summary>What a node answers while its database cannot be reached: a clear 503, and it recovers by itself.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Request_DatabaseUnreachable_503ServerUnavailableWithRetryAfter()
    {
        var port = SmallChangeExe.FreePort(); // nothing listens there
        var db = $"Host=127.0.0.1;Port={port};Username=postgres;Database=nowhere;Timeout=1";
        await using var store = PostgresStore.Open(db, retryBudget: TimeSpan.FromMilliseconds(300));
        await using var app = SmallChangeHost.Build(new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false), store, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "sck_0123456789abcdef_secretsecretsecret");

        using var r = await client.GetAsync("/v1/holders");

        var problem = await Json.Expect(r, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("https://smallchange.dev/problems/server.unavailable", problem.GetProperty("type").GetString());
        Assert.Equal("5", r.Headers.GetValues("Retry-After").Single());
        Assert.DoesNotContain("nowhere", problem.ToString(), StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public async Task Request_ServerDropsEveryConnection_NextRequestsSucceedWithoutRestart()
    {
        var name = "outage-" + Guid.NewGuid().ToString("N")[..12];
        var db = new NpgsqlConnectionStringBuilder(await TestPostgres.NewSchema("outage")) { ApplicationName = name }.ConnectionString;
        await using var store = PostgresStore.Open(db);
        await store.MigrateAsync();
        var key = ApiKeys.Issue(ApiKeyScope.Operator, null, "outage test", DateTimeOffset.UtcNow);
        await store.WriteAsync(async tx => { await tx.InsertApiKey(key.Record); return 0; });
        await using var app = SmallChangeHost.Build(new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false), store, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key.Plaintext);
        using (var before = await client.GetAsync("/v1/holders"))
        {
            await Json.Expect(before, HttpStatusCode.OK);
        }

        // The server ends every session of this node (as a restart or failover does); the pool still holds them.
        await using (var admin = new NpgsqlConnection(TestPostgres.BaseConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", admin);
            kill.Parameters.Add(new NpgsqlParameter { Value = name });
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
        }

        for (var i = 0; i < 5; i++)
        {
            using var r = await client.PostAsync("/v1/holders", Json.Body(new { external_ref = $"after-{i}-{Guid.NewGuid():N}", name = "Ava Thompson", country = "US" }));
            await Json.Expect(r, HttpStatusCode.Created);
        }

        await app.StopAsync();
    }

    [Fact]
    public async Task Credit_SyncStandbyRequiredButPrimaryHasNone_503WriteUnconfirmedCommitStandsRetryChangesNothing()
    {
        var db = await TestPostgres.NewSchema("unconfirmed");
        await using var plain = PostgresStore.Open(db);
        await plain.MigrateAsync();
        var now = DateTimeOffset.UtcNow;
        var source = new Source(SourceId.New(), "unconfirmed test", SourceType.CreatorEarnings, [Currencies.USD], now);
        var key = ApiKeys.Issue(ApiKeyScope.Source, source.Id, "unconfirmed test", now);
        var holder = new Holder(HolderId.New(), "unconfirmed-" + Guid.NewGuid().ToString("N")[..8], new PersonName("Ava Thompson"), "US", HolderStatus.Active, 1, now);
        await plain.WriteAsync(async tx =>
        {
            await tx.InsertSource(source);
            await tx.InsertApiKey(key.Record);
            await tx.InsertHolder(holder);
            return 0;
        });

        // The test server has no standby, as a primary in pg_auto_failover's wait_primary has none.
        await using var store = PostgresStore.Open(db, requireSynchronousStandby: true);
        Assert.True(store.RequireSynchronousStandby);
        await using var app = SmallChangeHost.Build(new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false), store, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key.Plaintext);
        var body = new { source_ref = "unconfirmed-1", holder_id = holder.Id.Value, amount = "1.25", currency = "USD" };

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var r = await client.PostAsync("/v1/credits", Json.Body(body));
            var problem = await Json.Expect(r, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("https://smallchange.dev/problems/server.write_unconfirmed", problem.GetProperty("type").GetString());
            Assert.Equal("5", r.Headers.GetValues("Retry-After").Single());
        }

        await app.StopAsync();

        // A write through the store throws although its commit stands.
        var other = holder with { Id = HolderId.New(), ExternalRef = holder.ExternalRef + "-b" };
        await Assert.ThrowsAsync<WriteUnconfirmedException>(() => store.WriteAsync(async tx => { await tx.InsertHolder(other); return 0; }));
        Assert.NotNull(await plain.ReadAsync(r => r.FindHolderByRef(other.ExternalRef)));

        // Once writes are confirmed again (here: a node that does not ask), the same credit is booked exactly once,
        // whatever the unacknowledged attempts committed.
        await using var confirmed = SmallChangeHost.Build(new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false), plain, b => b.WebHost.UseTestServer());
        await confirmed.StartAsync();
        using var again = confirmed.GetTestClient();
        again.DefaultRequestHeaders.Authorization = new("Bearer", key.Plaintext);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var r = await again.PostAsync("/v1/credits", Json.Body(body));
            Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString());
        }

        var wallet = Assert.Single(await plain.ReadAsync(r => r.ListAccounts(Core.Ledger.AccountKind.HolderWallet, holder.Id.Value)));
        Assert.Equal(Money.Parse("1.25", Currencies.USD).Value.Units, wallet.CreditsPosted);
        await confirmed.StopAsync();
    }
}
