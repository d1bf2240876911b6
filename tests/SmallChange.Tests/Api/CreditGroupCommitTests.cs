using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// POST /v1/credits under concurrency: single credits share store transactions (<see cref="CreditBatcher"/>), yet every
/// request gets its own answer, duplicates in one group behave as if sequential, and a failed group writes nothing.
/// Run on both backends.
/// </summary>
public abstract class CreditGroupCommitTests(ApiFixture api)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PostCredit_HundredsConcurrent_AllStoredBalancesExactAndShared()
    {
        var sources = new[] { await api.CreateSource("USD"), await api.CreateSource("USD") };
        var holders = new Guid[12];
        for (var h = 0; h < holders.Length; h++)
        {
            holders[h] = await api.CreateHolder();
        }

        var batcher = api.App.Services.GetRequiredService<CreditBatcher>();
        var groupsBefore = batcher.GroupsCommitted;
        var creditsBefore = batcher.CreditsCommitted;
        var rng = new Random(7);
        var sends = Enumerable.Range(0, 400).Select(i => (
            Source: sources[i % sources.Length],
            Holder: holders[rng.Next(holders.Length)],
            Units: (long)rng.Next(1, 5_000_000),
            Ref: ApiFixture.NewRef($"gc{i}"))).ToArray();

        var responses = await Task.WhenAll(sends.Select(async s =>
        {
            using var r = await s.Source.Client.PostAsync("/v1/credits", Json.Body(new
            {
                source_ref = s.Ref, holder_id = s.Holder, amount = Dollars(s.Units), currency = "USD",
            }));
            return (await Json.Expect(r, HttpStatusCode.Created), r.Headers.Location?.OriginalString);
        }));

        for (var i = 0; i < sends.Length; i++)
        {
            var (body, location) = responses[i];
            Assert.Equal("created", body.GetProperty("status").GetString());
            Assert.Equal(sends[i].Ref, body.GetProperty("source_ref").GetString());
            Assert.Equal(Dollars(sends[i].Units), body.GetProperty("amount").GetString());
            Assert.Equal($"/v1/sources/{sends[i].Source.Id}/credit?source_ref={Uri.EscapeDataString(sends[i].Ref)}", location);
            var stored = await api.FindCredit(sends[i].Source.Id, sends[i].Ref);
            Assert.NotNull(stored);
            Assert.Equal(body.GetProperty("transfer_id").GetGuid(), stored.TransferId.Value);
            Assert.Equal(sends[i].Units, stored.Amount.Units);
        }

        foreach (var holder in holders)
        {
            var mine = sends.Where(s => s.Holder == holder).ToArray();
            Assert.Equal(mine.Sum(s => s.Units), Units(await api.Available(holder, "USD")));
            var bySource = (await api.Balances(holder)).GetProperty("by_source").EnumerateArray()
                .ToDictionary(b => b.GetProperty("source_id").GetGuid(), b => b.GetProperty("credits").GetInt64());
            foreach (var source in sources)
            {
                Assert.Equal(mine.Count(s => s.Source == source), bySource.GetValueOrDefault(source.Id));
            }
        }

        await api.AssertLedgerVerifies();
        if (api.Store is SqliteStore sqlite)
        {
            Assert.Null(await sqlite.VerifyChains());
        }

        // The credits went through the batcher, and at least some of them shared a transaction.
        Assert.Equal(400, batcher.CreditsCommitted - creditsBefore);
        Assert.InRange(batcher.GroupsCommitted - groupsBefore, 1, 399);
    }

    [Fact]
    public async Task PostCredit_ConcurrentSameSourceRef_ExactlyOneCreatedOthersReplayOrConflict()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var reference = ApiFixture.NewRef("dup");

        // Half send one amount, half another, all at once, for the same source_ref.
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            var amount = i % 2 == 0 ? "0.25" : "0.30";
            using var r = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = reference, holder_id = holder, amount, currency = "USD" }));
            var body = await Json.Expect(r, r.StatusCode);
            return (Amount: amount, r.StatusCode, Body: body);
        }));

        var created = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        var transfer = created.Body.GetProperty("transfer_id").GetGuid();
        foreach (var a in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            if (a.Amount == created.Amount)
            {
                Assert.Equal(HttpStatusCode.OK, a.StatusCode);
                Assert.Equal("exists", a.Body.GetProperty("status").GetString());
                Assert.Equal(transfer, a.Body.GetProperty("transfer_id").GetGuid());
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, a.StatusCode);
                Assert.Equal("credit.conflict", a.Body.GetProperty("code").GetString());
            }
        }

        Assert.Equal(created.Amount, await api.Available(holder, "USD"));
        var by = Assert.Single((await api.Balances(holder)).GetProperty("by_source").EnumerateArray());
        Assert.Equal(1, by.GetProperty("credits").GetInt64());
        Assert.Equal(transfer, (await api.FindCredit(source.Id, reference))!.TransferId.Value);
        await api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task PostCredit_DuplicatesAndBadItemsInOneGroup_EachAnsweredAsIfSequential()
    {
        await using var host = await GatedHost.StartAsync(api.Backend);
        var (source, holder) = await host.SourceAndWarmHolder();
        var reference = ApiFixture.NewRef("same");
        var writes = host.Store.Writes;
        var groups = host.Batcher.GroupsCommitted;

        // The writer takes A and is held inside A's transaction while the rest queue up behind it: they form one group.
        var gate = host.Store.Hold();
        var a = host.Credit(source, new { source_ref = ApiFixture.NewRef("a"), holder_id = holder, amount = "1.00", currency = "USD" });
        await gate.Entered.Task.WaitAsync(Patience);
        var queued = new List<Task<HttpResponseMessage>>();
        foreach (var body in new object[]
        {
            new { source_ref = reference, holder_id = holder, amount = "0.40", currency = "USD" },            // B: created
            new { source_ref = reference, holder_id = holder, amount = "0.40", currency = "USD" },            // C: replay of B
            new { source_ref = reference, holder_id = holder, amount = "0.41", currency = "USD" },            // D: conflicts with B
            new { source_ref = ApiFixture.NewRef("x"), holder_id = Guid.NewGuid(), amount = "1", currency = "USD" }, // E: no such holder
            new { source_ref = ApiFixture.NewRef("y"), holder_id = holder, amount = "1", currency = "KRW" },  // F: currency not accepted
            new { source_ref = ApiFixture.NewRef("z"), holder_id = holder, amount = "0.02", currency = "USD" }, // G: created
        })
        {
            queued.Add(host.Credit(source, body));
            await host.WaitQueued(queued.Count); // one at a time, so the queue order is the order above
        }

        gate.Release.SetResult();

        using (var ra = await a)
        {
            await Json.Expect(ra, HttpStatusCode.Created);
        }

        var r = await Task.WhenAll(queued);
        var b = await Json.Expect(r[0], HttpStatusCode.Created);
        var c = await Json.Expect(r[1], HttpStatusCode.OK);
        Assert.Equal("exists", c.GetProperty("status").GetString());
        Assert.Equal(b.GetProperty("transfer_id").GetGuid(), c.GetProperty("transfer_id").GetGuid());
        await Json.ExpectProblem(r[2], HttpStatusCode.Conflict, "credit.conflict");
        await Json.ExpectProblem(r[3], HttpStatusCode.NotFound, "holder.not_found");
        await Json.ExpectProblem(r[4], HttpStatusCode.BadRequest, "currency.not_accepted");
        await Json.Expect(r[5], HttpStatusCode.Created);
        foreach (var m in r)
        {
            m.Dispose();
        }

        // A's transaction and one more for all of B..G.
        Assert.Equal(2, host.Store.Writes - writes);
        Assert.Equal(2, host.Batcher.GroupsCommitted - groups);
        Assert.Equal(1_430_000, Units(await host.Available(holder))); // 0.01 + 1.00 + 0.40 + 0.02
        Assert.Equal(400_000, (await host.FindCredit(source.Id, reference))!.Amount.Units);
        await host.AssertLedgerVerifies();
    }

    [Theory]
    [InlineData(false, HttpStatusCode.InternalServerError, "server.error")]
    [InlineData(true, HttpStatusCode.ServiceUnavailable, "server.unavailable")]
    public async Task PostCredit_GroupTransactionFails_AllItsRequestsGet5xxNothingWrittenNextGroupSucceeds(bool outage, HttpStatusCode status, string code)
    {
        await using var host = await GatedHost.StartAsync(api.Backend);
        var (source, holder) = await host.SourceAndWarmHolder();

        // A holds the writer; B1..B10 queue behind it and form the next group, whose transaction writes every row and
        // then throws before commit: a bug (500), or the database gone (503, as for a request of its own).
        var gate = host.Store.Hold();
        host.Store.FailNext(outage
            ? new StoreUnavailableException("test: the database is unreachable", new InvalidOperationException("test"))
            : new InvalidOperationException("test: the transaction failed before commit"));
        var a = host.Credit(source, new { source_ref = ApiFixture.NewRef("a"), holder_id = holder, amount = "1.00", currency = "USD" });
        await gate.Entered.Task.WaitAsync(Patience);
        var refs = Enumerable.Range(1, 10).Select(i => ApiFixture.NewRef($"b{i}")).ToArray();
        var failing = refs.Select(reference => host.Credit(source, new { source_ref = reference, holder_id = holder, amount = "0.10", currency = "USD" })).ToArray();
        await host.WaitQueued(refs.Length);
        gate.Release.SetResult();

        using (var ra = await a)
        {
            await Json.Expect(ra, HttpStatusCode.Created);
        }

        foreach (var response in await Task.WhenAll(failing))
        {
            await Json.ExpectProblem(response, status, code);
            response.Dispose();
        }

        Assert.Equal(refs.Length, host.Store.RowsWrittenThenRolledBack);
        foreach (var reference in refs)
        {
            Assert.Null(await host.FindCredit(source.Id, reference));
        }

        Assert.Equal(1_010_000, Units(await host.Available(holder)));

        // The batcher carries on: a later credit, and a retry of a failed one, are created.
        using (var later = await host.Credit(source, new { source_ref = ApiFixture.NewRef("later"), holder_id = holder, amount = "0.05", currency = "USD" }))
        {
            await Json.Expect(later, HttpStatusCode.Created);
        }

        using (var retry = await host.Credit(source, new { source_ref = refs[0], holder_id = holder, amount = "0.10", currency = "USD" }))
        {
            await Json.Expect(retry, HttpStatusCode.Created);
        }

        Assert.Equal(1_160_000, Units(await host.Available(holder)));
        await host.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Submit_CancelledWhileQueued_NotWrittenAndGroupUnaffected()
    {
        await using var host = await GatedHost.StartAsync(api.Backend);
        var (source, holder) = await host.SourceAndWarmHolder();
        var sourceId = new SourceId(source.Id);
        CreditCommand Command(string reference) =>
            new(reference, new HolderRef(new HolderId(holder), null), new Money(250_000, Currencies.USD), DateTimeOffset.UtcNow, OccurredAtGiven: false);

        var gate = host.Store.Hold();
        var a = host.Batcher.Submit(sourceId, Command(ApiFixture.NewRef("a")));
        await gate.Entered.Task.WaitAsync(Patience);
        using var cancel = new CancellationTokenSource();
        var gone = ApiFixture.NewRef("gone");
        var b = host.Batcher.Submit(sourceId, Command(gone), cancel.Token);
        var c = host.Batcher.Submit(sourceId, Command(ApiFixture.NewRef("c")));
        await host.WaitQueued(2);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b);
        gate.Release.SetResult();

        Assert.Equal(CreditOutcomeStatus.Created, (await a).Status);
        var kept = await c;
        Assert.Equal(CreditOutcomeStatus.Created, kept.Status);
        Assert.NotNull(await host.FindCredit(source.Id, kept.Credit!.SourceRef));
        Assert.Null(await host.FindCredit(source.Id, gone));
        Assert.Equal(510_000, Units(await host.Available(holder)));
        await host.AssertLedgerVerifies();
    }

    [Fact]
    public async Task PostCredit_GroupCommitSwitchedOff_OneTransactionPerCredit()
    {
        await using var host = await GatedHost.StartAsync(api.Backend, groupCommit: false);
        var (source, holder) = await host.SourceAndWarmHolder();
        var writes = host.Store.Writes;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            host.Credit(source, new { source_ref = ApiFixture.NewRef($"off{i}"), holder_id = holder, amount = "0.05", currency = "USD" })));

        foreach (var r in responses)
        {
            await Json.Expect(r, HttpStatusCode.Created);
            r.Dispose();
        }

        Assert.Equal(20, host.Store.Writes - writes);
        Assert.Equal(0, host.Batcher.GroupsCommitted);
        Assert.Equal(1_010_000, Units(await host.Available(holder)));
        await host.AssertLedgerVerifies();
    }

    private static string Dollars(long micros) => new Money(micros, Currencies.USD).ToDecimalString();

    /// <summary>A USD amount as the API writes it, in ledger units (micro-dollars); 0 when there is none.</summary>
    private static long Units(string? dollars) => dollars is null ? 0 : Money.Parse(dollars, Currencies.USD).Value.Units;

    /// <summary>
    /// The real host on a fresh database (a SQLite file or a PostgreSQL schema), through a <see cref="ScriptedStore"/> so
    /// a test can hold the writer inside a transaction or make a transaction fail.
    /// </summary>
    private sealed class GatedHost : IAsyncDisposable
    {
        private readonly TempDir _dir = new("group-commit");
        private IStore _real = null!;
        private WebApplication _app = null!;
        private HttpClient _operator = null!;
        private readonly List<HttpClient> _clients = [];

        public ScriptedStore Store { get; private set; } = null!;

        public CreditBatcher Batcher => _app.Services.GetRequiredService<CreditBatcher>();

        public static async Task<GatedHost> StartAsync(string backend, bool groupCommit = true)
        {
            var h = new GatedHost();
            var db = backend == "postgres" ? await SmallChange.Testing.TestPostgres.NewSchema("gc") : h._dir.File("gc.db");
            var options = new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false);
            h._real = backend == "postgres" ? PostgresStore.Open(db, options.Clock) : SqliteStore.Open(db, options.Clock);
            await h._real.MigrateAsync();
            var op = ApiKeys.Issue(ApiKeyScope.Operator, null, "test operator", DateTimeOffset.UtcNow);
            await h._real.WriteAsync(async tx =>
            {
                await tx.InsertApiKey(op.Record);
                return 0;
            });
            h.Store = new ScriptedStore(h._real);
            h._app = SmallChangeHost.Build(options, h.Store, b =>
            {
                b.WebHost.UseTestServer();
                b.Configuration["SmallChange:Credits:GroupCommit"] = groupCommit ? "true" : "false";
            });
            await h._app.StartAsync();
            h._operator = h.Client(op.Plaintext);
            return h;
        }

        /// <summary>A USD source and a holder that already has 0.01 from it (so its accounts exist before a test counts writes).</summary>
        public async Task<(TestSource Source, Guid Holder)> SourceAndWarmHolder()
        {
            using var s = await _operator.PostAsync("/v1/sources", Json.Body(new { name = "group commit", type = "creator_earnings", currencies = new[] { "USD" } }));
            var sb = await Json.Expect(s, HttpStatusCode.Created);
            var key = sb.GetProperty("api_key").GetString()!;
            var source = new TestSource(sb.GetProperty("source").GetProperty("id").GetGuid(), key, Client(key));
            using var hr = await _operator.PostAsync("/v1/holders", Json.Body(new { external_ref = ApiFixture.NewRef("holder"), name = "Ava Thompson", country = "US" }));
            var holder = (await Json.Expect(hr, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            using var warm = await Credit(source, new { source_ref = ApiFixture.NewRef("warm"), holder_id = holder, amount = "0.01", currency = "USD" });
            await Json.Expect(warm, HttpStatusCode.Created);
            return (source, holder);
        }

        public Task<HttpResponseMessage> Credit(TestSource source, object body) => source.Client.PostAsync("/v1/credits", Json.Body(body));

        public async Task WaitQueued(int count)
        {
            var until = DateTime.UtcNow + Patience;
            while (Batcher.Queued < count)
            {
                Assert.True(DateTime.UtcNow < until, $"expected {count} queued credits, have {Batcher.Queued}");
                await Task.Delay(5);
            }
        }

        public async Task<string?> Available(Guid holder)
        {
            using var r = await _operator.GetAsync($"/v1/holders/{holder}/balances");
            var b = await Json.Expect(r, HttpStatusCode.OK);
            return b.GetProperty("balances").EnumerateArray().Where(w => w.GetProperty("currency").GetString() == "USD")
                .Select(w => w.GetProperty("available").GetString()).SingleOrDefault();
        }

        public Task<Credit?> FindCredit(Guid source, string sourceRef) => _real.ReadAsync(r => r.FindCredit(new SourceId(source), sourceRef));

        public async Task AssertLedgerVerifies()
        {
            var report = await LedgerVerifier.Verify(_real);
            Assert.True(report.Ok, report.FirstViolation);
            if (_real is SqliteStore sqlite)
            {
                Assert.Null(await sqlite.VerifyChains());
            }
        }

        private HttpClient Client(string key)
        {
            var c = _app.GetTestClient();
            c.DefaultRequestHeaders.Authorization = new("Bearer", key);
            _clients.Add(c);
            return c;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var c in _clients)
            {
                c.Dispose();
            }

            await _app.StopAsync();
            await _app.DisposeAsync();
            await _real.DisposeAsync();
            _dir.Dispose();
        }
    }

    /// <summary>A held write: <see cref="Entered"/> completes when the writer reaches it, and it goes on at <see cref="Release"/>.</summary>
    private sealed record Gate(TaskCompletionSource Entered, TaskCompletionSource Release);

    /// <summary>
    /// The real store, except that the next write transactions can be scripted: held at a gate, or failed — the work runs
    /// (rows are written inside the transaction) and then it throws, so the real store must roll it back.
    /// </summary>
    private sealed class ScriptedStore(IStore inner) : IStore
    {
        private readonly ConcurrentQueue<Func<Task<Exception?>>> _script = new();
        private int _writes;
        private int _rolledBackRows;

        public string Backend => inner.Backend;

        /// <summary>Write transactions begun through this store.</summary>
        public int Writes => Volatile.Read(ref _writes);

        /// <summary>Credit rows that a failed transaction had written before it threw.</summary>
        public int RowsWrittenThenRolledBack => Volatile.Read(ref _rolledBackRows);

        /// <summary>Holds the next write transaction not yet scripted until the gate is released.</summary>
        public Gate Hold()
        {
            var gate = new Gate(new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));
            _script.Enqueue(async () =>
            {
                gate.Entered.SetResult();
                await gate.Release.Task;
                return null;
            });
            return gate;
        }

        /// <summary>Fails the next write transaction not yet scripted with <paramref name="failure"/>, after its work ran.</summary>
        public void FailNext(Exception failure) => _script.Enqueue(() => Task.FromResult<Exception?>(failure));

        public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct = default) => inner.MigrateAsync(ct);

        public async Task<T> WriteAsync<T>(Func<IStoreTx, ValueTask<T>> work, CancellationToken ct = default)
        {
            Interlocked.Increment(ref _writes);
            var failure = _script.TryDequeue(out var step) ? await step() : null;
            if (failure is null)
            {
                return await inner.WriteAsync(work, ct);
            }

            return await inner.WriteAsync<T>(async tx =>
            {
                var result = await work(tx);
                if (result is IReadOnlyList<CreditWriteResult> rows)
                {
                    Interlocked.Add(ref _rolledBackRows, rows.Count(w => w.Status == CreditWriteStatus.Created));
                }

                // Not an I/O error: the PostgreSQL store would re-run a transaction that lost its connection.
                throw failure;
            }, ct);
        }

        public Task<T> ReadAsync<T>(Func<IStoreReader, ValueTask<T>> work, CancellationToken ct = default) => inner.ReadAsync(work, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the host does not own the real store
    }
}

public sealed class SqliteCreditGroupCommitTests(ApiFixture api) : CreditGroupCommitTests(api), IClassFixture<ApiFixture>;

public sealed class PostgresCreditGroupCommitTests(PostgresApiFixture api) : CreditGroupCommitTests(api), IClassFixture<PostgresApiFixture>;
