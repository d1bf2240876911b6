using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Hosting;

namespace SmallChange.Tests.Support;

/// <summary>A source created over the API: its id, its API key (shown once) and a client that uses that key.</summary>
public sealed record TestSource(Guid Id, string Key, HttpClient Client);

/// <summary>
/// The whole API in memory: a fresh migrated store (a SQLite file, or a schema of its own on the test PostgreSQL with
/// <see cref="PostgresApiFixture"/> or <c>backend: "postgres"</c>), the real host from <see cref="SmallChangeHost.Build"/> on
/// ASP.NET Core's test server, an operator key, and helpers to create sources and holders and to read what was written.
/// Use it as a class fixture (tests create their own sources and holders, so they do not see each other's data) or,
/// for tests that look at the whole database, one per test through <see cref="StartAsync"/>.
/// </summary>
public class ApiFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly TempDir _dir = new("api");
    private readonly Func<ServeOptions, ServeOptions>? _configure;

    public ApiFixture()
        : this(null, "sqlite")
    {
    }

    protected ApiFixture(Func<ServeOptions, ServeOptions>? configure, string backend)
    {
        _configure = configure;
        Backend = backend;
    }

    /// <summary>"sqlite" or "postgres".</summary>
    public string Backend { get; }

    /// <summary>The clock the host runs on (the system clock unless a test configured another).</summary>
    public TimeProvider Clock { get; private set; } = TimeProvider.System;

    /// <summary>The --db value of this fixture: a file path, or a PostgreSQL connection string.</summary>
    public string Db { get; private set; } = "";

    public IStore Store { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public string OperatorKey { get; private set; } = "";

    /// <summary>A client sending the operator key.</summary>
    public HttpClient Operator { get; private set; } = null!;

    /// <summary>A client sending no key at all.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public static async Task<ApiFixture> StartAsync(Func<ServeOptions, ServeOptions>? configure = null, string backend = "sqlite")
    {
        var f = new ApiFixture(configure, backend);
        await f.InitializeAsync();
        return f;
    }

    public async Task InitializeAsync()
    {
        Db = Backend == "postgres" ? await SmallChange.Testing.TestPostgres.NewSchema("api") : _dir.File("api.db");
        // New destinations are usable at once unless a test asks for the jurisdiction profiles' cooling-off (CoolingOffOverride = null).
        var options = new ServeOptions(Db, "http://127.0.0.1:0", RunWorkers: false) { CoolingOffOverride = TimeSpan.Zero };
        options = _configure?.Invoke(options) ?? options;
        Clock = options.Clock;
        Store = Backend == "postgres" ? PostgresStore.Open(Db, Clock) : SqliteStore.Open(Db, Clock);
        await Store.MigrateAsync();
        var op = ApiKeys.Issue(ApiKeyScope.Operator, null, "test operator", DateTimeOffset.UtcNow);
        await Store.WriteAsync(async tx =>
        {
            await tx.InsertApiKey(op.Record);
            return 0;
        });
        OperatorKey = op.Plaintext;
        App = SmallChangeHost.Build(options, Store, b =>
        {
            b.WebHost.UseTestServer();
            ConfigureHost(b);
        });
        await App.StartAsync();
        Operator = Client(OperatorKey);
        Anonymous = Client(null);
    }

    /// <summary>Further host setup by a fixture of its own (a log sink), after the host's own.</summary>
    protected virtual void ConfigureHost(WebApplicationBuilder builder)
    {
    }

    /// <summary>A client on the test server sending <paramref name="apiKey"/> as a bearer token (none when null).</summary>
    public HttpClient Client(string? apiKey)
    {
        var c = App.GetTestClient();
        if (apiKey is not null)
        {
            c.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        }

        return c;
    }

    /// <summary>POST /v1/sources as the operator; asserts 201 and returns the source with a client using its key.</summary>
    public async Task<TestSource> CreateSource(params string[] currencies)
    {
        using var r = await Operator.PostAsync("/v1/sources", Json.Body(new
        {
            name = "Test source " + Guid.NewGuid().ToString("N")[..8],
            type = "creator_earnings",
            currencies = currencies.Length == 0 ? ["USD", "KRW"] : currencies,
        }));
        var body = await Json.Expect(r, HttpStatusCode.Created);
        var key = body.GetProperty("api_key").GetString()!;
        return new TestSource(body.GetProperty("source").GetProperty("id").GetGuid(), key, Client(key));
    }

    /// <summary>POST /v1/holders as the operator; asserts 201 and returns the holder id.</summary>
    public async Task<Guid> CreateHolder(string? externalRef = null, string name = "Ava Thompson", string country = "US")
    {
        using var r = await Operator.PostAsync("/v1/holders", Json.Body(new { external_ref = externalRef ?? NewRef("holder"), name, country }));
        var body = await Json.Expect(r, HttpStatusCode.Created);
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>GET /v1/holders/{id}/balances as the operator.</summary>
    public async Task<JsonElement> Balances(Guid holder)
    {
        using var r = await Operator.GetAsync($"/v1/holders/{holder}/balances");
        return await Json.Expect(r, HttpStatusCode.OK);
    }

    /// <summary>The holder's available balance in one currency as the API writes it, or null when there is no wallet in it.</summary>
    public async Task<string?> Available(Guid holder, string currency)
    {
        var b = await Balances(holder);
        foreach (var w in b.GetProperty("balances").EnumerateArray())
        {
            if (w.GetProperty("currency").GetString() == currency)
            {
                return w.GetProperty("available").GetString();
            }
        }

        return null;
    }

    /// <summary>Asserts that the holder has no credit and no money at all.</summary>
    public async Task AssertHolderUntouched(Guid holder)
    {
        var b = await Balances(holder);
        foreach (var w in b.GetProperty("balances").EnumerateArray())
        {
            Assert.Equal(0m, decimal.Parse(w.GetProperty("posted").GetString()!, CultureInfo.InvariantCulture));
        }

        Assert.Equal(0, b.GetProperty("by_source").GetArrayLength());
        var credits = await Store.ReadAsync(r => r.ListCredits(new HolderId(holder), null, null, 10));
        Assert.Empty(credits.Items);
    }

    public Task<Credit?> FindCredit(Guid source, string sourceRef) => Store.ReadAsync(r => r.FindCredit(new SourceId(source), sourceRef));

    /// <summary>Every account's totals as computed from the stored transfers (accounts with no transfer are left out).</summary>
    public Task<IReadOnlyList<AccountTotals>> Snapshot() => Store.ReadAsync<IReadOnlyList<AccountTotals>>(async r =>
    {
        var list = new List<AccountTotals>();
        await foreach (var t in r.TotalsFromTransfers())
        {
            list.Add(t);
        }

        return list.OrderBy(t => t.Account.Value).ToList();
    });

    /// <summary>Asserts that no transfer was written since <paramref name="before"/> was taken, and that the ledger verifies.</summary>
    public async Task AssertNothingWritten(IReadOnlyList<AccountTotals> before)
    {
        Assert.Equal(before, await Snapshot());
        await AssertLedgerVerifies();
    }

    public async Task AssertLedgerVerifies()
    {
        var report = await LedgerVerifier.Verify(Store);
        Assert.True(report.Ok, report.FirstViolation);
        var log = await Core.Audit.LogVerifier.Verify(Store);
        Assert.True(log.Ok, log.FirstViolation);
    }

    public static string NewRef(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public async Task DisposeAsync()
    {
        Operator?.Dispose();
        Anonymous?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        _dir.Dispose();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}

/// <summary>The same fixture on PostgreSQL (a schema of its own on the server <c>./test.sh</c> starts).</summary>
public sealed class PostgresApiFixture() : ApiFixture(null, "postgres");
