using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Npgsql;
using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Core.Access;
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
}
