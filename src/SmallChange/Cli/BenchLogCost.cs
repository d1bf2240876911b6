using System.CommandLine;
using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Sources;
using SmallChange.Hosting;
using SmallChange.Http;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange bench log-cost</c>: what the verifiable log adds to batched ingestion, measured as many short pairs of
/// runs — one on a store that keeps the log, one on a store of the same backend that leaves it out — alternating which
/// goes first, in one process, with the same data and producers. On a shared machine a single pair of long runs differs
/// by more than the effect; the median of the per-pair costs does not move with slow drifts of the machine's load, since
/// both runs of a pair see about the same load. See docs/performance.md.
/// </summary>
public static class BenchLogCost
{
    public static Command Create()
    {
        var cmd = new Command("log-cost", "Measure what the verifiable log adds to batched ingestion (alternating paired runs with and without it)");
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var pairs = new Option<int>("--pairs") { Description = "Pairs of runs (one with the log, one without)", DefaultValueFactory = _ => 21 };
        var credits = new Option<int>("--credits") { Description = "Credits per run", DefaultValueFactory = _ => 60_000 };
        var batch = new Option<int>("--batch") { Description = "Credits per batch", DefaultValueFactory = _ => 10_000 };
        var holders = new Option<int>("--holders") { Description = "Distinct holders credited", DefaultValueFactory = _ => 10_000 };
        var producers = new Option<int>("--producers") { Description = "Concurrent submitters of batches", DefaultValueFactory = _ => 2 };
        cmd.Options.Add(json);
        cmd.Options.Add(pairs);
        cmd.Options.Add(credits);
        cmd.Options.Add(batch);
        cmd.Options.Add(holders);
        cmd.Options.Add(producers);
        cmd.SetAction(async (parse, ct) =>
        {
            var (n, perRun, batchSize, holderCount, producerCount) = (parse.GetValue(pairs), parse.GetValue(credits), parse.GetValue(batch), parse.GetValue(holders), parse.GetValue(producers));
            if (n < 1 || perRun < 1 || batchSize < 1 || batchSize > Core.Credits.CreditService.MaxBatch || holderCount < 1 || producerCount is < 1 or > 64)
            {
                Console.Error.WriteLine($"bench log-cost: --pairs, --credits and --holders take positive numbers, --batch 1..{Core.Credits.CreditService.MaxBatch}, --producers 1..64");
                return 2;
            }

            var explicitDb = parse.GetResult(CliRoot.Db) is { Implicit: false };
            var db = explicitDb ? parse.GetValue(CliRoot.Db)! : BenchDb.TempFile("smallchange-bench-log");
            try
            {
                var result = await Run(db, n, perRun, batchSize, holderCount, producerCount, explicitDb ? parse.GetValue(CliRoot.PiiKeys) : null, ct);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(result, ApiJson.Options));
                }
                else
                {
                    Console.WriteLine($"log cost: median {result.MedianCostPercent:N1} % of the rate without the log (quartiles {result.LowerQuartileCostPercent:N1} % .. {result.UpperQuartileCostPercent:N1} %), {result.Pairs} pairs of {result.CreditsPerRun:N0} credits");
                    Console.WriteLine($"  with the log:    median {result.MedianWithLog,10:N0} credits/s");
                    Console.WriteLine($"  without the log: median {result.MedianWithoutLog,10:N0} credits/s   ({result.Backend}; {result.PairsLogFaster} pairs where the logged run was faster)");
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

    /// <summary>One pair: the two rates (credits per second of wall-clock time) and which ran first.</summary>
    public sealed record LogCostPair(long WithLog, long WithoutLog, bool LoggedFirst, double CostPercent);

    /// <summary>
    /// What a run measured. A pair's cost is 1 − with/without, in percent (negative when the logged run was faster);
    /// the median and quartiles are over the pairs.
    /// </summary>
    public sealed record LogCostResult(
        string Backend,
        int Pairs,
        int CreditsPerRun,
        int BatchSize,
        int Holders,
        int Producers,
        double MedianCostPercent,
        double LowerQuartileCostPercent,
        double UpperQuartileCostPercent,
        long MedianWithLog,
        long MedianWithoutLog,
        int PairsLogFaster,
        IReadOnlyList<LogCostPair> Runs);

    public static async Task<LogCostResult> Run(string db, int pairs, int perRun, int batchSize, int holderCount, int producers, string? piiKeys, CancellationToken ct)
    {
        var clock = TimeProvider.System;
        await using var logged = StoreFactory.Open(db, clock, piiKeys);
        await logged.MigrateAsync(ct);
        var (unlogged, drop) = await BenchIngest.OpenUnlogged(logged, db, ct);
        try
        {
            Source NewSource() => new(SourceId.New(), "bench source", SourceType.CreatorEarnings, [Currencies.USD], clock.GetUtcNow());
            var a = await BenchIngest.Prepare(logged, holderCount, batchSize, null, NewSource(), ct);
            var b = await BenchIngest.Prepare(unlogged, holderCount, batchSize, null, NewSource(), ct);
            var runs = new List<LogCostPair>(pairs);
            for (var i = 0; i < pairs; i++)
            {
                // Commands built before the timed runs; the order alternates so neither side always runs on a warmer
                // (or busier) machine.
                var (withBatches, withoutBatches) = (a.Batches($"p{i}", perRun), b.Batches($"p{i}", perRun));
                var loggedFirst = i % 2 == 0;
                double with, without;
                if (loggedFirst)
                {
                    with = await BenchIngest.Batched(a.Service, a.Source.Id, withBatches, producers, ct);
                    without = await BenchIngest.Batched(b.Service, b.Source.Id, withoutBatches, producers, ct);
                }
                else
                {
                    without = await BenchIngest.Batched(b.Service, b.Source.Id, withoutBatches, producers, ct);
                    with = await BenchIngest.Batched(a.Service, a.Source.Id, withBatches, producers, ct);
                }

                runs.Add(new LogCostPair((long)with, (long)without, loggedFirst, Math.Round(100 * (1 - (with / without)), 2)));
            }

            // Everything the logged runs wrote must verify, log included.
            var report = await LedgerVerifier.Verify(logged, ct);
            if (!report.Ok)
            {
                throw new InvalidOperationException("bench: ledger does not verify: " + report.FirstViolation);
            }

            var costs = runs.Select(r => r.CostPercent).Order().ToList();
            return new LogCostResult(logged.Backend, pairs, perRun, batchSize, holderCount, producers,
                Math.Round(Quantile(costs, 0.5), 1), Math.Round(Quantile(costs, 0.25), 1), Math.Round(Quantile(costs, 0.75), 1),
                (long)Quantile(runs.Select(r => (double)r.WithLog).Order().ToList(), 0.5),
                (long)Quantile(runs.Select(r => (double)r.WithoutLog).Order().ToList(), 0.5),
                runs.Count(r => r.WithLog > r.WithoutLog), runs);
        }
        finally
        {
            await drop();
        }
    }

    /// <summary>The <paramref name="q"/> quantile of sorted values, interpolating between neighbours.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }
}
