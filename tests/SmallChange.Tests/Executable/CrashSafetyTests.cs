using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Tests.Support;
using Xunit.Abstractions;

namespace SmallChange.Tests.Executable;

/// <summary>
/// The durability promise, tested on the real executable: every credit the API acknowledged survives a SIGKILL of the
/// server, no batch is ever half-applied, and the ledger still verifies after the restart.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int BatchSize = 2_000;
    private const int HolderCount = 20;
    private const int AcksBeforeKill = 4;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private sealed record SentBatch(int Number, IReadOnlyList<(string Ref, int Holder, long Units)> Items)
    {
        public bool Acknowledged { get; set; }
    }

    [Fact]
    public async Task Serve_KilledMidStreamOfBatchedCredits_KeepsEveryAcknowledgedCreditAndNoHalfBatch()
    {
        using var dir = new TempDir("crash");
        var db = dir.File("crash.db");

        var key = await SmallChangeExe.Run(dir.Path, TimeSpan.FromSeconds(60), "keys", "create-operator", "--db", db);
        Assert.True(key.ExitCode == 0, key.ToString());
        var operatorKey = key.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith("sck_", StringComparison.Ordinal));

        Guid sourceId;
        var holders = new Guid[HolderCount];
        var sent = new List<SentBatch>();
        var interrupted = false;
        await using (var server = await ServerProcess.StartAsync(db, dir.Path, StartTimeout))
        {
            using var op = server.Client(operatorKey);
            using (var r = await op.PostAsync("/v1/sources", Json.Body(new { name = "Crash test source", type = "e_wallet", currencies = new[] { "USD" } })))
            {
                var created = await Json.Expect(r, HttpStatusCode.Created);
                sourceId = created.GetProperty("source").GetProperty("id").GetGuid();
                var sourceKey = created.GetProperty("api_key").GetString()!;
                for (var h = 0; h < HolderCount; h++)
                {
                    holders[h] = await CreateHolder(op, $"crash-holder-{h}");
                }

                using var src = server.Client(sourceKey);
                var rng = new Random(7);
                var acks = 0;
                var killed = new TaskCompletionSource();
                var inFlight = 0;
                var stopped = 0;
                long ackMillis = 0;
                var killer = Task.Run(async () =>
                {
                    // Wait until enough batches were acknowledged and one more is on the wire, then pull the plug.
                    while (Volatile.Read(ref acks) < AcksBeforeKill || Volatile.Read(ref inFlight) == 0)
                    {
                        if (server.HasExited || Volatile.Read(ref stopped) == 1)
                        {
                            return;
                        }

                        await Task.Delay(1);
                    }

                    // Anywhere in the request's life: while it is parsed, written, committed, or answered.
                    var typical = Volatile.Read(ref ackMillis) / Math.Max(1, Volatile.Read(ref acks));
                    await Task.Delay(Random.Shared.Next(0, (int)Math.Max(2, typical * 1.2)));
                    await server.KillAsync();
                    killed.SetResult();
                });

                for (var n = 0; n < 200; n++)
                {
                    var batch = new SentBatch(n, Enumerable.Range(0, BatchSize)
                        .Select(i => ($"b{n}-{i}", rng.Next(HolderCount), (long)rng.Next(1, 5_000_000))).ToList());
                    sent.Add(batch);
                    try
                    {
                        Volatile.Write(ref inFlight, 1);
                        var started = System.Diagnostics.Stopwatch.StartNew();
                        using var resp = await src.PostAsync("/v1/credits/batch", BatchBody(batch, holders));
                        Volatile.Write(ref inFlight, 0);
                        var text = await resp.Content.ReadAsStringAsync();
                        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"batch {n}: {(int)resp.StatusCode} {text[..Math.Min(text.Length, 500)]}");
                        var body = JsonDocument.Parse(text).RootElement;
                        batch.Acknowledged = body.GetProperty("created").GetInt32() == BatchSize;
                        Assert.True(batch.Acknowledged, $"batch {n} was answered 200 but not every credit was created");
                        Interlocked.Add(ref ackMillis, started.ElapsedMilliseconds);
                        Interlocked.Increment(ref acks);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // The server died under this request: it was not acknowledged and may or may not be committed.
                        interrupted = true;
                        break;
                    }
                }

                Volatile.Write(ref stopped, 1);
                await killer;
                Assert.True(killed.Task.IsCompleted, "the server was killed during the run\n" + server.Output);
            }
        }

        var acknowledged = sent.Where(b => b.Acknowledged).ToList();
        output.WriteLine($"sent {sent.Count} batches of {BatchSize}, acknowledged {acknowledged.Count}, request cut by the kill: {interrupted}");
        Assert.True(acknowledged.Count >= AcksBeforeKill);

        // Restart on the same file: it must come up, serve what was committed and answer a replay with "exists".
        var apiBalances = new Dictionary<Guid, long>();
        await using (var server = await ServerProcess.StartAsync(db, dir.Path, StartTimeout))
        {
            using var op = server.Client(operatorKey);
            var first = acknowledged[0];
            using (var replay = await op.PostAsync("/v1/credits/batch", BatchBody(first, holders, sourceId)))
            {
                var body = await Json.Expect(replay, HttpStatusCode.OK);
                Assert.Equal(BatchSize, body.GetProperty("exists").GetInt32());
                Assert.Equal(0, body.GetProperty("created").GetInt32());
            }

            foreach (var h in holders)
            {
                using var r = await op.GetAsync($"/v1/holders/{h}/balances");
                var b = await Json.Expect(r, HttpStatusCode.OK);
                var usd = b.GetProperty("balances").EnumerateArray().Where(w => w.GetProperty("currency").GetString() == "USD")
                    .Select(w => w.GetProperty("available").GetString()!).SingleOrDefault() ?? "0";
                apiBalances[h] = (long)(decimal.Parse(usd, CultureInfo.InvariantCulture) * 1_000_000m);
            }

            await server.KillAsync();
        }

        // Read the file directly: every acknowledged credit is there with its amount and holder; each batch is all or nothing.
        var expected = holders.ToDictionary(h => h, _ => 0L);
        await using (var store = SqliteStore.Open(db))
        {
            var present = await store.ReadAsync(async r =>
            {
                var counts = new List<int>();
                foreach (var batch in sent)
                {
                    var found = 0;
                    foreach (var (reference, holder, units) in batch.Items)
                    {
                        var c = await r.FindCredit(new SourceId(sourceId), reference);
                        if (c is null)
                        {
                            continue;
                        }

                        found++;
                        Assert.Equal(holders[holder], c.Holder.Value);
                        Assert.Equal(units, c.Amount.Units);
                    }

                    counts.Add(found);
                }

                return counts;
            });

            for (var i = 0; i < sent.Count; i++)
            {
                Assert.True(present[i] is 0 or BatchSize, $"batch {i} is half-applied: {present[i]} of {BatchSize} credits present");
                if (sent[i].Acknowledged)
                {
                    Assert.True(present[i] == BatchSize, $"acknowledged batch {i} lost credits after the crash: {present[i]} of {BatchSize} present");
                }

                if (present[i] == BatchSize)
                {
                    foreach (var (_, holder, units) in sent[i].Items)
                    {
                        expected[holders[holder]] += units;
                    }
                }
            }

            var cut = sent.Where(b => !b.Acknowledged).Select(b => $"batch {b.Number}: {(present[b.Number] == BatchSize ? "committed" : "not committed")}");
            output.WriteLine("unacknowledged: " + string.Join(", ", cut));

            var report = await LedgerVerifier.Verify(store);
            Assert.True(report.Ok, report.FirstViolation);
        }

        // The balances the restarted server reported are exactly the sum of the batches that are present.
        Assert.Equal(expected, apiBalances);

        var verify = await SmallChangeExe.Run(dir.Path, TimeSpan.FromSeconds(60), "verify", "--db", db);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("verify: ok", verify.Stdout, StringComparison.Ordinal);
    }

    private static async Task<Guid> CreateHolder(HttpClient op, string reference)
    {
        using var r = await op.PostAsync("/v1/holders", Json.Body(new { external_ref = reference, name = "Crash Holder", country = "US" }));
        return (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    private static HttpContent BatchBody(SentBatch batch, Guid[] holders, Guid? sourceId = null)
    {
        var sb = new StringBuilder(batch.Items.Count * 130);
        sb.Append('{');
        if (sourceId is { } s)
        {
            sb.Append("\"source_id\":\"").Append(s).Append("\",");
        }

        sb.Append("\"items\":[");
        for (var i = 0; i < batch.Items.Count; i++)
        {
            var (reference, holder, units) = batch.Items[i];
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append("{\"source_ref\":\"").Append(reference).Append("\",\"holder_id\":\"").Append(holders[holder])
                .Append("\",\"amount\":\"").Append(units / 1_000_000).Append('.').Append((units % 1_000_000).ToString("D6", CultureInfo.InvariantCulture))
                .Append("\",\"currency\":\"USD\",\"occurred_at\":\"2026-11-01T00:00:00Z\"}");
        }

        sb.Append("]}");
        return Json.Raw(sb.ToString());
    }
}
