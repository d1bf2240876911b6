using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary><c>smallchange keys rotate-api-key | revoke-api-key | list-api-keys | create-operator --read-only</c>, as the real executable.</summary>
public sealed class ApiKeyCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static async Task<HttpStatusCode> Status(string db, string key, HttpMethod method, string path)
    {
        await using var store = SqliteStore.Open(db);
        await using var app = SmallChangeHost.Build(new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false), store, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        using var r = await client.SendAsync(new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? Json.Raw("{\"name\":\"n\",\"type\":\"other\",\"currencies\":[\"USD\"]}") : null });
        await app.StopAsync();
        return r.StatusCode;
    }

    [Fact]
    public async Task KeysRotateApiKey_NoGrace_PrintsNewKeyAndOldIsRefused()
    {
        using var dir = new TempDir("cli-keys");
        var db = dir.File("k.db");
        var created = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "create-operator", "--db", db);
        Assert.True(created.ExitCode == 0, created.ToString());
        var old = created.Stdout.Trim();
        var id = old[4..20];

        var rotated = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "rotate-api-key", "--db", db, "--key-id", id, "--grace-seconds", "0");

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var fresh = rotated.Stdout.Trim();
        Assert.Matches($"^sck_{id}_[A-Za-z0-9_-]{{43}}$", fresh);
        Assert.NotEqual(old, fresh);
        Assert.Equal(HttpStatusCode.OK, await Status(db, fresh, HttpMethod.Get, "/v1/sources"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(db, old, HttpMethod.Get, "/v1/sources"));

        var list = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "list-api-keys", "--db", db);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(fresh[21..], list.Stdout, StringComparison.Ordinal);

        var revoked = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "revoke-api-key", "--db", db, "--key-id", id);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(db, fresh, HttpMethod.Get, "/v1/sources"));
        var again = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "rotate-api-key", "--db", db, "--key-id", id);
        Assert.Equal(1, again.ExitCode);
    }

    [Fact]
    public async Task KeysCreateOperator_ReadOnly_ReadsButCannotWrite()
    {
        using var dir = new TempDir("cli-keys");
        var db = dir.File("k.db");
        var created = await SmallChangeExe.Run(dir.Path, Timeout, "keys", "create-operator", "--db", db, "--read-only", "--label", "auditor");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = created.Stdout.Trim();

        Assert.Equal(HttpStatusCode.OK, await Status(db, key, HttpMethod.Get, "/v1/sources"));
        Assert.Equal(HttpStatusCode.NotFound, await Status(db, key, HttpMethod.Post, "/v1/sources"));
    }
}
