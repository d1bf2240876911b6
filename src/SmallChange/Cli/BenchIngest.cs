using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;
using SmallChange.Hosting;
using SmallChange.Http;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange bench ingest</c>: durable credit ingestion, batched, in-process and through the HTTP batch
/// endpoint, against a baseline of one credit per SQL transaction measured in the same run on the same store.
/// Every number counts credits committed durably (WAL, <c>synchronous=FULL</c>) through <see cref="CreditService"/>
/// and checked afterwards (each batch must report every credit created; the ledger must verify).
/// The batched and API numbers use <c>--producers</c> concurrent submitters (default 2, one per core), as a
/// client with several sources or connections would; the single-producer number is reported too.
/// See docs/performance.md.
/// </summary>
public static class BenchIngest
{
    public static Command Create()
    {
        var cmd = new Command("ingest", "Measure durable credit ingestion (batched, API, one-per-transaction baseline)");
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var credits = new Option<int>("--credits") { Description = "Credits for the batched run", DefaultValueFactory = _ => 500_000 };
        var batch = new Option<int>("--batch") { Description = "Credits per batch", DefaultValueFactory = _ => 10_000 };
        var holders = new Option<int>("--holders") { Description = "Distinct holders credited", DefaultValueFactory = _ => 10_000 };
        var baselineSeconds = new Option<double>("--baseline-seconds") { Description = "How long the baseline runs", DefaultValueFactory = _ => 3.0 };
        var producers = new Option<int>("--producers") { Description = "Concurrent submitters of batches (in-process and over HTTP)", DefaultValueFactory = _ => 2 };
        cmd.Options.Add(json);
        cmd.Options.Add(credits);
        cmd.Options.Add(batch);
        cmd.Options.Add(holders);
        cmd.Options.Add(baselineSeconds);
        cmd.Options.Add(producers);
        cmd.SetAction(async (parse, ct) =>
        {
            var explicitDb = parse.GetResult(CliRoot.Db) is { Implicit: false };
            var db = explicitDb ? parse.GetValue(CliRoot.Db)! : BenchDb.TempFile("smallchange-bench");
            try
            {
                var result = await Run(db, parse.GetValue(credits), Math.Clamp(parse.GetValue(batch), 1, CreditService.MaxBatch),
                    parse.GetValue(holders), TimeSpan.FromSeconds(parse.GetValue(baselineSeconds)), Math.Clamp(parse.GetValue(producers), 1, 64), ct,
                    explicitDb ? parse.GetValue(CliRoot.PiiKeys) : null);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(result, ApiJson.Options));
                }
                else
                {
                    Console.WriteLine($"batched:  {result.CreditsPerSecond,12:N0} credits/s ({result.Credits:N0} credits, batches of {result.BatchSize:N0}, {result.Producers} producers)");
                    Console.WriteLine($"  single: {result.SingleProducerCreditsPerSecond,12:N0} credits/s (one producer)");
                    Console.WriteLine($"api:      {result.ApiCreditsPerSecond,12:N0} credits/s ({result.ApiCredits:N0} credits over HTTP, {result.Producers} clients)");
                    Console.WriteLine($"baseline: {result.BaselinePerSecond,12:N0} credits/s (one credit per transaction, {result.BaselineCredits:N0} credits)");
                    Console.WriteLine($"ratio:    {result.Ratio,12:N1}x   ({result.Backend}, synchronous={result.Synchronous}, journal={result.JournalMode})");
                    Console.WriteLine($"no log:   {result.CreditsPerSecondWithoutLog,12:N0} credits/s (batched, the verifiable log left out: it costs {result.LogOverheadPercent:N1} %)");
                }

                return 0;
            }
            finally
            {
                if (!explicitDb)
                {
                    BenchDb.Delete(db, ".pii-keys.json");
                }
            }
        });
        return cmd;
    }

    /// <summary>What one run measured. Rates are credits per second of wall-clock time.</summary>
    /// <param name="CreditsPerSecond">Batched, in-process through <see cref="CreditService"/>, <paramref name="Producers"/> concurrent submitters.</param>
    /// <param name="SingleProducerCreditsPerSecond">The same with one submitter: each batch waits for the previous commit.</param>
    /// <param name="ApiCreditsPerSecond">Through POST /v1/credits/batch on loopback, <paramref name="Producers"/> concurrent clients.</param>
    /// <param name="BaselinePerSecond">One credit per <see cref="CreditService.Apply"/> call, so one per SQL transaction, one submitter.</param>
    /// <param name="Ratio"><paramref name="CreditsPerSecond"/> / <paramref name="BaselinePerSecond"/>.</param>
    public sealed record IngestResult(
        long CreditsPerSecond,
        long ApiCreditsPerSecond,
        long BaselinePerSecond,
        double Ratio,
        int Credits,
        int ApiCredits,
        int BaselineCredits,
        int BatchSize,
        int Holders,
        string Backend,
        string Synchronous,
        string JournalMode,
        long SingleProducerCreditsPerSecond,
        int Producers,
        long CreditsPerSecondWithoutLog,
        double LogOverheadPercent);

    /// <summary>A store ready to measure: a source, its holders with their wallets, warmed-up code and caches.</summary>
    internal sealed record Prepared(CreditService Service, Source Source, Holder[] Holders, Func<string, int, CreditCommand> Make, Func<string, int, List<List<CreditCommand>>> Batches);

    internal static async Task<Prepared> Prepare(IStore store, int holderCount, int batchSize, ApiKeys.Issued? key, Source source, CancellationToken ct)
    {
        var clock = TimeProvider.System;
        await store.MigrateAsync(ct);
        var accounts = new AccountDirectory(store);
        var service = new CreditService(store, accounts, clock);
        var now = source.CreatedAt;
        var holders = Enumerable.Range(0, holderCount)
            .Select(i => new Holder(HolderId.New(), $"bench-{source.Id}-{i}", new PersonName("Bench Holder"), "US", HolderStatus.Active, 1, now)).ToArray();
        await store.WriteAsync(async tx =>
        {
            await tx.InsertSource(source);
            if (key is not null)
            {
                await tx.InsertApiKey(key.Record);
            }

            foreach (var h in holders)
            {
                await tx.InsertHolder(h);
            }

            return 0;
        }, ct);
        await accounts.Resolve(holders.Select(h => AccountKey.Wallet(h.Id, Currencies.USD)).Append(AccountKey.Settlement(source.Id, Currencies.USD)), ct);

        var rng = new Random(42);
        CreditCommand Make(string prefix, int i) =>
            new($"{prefix}-{i}", new HolderRef(holders[rng.Next(holders.Length)].Id, null), new Money(rng.Next(1_000, 2_000_000), Currencies.USD), now);
        List<List<CreditCommand>> Batches(string prefix, int count) => Enumerable.Range(0, (count + batchSize - 1) / batchSize)
            .Select(b => Enumerable.Range(b * batchSize, Math.Min(batchSize, count - (b * batchSize))).Select(i => Make(prefix, i)).ToList()).ToList();

        // Warm up (not measured): enough calls for the JIT to reach its optimised tier, then full batches for the
        // statement and page caches.
        for (var w = 0; w < 60; w++)
        {
            await service.Apply(source.Id, Enumerable.Range(0, 100).Select(i => Make($"warm{w}", i)).ToList(), false, ct);
        }

        await Task.Delay(200, ct);
        foreach (var b in Batches("warm", 3 * batchSize))
        {
            await service.Apply(source.Id, b, false, ct);
        }

        return new Prepared(service, source, holders, Make, Batches);
    }

    /// <summary>
    /// The batched rate on a store that leaves the verifiable log out (a fresh SQLite file, or a fresh schema of the same
    /// PostgreSQL database), same data, same producers, after the same one-submitter pass: what the log costs is the
    /// difference.
    /// </summary>
    private static async Task<double> WithoutLog(IStore logged, string db, int total, int batchSize, int holderCount, int producers, CancellationToken ct)
    {
        var (store, drop) = await OpenUnlogged(logged, db, ct);
        try
        {
            // The same work as the logged store before its timed run (the one-submitter pass), so both runs write into
            // a ledger of the same size.
            var p = await Prepare(store, holderCount, batchSize, null, new Source(SourceId.New(), "bench source", SourceType.CreatorEarnings, [Currencies.USD], TimeProvider.System.GetUtcNow()), ct);
            await Batched(p.Service, p.Source.Id, p.Batches("single", total), 1, ct);
            return await Batched(p.Service, p.Source.Id, p.Batches("batch", total), producers, ct);
        }
        finally
        {
            await drop();
        }
    }

    /// <summary>
    /// A store of the same backend as <paramref name="logged"/> that leaves the verifiable log out: a fresh SQLite file
    /// beside the temp folder, or a fresh schema of the same PostgreSQL database; the returned action disposes it and
    /// deletes the file (a schema stays, as the logged run's data does).
    /// </summary>
    internal static async Task<(IStore Store, Func<ValueTask> Drop)> OpenUnlogged(IStore logged, string db, CancellationToken ct)
    {
        var clock = TimeProvider.System;
        if (logged is Adapters.Storage.Postgres.PostgresStore pg)
        {
            var schema = $"bench_nolog_{Guid.NewGuid():N}";
            await pg.Scalar($"CREATE SCHEMA {schema}", ct);
            var b = Adapters.Storage.Postgres.PostgresConnectionString.Parse(db);
            b.SearchPath = schema;
            var pgStore = Adapters.Storage.Postgres.PostgresStore.Open(b.ConnectionString, clock, log: false, personalData: pg.PersonalData);
            return (pgStore, pgStore.DisposeAsync);
        }

        var file = BenchDb.TempFile("smallchange-bench-nolog");
        var store = Adapters.Storage.Sqlite.SqliteStore.Open(file, clock, log: false, personalData: ((Adapters.Storage.IPersonalDataStore)logged).PersonalData);
        return (store, async () =>
        {
            await store.DisposeAsync();
            BenchDb.Delete(file);
        });
    }

    public static async Task<IngestResult> Run(string db, int total, int batchSize, int holderCount, TimeSpan baselineFor, int producers, CancellationToken ct, string? piiKeys = null)
    {
        var clock = TimeProvider.System;
        await using var store = StoreFactory.Open(db, clock, piiKeys);
        var now = clock.GetUtcNow();
        var source = new Source(SourceId.New(), "bench source", SourceType.CreatorEarnings, [Currencies.USD], now);
        var key = ApiKeys.Issue(ApiKeyScope.Source, source.Id, "bench", now);
        var prepared = await Prepare(store, holderCount, batchSize, key, source, ct);
        var (service, holders, Make, Batches) = (prepared.Service, prepared.Holders, prepared.Make, prepared.Batches);

        // The commands of the batched runs are built up front, outside the timed phases.
        var singleBatches = Batches("single", total);
        var batches = Batches("batch", total);

        // Baseline: one credit per SQL transaction, same store and durability, one submitter.
        var baselineCount = 0;
        Settle();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < baselineFor)
        {
            await service.Apply(source.Id, [Make("base", baselineCount)], false, ct);
            baselineCount++;
        }

        var baselineRate = baselineCount / sw.Elapsed.TotalSeconds;

        // Batched, in-process: one submitter, then several.
        var singleRate = await Batched(service, source.Id, singleBatches, 1, ct);
        var batchedRate = await Batched(service, source.Id, batches, producers, ct);
        var withoutLogRate = await WithoutLog(store, db, total, batchSize, holderCount, producers, ct);

        // Through the HTTP batch endpoint on loopback.
        var port = FreePort();
        var options = new ServeOptions(db, $"http://127.0.0.1:{port}", RunWorkers: false);
        await using var app = SmallChangeHost.Build(options, store);
        await app.StartAsync(ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key.Plaintext);
        var apiTotal = Math.Min(total, 200_000);
        byte[] Body(string prefix, int from, int count, Func<int, HolderId>? holderOf = null) => JsonSerializer.SerializeToUtf8Bytes(new
        {
            items = Enumerable.Range(from, count).Select(i =>
            {
                var c = Make(prefix, i);
                return new { source_ref = c.SourceRef, holder_id = (holderOf?.Invoke(i) ?? c.Holder.Id!.Value).Value, amount = c.Amount.ToDecimalString(), currency = "USD" };
            }).ToArray(),
        });
        async Task<int> Post(byte[] body)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var resp = await http.PostAsync("/v1/credits/batch", content, ct);
            resp.EnsureSuccessStatusCode();
            return CountCreated(await resp.Content.ReadAsByteArrayAsync(ct));
        }

        // Warm up the endpoint as the in-process path was, and let the host's own account directory see every
        // holder's wallet once, as a long-running server's would have (not measured).
        for (var w = 0; w < 40; w++)
        {
            await Post(Body($"apiwarm{w}", 0, 100));
        }

        for (var from = 0; from < holders.Length; from += batchSize)
        {
            await Post(Body("apiwarm", from, Math.Min(batchSize, holders.Length - from), i => holders[i].Id));
        }

        var bodies = Enumerable.Range(0, (apiTotal + batchSize - 1) / batchSize).Select(b => Body("api", b * batchSize, Count(b, batchSize, apiTotal))).ToList();
        var nextBody = -1;
        Settle();
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref nextBody)) < bodies.Count)
            {
                if (await Post(bodies[b]) != Count(b, batchSize, apiTotal))
                {
                    throw new InvalidOperationException("bench: an API credit was not created");
                }
            }
        }, ct)));

        var apiRate = apiTotal / sw.Elapsed.TotalSeconds;
        await app.StopAsync(ct);

        var report = await LedgerVerifier.Verify(store, ct);
        if (!report.Ok)
        {
            throw new InvalidOperationException("bench: ledger does not verify: " + report.FirstViolation);
        }

        if (store is Adapters.Storage.Sqlite.SqliteStore chains && await chains.VerifyChains(ct) is { } broken)
        {
            throw new InvalidOperationException("bench: account chains do not verify: " + broken);
        }

        var (sync, journal) = store switch
        {
            Adapters.Storage.Sqlite.SqliteStore s => (await s.Pragma("synchronous") == "2" ? "full" : await s.Pragma("synchronous"), await s.Pragma("journal_mode")),
            // As the server reports them: synchronous_commit (on = the WAL is flushed before a commit returns) and fsync.
            Adapters.Storage.Postgres.PostgresStore p => (await p.Scalar("SHOW synchronous_commit", ct) ?? "", "wal, fsync=" + await p.Scalar("SHOW fsync", ct)),
            _ => ("unknown", "unknown"),
        };
        return new IngestResult((long)batchedRate, (long)apiRate, (long)baselineRate, Math.Round(batchedRate / baselineRate, 1),
            total, apiTotal, baselineCount, batchSize, holderCount, store.Backend, sync, journal, (long)singleRate, producers,
            (long)withoutLogRate, Math.Round(100 * (withoutLogRate - batchedRate) / withoutLogRate, 1));
    }

    /// <summary>Submits the batches from <paramref name="producers"/> concurrent tasks; every credit must come back created.</summary>
    internal static async Task<double> Batched(CreditService service, SourceId source, List<List<CreditCommand>> batches, int producers, CancellationToken ct)
    {
        var total = batches.Sum(b => b.Count);
        var next = -1;
        Settle();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches.Count)
            {
                var r = await service.Apply(source, batches[b], false, ct);
                if (!r.IsOk || r.Value.Count != batches[b].Count || r.Value.Any(o => o.Status != CreditOutcomeStatus.Created))
                {
                    throw new InvalidOperationException("bench: a batched credit was not created");
                }
            }
        }, ct)));
        return total / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Starts a timed phase from a collected heap, so that it does not pay for the garbage of the setup before it.</summary>
    internal static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static int Count(int batch, int batchSize, int total) => Math.Min(batchSize, total - (batch * batchSize));

    /// <summary>Reads a batch response as a client would, item by item (without building a document), and counts the items whose status is "created".</summary>
    private static int CountCreated(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        var created = 0;
        while (reader.Read())
        {
            // Items are objects at depth 2 (root → results → item); their own "status" is read, not the nested credit's.
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 3 && reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                created += reader.ValueTextEquals("created"u8) ? 1 : 0;
            }
        }

        return created;
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
