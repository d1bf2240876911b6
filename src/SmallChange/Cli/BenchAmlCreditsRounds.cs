using System.Diagnostics;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;
using SmallChange.Hosting;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange bench aml-credits --rounds N</c>: the credit monitor keeping up with a steady stream, with its window cache
/// (<see cref="AmlCreditMonitor.CacheWindows"/>) and without, in the same run. A few hundred holders already hold a full
/// window of credits; then, N times, a round's worth of new credits is booked across them (as a busy node's group commits
/// book them) and each monitor runs one round over exactly those leaves, from its own position, the two in alternating
/// order. Reports credits per second of round time, the history rows read from the store per leaf, and whether the two
/// judged every credit alike.
/// </summary>
public static partial class BenchAmlCredits
{
    public sealed record RoundsPass(bool Cache, long Credits, int Rounds, double Seconds, long CreditsPerSecond, long HistoryRows, double HistoryRowsPerLeaf,
        double ReadShare, double EvaluateShare, double WriteShare, long CachedHolders, long Alerts);

    public sealed record RoundsResult(string Backend, int Holders, int HistoryPerHolder, int LeavesPerRound, int Rounds, RoundsPass CacheOn, RoundsPass CacheOff,
        double Ratio, double HistoryRowsRatio, bool SameDecisions, long SeedMs);

    public static async Task<RoundsResult> RunRounds(string db, int holderCount, int history, int leaves, int rounds, CancellationToken ct, string? piiKeys = null)
    {
        var setup = PayoutConfig.Load(Path.Combine(AppContext.BaseDirectory, "config"));
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
        var clock = new SimulatedClock(end.AddDays(-6));
        await using var store = StoreFactory.Open(db, clock, piiKeys);
        await store.MigrateAsync(ct);
        var compliance = new ComplianceChecks(new NoLists(), setup);
        var sources = await Sources(store, clock, ct);
        var sw = Stopwatch.StartNew();
        var holders = await Holders(store, clock, "rounds", holderCount, ct);
        await SeedHot(store, clock, sources, holders, history, end, ct);
        clock.Now = end;
        var seedMs = sw.ElapsedMilliseconds;

        var start = (await store.ReadAsync(r => r.LastLogBatch(), ct))?.TreeSize ?? 0;
        var run = Guid.NewGuid().ToString("N")[..8];
        var on = new AmlCreditMonitor(store, compliance, setup, clock) { Position = $"bench_rounds_{run}_on" };
        var off = new AmlCreditMonitor(store, compliance, setup, clock) { Position = $"bench_rounds_{run}_off", CacheWindows = false };
        foreach (var m in new[] { on, off })
        {
            if (start > 0 && !await store.WriteAsync(tx => tx.AdvanceMonitor(m.Position, 0, start), ct))
            {
                throw new InvalidOperationException($"The monitor position {m.Position} exists already.");
            }
        }

        var service = new CreditService(store, new AccountDirectory(store), clock);
        var rng = new Random(21);
        var tally = new Dictionary<bool, Tally> { [true] = new(), [false] = new() };
        var same = true;
        for (var r = 0; r < rounds; r++)
        {
            // A round's worth of credits across the holders, booked over 100 ms (10,000 credits/s at 1,000 a round).
            var pending = new List<(SourceId Source, CreditCommand Command)>(leaves);
            for (var i = 0; i < leaves; i++)
            {
                var h = rng.Next(holders.Count);
                pending.Add((sources[rng.Next(sources.Length)].Id, new CreditCommand($"rounds-{r}-{i}", new HolderRef(holders[h], null), Micro(rng, CurrencyOf(h)), clock.Now)));
            }

            await Apply(service, pending, ct);
            clock.Now += TimeSpan.FromMilliseconds(100);

            var order = r % 2 == 0 ? new[] { on, off } : [off, on];
            var judged = new Dictionary<bool, IReadOnlyList<CreditEvaluation>>();
            foreach (var m in order)
            {
                var t0 = Stopwatch.GetTimestamp();
                var round = await m.RunOnce(leaves, ct);
                tally[m.CacheWindows].Add(round, Stopwatch.GetElapsedTime(t0));
                judged[m.CacheWindows] = round.Evaluations;
            }

            same &= judged[true].Select(Describe).SequenceEqual(judged[false].Select(Describe));
        }

        var (cacheOn, cacheOff) = (tally[true].Pass(true), tally[false].Pass(false));
        return new RoundsResult(store.Backend, holderCount, history, leaves, rounds, cacheOn, cacheOff,
            cacheOff.CreditsPerSecond > 0 ? Math.Round((double)cacheOn.CreditsPerSecond / cacheOff.CreditsPerSecond, 1) : 0,
            cacheOn.HistoryRows > 0 ? Math.Round((double)cacheOff.HistoryRows / cacheOn.HistoryRows, 1) : 0, same, seedMs);
    }

    private static string Describe(CreditEvaluation e) => $"{e.Holder} {e.Credit.LeafIndex} {e.Result.Outcome}: {string.Join(" | ", e.Result.Decisions)}";

    private sealed class Tally
    {
        private long credits, leaves, rows, cached, alerts;
        private int rounds;
        private double seconds;
        private TimeSpan read, evaluate, write;

        public void Add(MonitorRound round, TimeSpan elapsed)
        {
            (credits, leaves, rows, cached, alerts, rounds) = (credits + round.Credits, leaves + round.Leaves, rows + round.HistoryRows, cached + round.CachedHolders,
                alerts + round.Alerts, rounds + 1);
            seconds += elapsed.TotalSeconds;
            (read, evaluate, write) = (read + round.ReadTime, evaluate + round.EvaluateTime, write + round.WriteTime);
        }

        public RoundsPass Pass(bool cache)
        {
            var total = (read + evaluate + write).TotalSeconds;
            double Share(TimeSpan t) => total > 0 ? Math.Round(t.TotalSeconds / total, 3) : 0;
            return new RoundsPass(cache, credits, rounds, Math.Round(seconds, 3), seconds > 0 ? (long)(credits / seconds) : 0, rows,
                leaves > 0 ? Math.Round((double)rows / leaves, 2) : 0, Share(read), Share(evaluate), Share(write), cached, alerts);
        }
    }
}
