using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Core.Common;
using SmallChange.Tests.Support;
using SmallChange.Testing;

namespace SmallChange.Tests.Executable;

/// <summary>
/// Two <c>smallchange serve</c> processes on one PostgreSQL database, each with its own payout workers: concurrent
/// credits and cash-outs against both, then every acknowledged write is present exactly once, the ledger verifies,
/// and no cash-out reached a sandbox provider as two payments.
/// </summary>
public sealed class MultiNodeTests
{
    private const int Holders = 12;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_TwoNodesOnePostgres_EveryAcknowledgedWriteOnceAndNothingPaidTwice()
    {
        using var dir = new TempDir("multinode");
        var db = await TestPostgres.NewSchema("multinode");
        var key = await SmallChangeExe.Run(dir.Path, TimeSpan.FromSeconds(60), "keys", "create-operator", "--db", db);
        Assert.True(key.ExitCode == 0, key.ToString());
        var operatorKey = key.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith("sck_", StringComparison.Ordinal));

        string[] sandbox = ["--sandbox-delay", "0.3", "--sandbox-failure-bps", "1500", "--sandbox-return-bps", "0", "--cooling-off-minutes", "0"];
        await using var a = await ServerProcess.StartAsync(db, dir.Path, StartTimeout, sandbox);
        await using var b = await ServerProcess.StartAsync(db, dir.Path, StartTimeout, sandbox);
        using var opA = a.Client(operatorKey);
        using var opB = b.Client(operatorKey);
        HttpClient[] operators = [opA, opB];

        // A source and holders, created through either node.
        string sourceKey;
        using (var r = await opA.PostAsync("/v1/sources", Json.Body(new { name = "Multi-node source", type = "creator_earnings", currencies = new[] { "USD" } })))
        {
            sourceKey = (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("api_key").GetString()!;
        }

        var sourceId = Guid.Empty;
        using var srcA = a.Client(sourceKey);
        using var srcB = b.Client(sourceKey);
        HttpClient[] sources = [srcA, srcB];
        var holders = new Guid[Holders];
        var destinations = new Guid[Holders];
        for (var h = 0; h < Holders; h++)
        {
            var op = operators[h % 2];
            using (var r = await op.PostAsync("/v1/holders", Json.Body(new { external_ref = $"mn-{h}-{Guid.NewGuid():N}", name = "Ava Thompson", country = "US" })))
            {
                holders[h] = (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            }

            using (var r = await op.PutAsync($"/v1/holders/{holders[h]}/kyc", Json.Body(new { tier = 2 })))
            {
                await Json.Expect(r, HttpStatusCode.OK);
            }

            using (var r = await operators[(h + 1) % 2].PostAsync($"/v1/holders/{holders[h]}/destinations",
                       Json.Body(new { kind = "digital_wallet", country = "US", account_holder_name = "Ava Thompson", email = $"ava{h}@example.com" })))
            {
                destinations[h] = (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            }
        }

        // Credits: single and batched, to both nodes at once; some references are sent to both nodes (a client retrying
        // on the other node), which must still credit once.
        var acknowledged = new ConcurrentDictionary<string, (Guid Holder, decimal Amount)>();
        var creditTasks = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var rng = new Random(worker);
            for (var i = 0; i < 25; i++)
            {
                var h = rng.Next(Holders);
                var reference = $"w{worker}-{i}";
                var amount = 5m + rng.Next(0, 500) / 100m;
                foreach (var node in i % 5 == 0 ? sources : [sources[(worker + i) % 2]])
                {
                    using var r = await node.PostAsync("/v1/credits", Json.Body(new { source_ref = reference, holder_id = holders[h], amount = amount.ToString(System.Globalization.CultureInfo.InvariantCulture), currency = "USD" }));
                    Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"credit {reference}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
                    var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                    sourceId = body.GetProperty("source_id").GetGuid();
                    acknowledged[reference] = (holders[h], amount);
                }
            }

            var items = Enumerable.Range(0, 50).Select(k => new { source_ref = $"batch{worker}-{k}", holder_id = holders[(worker + k) % Holders], amount = "1.25", currency = "USD" }).ToArray();
            using var batch = await sources[worker % 2].PostAsync("/v1/credits/batch", Json.Body(new { items }));
            var result = await Json.Expect(batch, HttpStatusCode.OK);
            Assert.Equal(50, result.GetProperty("created").GetInt32());
            foreach (var item in items)
            {
                acknowledged[item.source_ref] = (item.holder_id, 1.25m);
            }
        })).ToList();
        await Task.WhenAll(creditTasks);

        // Cash-outs: every holder asks both nodes at once for more than the wallet can cover in total.
        var cashouts = new ConcurrentBag<(Guid Id, string State)>();
        var cashoutTasks = Enumerable.Range(0, Holders).SelectMany(h => Enumerable.Range(0, 4).Select(attempt => Task.Run(async () =>
        {
            var op = operators[(h + attempt) % 2];
            Guid quote;
            using (var q = await op.PostAsync("/v1/quotes", Json.Body(new { holder_id = holders[h], amount = "60.00", currency = "USD", country = "US", method = "digital_wallet" })))
            {
                quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            }

            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts")
            {
                Content = Json.Body(new { holder_id = holders[h], quote_id = quote, destination_id = destinations[h] }),
            };
            request.Headers.Add("Idempotency-Key", $"mn-{h}-{attempt}");
            using var r = await op.SendAsync(request);
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.UnprocessableEntity, $"cash-out: {(int)r.StatusCode} {text}");
            var root = JsonDocument.Parse(text).RootElement;
            var c = r.StatusCode == HttpStatusCode.Created ? root : root.GetProperty("cashout");
            cashouts.Add((c.GetProperty("id").GetGuid(), c.GetProperty("state").GetString()!));
        }))).ToList();
        await Task.WhenAll(cashoutTasks);
        Assert.Contains(cashouts, c => c.State != "rejected");
        Assert.Contains(cashouts, c => c.State == "rejected"); // four at once never all fit one wallet

        // Both nodes' workers pay out; wait until no cash-out is still on its way.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var pending = cashouts.Select(c => c.Id).ToHashSet();
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var id in pending.ToList())
            {
                using var r = await opB.GetAsync($"/v1/cashouts/{id}");
                var state = (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("state").GetString();
                if (state is "paid" or "failed" or "rejected" or "returned")
                {
                    pending.Remove(id);
                }
            }

            await Task.Delay(250);
        }

        Assert.True(pending.Count == 0, $"{pending.Count} cash-outs never settled\nnode A:\n{a.Output}\nnode B:\n{b.Output}");
        await a.KillAsync();
        await b.KillAsync();

        // Every acknowledged credit is present once, with the acknowledged content.
        await using var store = PostgresStore.Open(db);
        foreach (var (reference, (holder, amount)) in acknowledged)
        {
            var credit = await store.ReadAsync(r => r.FindCredit(new SourceId(sourceId), reference));
            Assert.NotNull(credit);
            Assert.Equal(holder, credit.Holder.Value);
            Assert.Equal(amount, decimal.Parse(credit.Amount.ToDecimalString(), System.Globalization.CultureInfo.InvariantCulture));
        }

        // The provider side: at most one payment per cash-out, whatever was delivered how often.
        var payments = await store.ReadAsync(r => r.ListSandboxPayments());
        Assert.Equal(payments.Count, payments.Select(p => p.Cashout).Distinct().Count());
        var approved = cashouts.Count(c => c.State != "rejected");
        Assert.Equal(approved, payments.Count);

        var verify = await SmallChangeExe.Run(dir.Path, TimeSpan.FromSeconds(60), "verify", "--db", db);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}
