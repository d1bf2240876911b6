using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
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
        cmd.Options.Add(json);
        cmd.Options.Add(credits);
        cmd.Options.Add(batch);
        cmd.Options.Add(holders);
        cmd.Options.Add(baselineSeconds);
        cmd.SetAction(async (parse, ct) =>
        {
            var explicitDb = parse.GetResult(CliRoot.Db) is { Implicit: false };
            var db = explicitDb ? parse.GetValue(CliRoot.Db)! : Path.Combine(Path.GetTempPath(), $"smallchange-bench-{Guid.NewGuid():N}.db");
            try
            {
                var result = await Run(db, parse.GetValue(credits), Math.Clamp(parse.GetValue(batch), 1, CreditService.MaxBatch),
                    parse.GetValue(holders), TimeSpan.FromSeconds(parse.GetValue(baselineSeconds)), ct);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(result, ApiJson.Options));
                }
                else
                {
                    Console.WriteLine($"batched:  {result.CreditsPerSecond,12:N0} credits/s ({result.Credits:N0} credits, batches of {result.BatchSize:N0})");
                    Console.WriteLine($"api:      {result.ApiCreditsPerSecond,12:N0} credits/s ({result.ApiCredits:N0} credits over HTTP)");
                    Console.WriteLine($"baseline: {result.BaselinePerSecond,12:N0} credits/s (one credit per transaction, {result.BaselineCredits:N0} credits)");
                    Console.WriteLine($"ratio:    {result.Ratio,12:N1}x   ({result.Backend}, synchronous={result.Synchronous}, journal={result.JournalMode})");
                }

                return 0;
            }
            finally
            {
                if (!explicitDb)
                {
                    foreach (var f in new[] { db, db + "-wal", db + "-shm" })
                    {
                        File.Delete(f);
                    }
                }
            }
        });
        return cmd;
    }

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
        string JournalMode);

    public static async Task<IngestResult> Run(string db, int total, int batchSize, int holderCount, TimeSpan baselineFor, CancellationToken ct)
    {
        var clock = TimeProvider.System;
        await using var store = StoreFactory.Open(db, clock);
        await store.MigrateAsync(ct);
        var accounts = new AccountDirectory(store);
        var service = new CreditService(store, accounts, clock);
        var now = clock.GetUtcNow();
        var source = new Source(SourceId.New(), "bench source", SourceType.CreatorEarnings, [Currencies.USD], now);
        var key = ApiKeys.Issue(ApiKeyScope.Source, source.Id, "bench", now);
        var holders = Enumerable.Range(0, holderCount)
            .Select(i => new Holder(HolderId.New(), $"bench-{source.Id}-{i}", new PersonName("Bench Holder"), "US", HolderStatus.Active, 1, now)).ToArray();
        await store.WriteAsync(async tx =>
        {
            await tx.InsertSource(source);
            await tx.InsertApiKey(key.Record);
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

        // Warm up JIT and statement caches.
        await service.Apply(source.Id, Enumerable.Range(0, 2_000).Select(i => Make("warm", i)).ToList(), false, ct);

        // Baseline: one credit per SQL transaction, same store and durability.
        var baselineCount = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < baselineFor)
        {
            await service.Apply(source.Id, [Make("base", baselineCount)], false, ct);
            baselineCount++;
        }

        var baselineRate = baselineCount / sw.Elapsed.TotalSeconds;

        // Batched, in-process.
        var batches = Enumerable.Range(0, (total + batchSize - 1) / batchSize)
            .Select(b => Enumerable.Range(b * batchSize, Math.Min(batchSize, total - (b * batchSize))).Select(i => Make("batch", i)).ToList()).ToList();
        sw.Restart();
        foreach (var b in batches)
        {
            var r = await service.Apply(source.Id, b, false, ct);
            if (!r.IsOk || r.Value.Any(o => o.Status != CreditOutcomeStatus.Created))
            {
                throw new InvalidOperationException("bench: a batched credit was not created");
            }
        }

        var batchedRate = total / sw.Elapsed.TotalSeconds;

        // Through the HTTP batch endpoint on loopback.
        var port = FreePort();
        var options = new ServeOptions(db, $"http://127.0.0.1:{port}", RunWorkers: false);
        await using var app = SmallChangeHost.Build(options, store);
        await app.StartAsync(ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key.Plaintext);
        var apiTotal = Math.Min(total, 200_000);
        var bodies = Enumerable.Range(0, (apiTotal + batchSize - 1) / batchSize).Select(b => JsonSerializer.SerializeToUtf8Bytes(new
        {
            items = Enumerable.Range(b * batchSize, Math.Min(batchSize, apiTotal - (b * batchSize))).Select(i =>
            {
                var c = Make("api", i);
                return new { source_ref = c.SourceRef, holder_id = c.Holder.Id!.Value.Value, amount = c.Amount.ToDecimalString(), currency = "USD" };
            }).ToArray(),
        })).ToList();
        sw.Restart();
        foreach (var body in bodies)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var resp = await http.PostAsync("/v1/credits/batch", content, ct);
            resp.EnsureSuccessStatusCode();
            var parsed = await resp.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (parsed.GetProperty("failed").GetInt32() != 0)
            {
                throw new InvalidOperationException("bench: an API credit failed");
            }
        }

        var apiRate = apiTotal / sw.Elapsed.TotalSeconds;
        await app.StopAsync(ct);

        var report = await LedgerVerifier.Verify(store, ct);
        if (!report.Ok)
        {
            throw new InvalidOperationException("bench: ledger does not verify: " + report.FirstViolation);
        }

        var (sync, journal) = store is Adapters.Storage.Sqlite.SqliteStore s
            ? (await s.Pragma("synchronous") == "2" ? "full" : await s.Pragma("synchronous"), await s.Pragma("journal_mode"))
            : ("on", "wal");
        return new IngestResult((long)batchedRate, (long)apiRate, (long)baselineRate, Math.Round(batchedRate / baselineRate, 1),
            total, apiTotal, baselineCount, batchSize, holderCount, store.Backend, sync, journal);
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
