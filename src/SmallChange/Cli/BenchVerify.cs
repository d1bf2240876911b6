using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SmallChange.Core.Audit;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Sources;
using SmallChange.Hosting;
using SmallChange.Http;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange bench verify</c>: how long <c>smallchange verify</c> takes on a ledger of <c>--transfers</c> transfers
/// (default 1,000,000) written in batches through <see cref="CreditService"/>: the log recomputation alone
/// (<see cref="LogVerifier"/>), the balance check (<see cref="LedgerVerifier"/>), each alone, and everything the command
/// checks as it runs them (side by side, on a freshly opened store); and the size of an inclusion proof in a tree of
/// 10^7 leaves.
/// </summary>
public static class BenchVerify
{
    public sealed record VerifyResult(long Transfers, double LogSeconds, double BalancesSeconds, double TotalSeconds, int ProofHashes1e7, int ProofBytes1e7, string Backend);

    public static Command Create()
    {
        var cmd = new Command("verify", "Measure verify on a large ledger, and the inclusion proof size at 10^7 leaves");
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var transfers = new Option<int>("--transfers") { Description = "Transfers to write first", DefaultValueFactory = _ => 1_000_000 };
        cmd.Options.Add(json);
        cmd.Options.Add(transfers);
        cmd.SetAction(async (parse, ct) =>
        {
            var explicitDb = parse.GetResult(CliRoot.Db) is { Implicit: false };
            var db = explicitDb ? parse.GetValue(CliRoot.Db)! : BenchDb.TempFile("smallchange-bench-verify");
            try
            {
                var result = await Run(db, Math.Max(1, parse.GetValue(transfers)), ct);
                Console.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(result, ApiJson.Options)
                    : $"verify of {result.Transfers:N0} transfers: {result.TotalSeconds:N2} s (log {result.LogSeconds:N2} s, balances {result.BalancesSeconds:N2} s); " +
                      $"inclusion proof at 10^7 leaves: {result.ProofHashes1e7} hashes, {result.ProofBytes1e7} bytes");
                return 0;
            }
            finally
            {
                if (!explicitDb)
                {
                    BenchDb.Delete(db, ".log-key.pem", ".pii-keys.json");
                }
            }
        });
        return cmd;
    }

    public static async Task<VerifyResult> Run(string db, int total, CancellationToken ct)
    {
        var clock = TimeProvider.System;
        string backend;
        await using (var store = StoreFactory.Open(db, clock))
        {
            backend = store.Backend;
            await store.MigrateAsync(ct);
            var accounts = new AccountDirectory(store);
            var service = new CreditService(store, accounts, clock);
            var now = clock.GetUtcNow();
            var source = new Source(SourceId.New(), "bench source", SourceType.CreatorEarnings, [Currencies.USD], now);
            var holders = Enumerable.Range(0, 10_000).Select(i => new Holder(HolderId.New(), $"bv-{source.Id}-{i}", new PersonName("Bench Holder"), "US", HolderStatus.Active, 1, now)).ToArray();
            await store.WriteAsync(async tx =>
            {
                await tx.InsertSource(source);
                foreach (var h in holders)
                {
                    await tx.InsertHolder(h);
                }

                return 0;
            }, ct);
            var rng = new Random(7);
            for (var done = 0; done < total;)
            {
                var n = Math.Min(CreditService.MaxBatch, total - done);
                var batch = Enumerable.Range(done, n).Select(i => new CreditCommand($"v-{i}", new HolderRef(holders[rng.Next(holders.Length)].Id, null), new Money(rng.Next(1, 5_000_000), Currencies.USD), now)).ToList();
                var r = await service.Apply(source.Id, batch, false, ct);
                if (!r.IsOk || r.Value.Any(o => o.Status != CreditOutcomeStatus.Created))
                {
                    throw new InvalidOperationException("bench: a credit was not created");
                }

                done += n;
            }
        }

        // As `smallchange verify` does it: a freshly opened store; one pass recomputes the log and sums the balances while
        // the account chains (SQLite) are checked side by side; then the balances are compared. The log pass and the
        // store's own balance query are also timed alone afterwards.
        await using var reopened = StoreFactory.Open(db, clock);
        var sw = Stopwatch.StartNew();
        var totals = new TransferTotals();
        var chains = Task.Run(async () => reopened is not Adapters.Storage.Sqlite.SqliteStore s || await s.VerifyChains(ct) is null, ct);
        var log = await LogVerifier.Verify(reopened, totals, ct);
        var ledger = await LedgerVerifier.Verify(reopened, totals.Result(), ct);
        var chainsOk = await chains;
        sw.Stop();
        if (!log.Ok || log.Leaves != total || !ledger.Ok || !chainsOk)
        {
            throw new InvalidOperationException("bench: verify failed");
        }

        var balances = Stopwatch.StartNew();
        await LedgerVerifier.Verify(reopened, ct);
        balances.Stop();
        var logTime = Stopwatch.StartNew();
        await LogVerifier.Verify(reopened, ct);
        logTime.Stop();

        // The longest audit path in a 10^7-leaf tree (its length depends only on the index and the size): leaves in the
        // left 2^23-leaf subtree have 23 hashes there plus one for the right part.
        var longest = new long[] { 0, 1, 4_999_999, 8_388_607, 8_388_608, 9_999_999 }
            .Max(i => Merkle.InclusionProof(i, 10_000_000, (_, _) => Merkle.EmptyRoot).Count);
        return new VerifyResult(total, Math.Round(logTime.Elapsed.TotalSeconds, 3), Math.Round(balances.Elapsed.TotalSeconds, 3), Math.Round(sw.Elapsed.TotalSeconds, 3),
            longest, longest * 32, backend);
    }
}
