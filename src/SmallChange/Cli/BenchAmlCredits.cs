using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
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
/// <c>smallchange bench aml-credits</c>: how fast the AML credit monitor (<see cref="AmlCreditMonitor"/>) works through a
/// backlog of committed credits, rounds sized as the worker sizes them when behind (1,000 leaves, doubling to 20,000),
/// until it has caught up. Two loads, each seeded into the store: a hot-holder load (a few holders each receiving
/// thousands of credits within the rules' 7-day window, in bursts booked at one instant, from several sources and
/// fundings) and a spread load (many holders, a few credits each). For each, the one-pass evaluation
/// (<see cref="AmlCreditBatch.Evaluate"/>) and the baseline, each credit evaluated alone with its full history
/// (<see cref="AmlCreditBatch.EvaluateOneByOne"/>), run over the same leaves in the same rounds from their own positions;
/// the baseline stops after <c>--baseline-seconds</c> (it is quadratic in a hot holder's credits) and the ratio compares
/// the two over the leaves both covered. Prints credits per second, the shares of store reads, evaluation and the round's
/// write, and the ratio; see docs/performance.md.
/// </summary>
public static partial class BenchAmlCredits
{
    public sealed record PassResult(long Credits, long Leaves, int Rounds, double Seconds, long CreditsPerSecond, long Alerts, double ReadShare, double EvaluateShare, double WriteShare, bool CaughtUp);

    public sealed record LoadResult(string Load, int Holders, int CreditsPerHolder, long Credits, long SeedMs, PassResult OnePass, PassResult OneByOne, long OnePassCreditsPerSecondOnBaselineLeaves, double Ratio);

    public sealed record AmlCreditsResult(string Backend, long HotCreditsPerSecond, double HotRatio, long SpreadCreditsPerSecond, double SpreadRatio, double HotReadShare, LoadResult Hot, LoadResult Spread);

    public static Command Create()
    {
        var cmd = new Command("aml-credits", "Measure the AML credit monitor catching up with a backlog: a hot-holder load and a spread load, one-pass against one-by-one");
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var hotHolders = new Option<int>("--hot-holders") { Description = "Holders of the hot load", DefaultValueFactory = _ => 20 };
        var hotCredits = new Option<int>("--hot-credits") { Description = "Credits per hot holder, within the rules' window", DefaultValueFactory = _ => 5_000 };
        var spreadHolders = new Option<int>("--spread-holders") { Description = "Holders of the spread load", DefaultValueFactory = _ => 20_000 };
        var spreadCredits = new Option<int>("--spread-credits") { Description = "Credits per holder of the spread load", DefaultValueFactory = _ => 5 };
        var baselineSeconds = new Option<double>("--baseline-seconds") { Description = "How long the one-by-one baseline may run per load", DefaultValueFactory = _ => 60.0 };
        cmd.Options.Add(json);
        cmd.Options.Add(hotHolders);
        cmd.Options.Add(hotCredits);
        cmd.Options.Add(spreadHolders);
        cmd.Options.Add(spreadCredits);
        cmd.Options.Add(baselineSeconds);
        var rounds = new Option<int>("--rounds") { Description = "Instead of the two loads: this many rounds of a steady stream, the monitor with its window cache and without", DefaultValueFactory = _ => 0 };
        var roundHolders = new Option<int>("--round-holders") { Description = "Holders of the steady stream", DefaultValueFactory = _ => 200 };
        var roundHistory = new Option<int>("--round-history") { Description = "Credits each holder of the steady stream already has in its window", DefaultValueFactory = _ => 1_000 };
        var roundLeaves = new Option<int>("--round-leaves") { Description = "Credits booked, and leaves read, per round", DefaultValueFactory = _ => 1_000 };
        cmd.Options.Add(rounds);
        cmd.Options.Add(roundHolders);
        cmd.Options.Add(roundHistory);
        cmd.Options.Add(roundLeaves);
        cmd.SetAction(async (parse, ct) =>
        {
            var explicitDb = parse.GetResult(CliRoot.Db) is { Implicit: false };
            var db = explicitDb ? parse.GetValue(CliRoot.Db)! : BenchDb.TempFile("smallchange-bench-aml");
            try
            {
                if (parse.GetValue(rounds) > 0)
                {
                    var steady = await RunRounds(db, Math.Clamp(parse.GetValue(roundHolders), 1, 100_000), Math.Clamp(parse.GetValue(roundHistory), 0, 1_000_000),
                        Math.Clamp(parse.GetValue(roundLeaves), 1, 100_000), Math.Clamp(parse.GetValue(rounds), 1, 100_000), ct, explicitDb ? parse.GetValue(CliRoot.PiiKeys) : null);
                    if (parse.GetValue(json))
                    {
                        Console.WriteLine(JsonSerializer.Serialize(steady, ApiJson.Options));
                        return 0;
                    }

                    Console.WriteLine($"AML credit monitor on {steady.Backend}: {steady.Holders:N0} holders with {steady.HistoryPerHolder:N0} credits each in the window, " +
                                      $"{steady.Rounds} rounds of {steady.LeavesPerRound:N0} new credits (seeded in {steady.SeedMs:N0} ms)");
                    foreach (var p in new[] { steady.CacheOn, steady.CacheOff })
                    {
                        Console.WriteLine($"  cache {(p.Cache ? "on: " : "off:")} {p.CreditsPerSecond,10:N0} credits/s ({p.Credits:N0} in {p.Seconds:0.00} s); {p.HistoryRowsPerLeaf:N2} history rows per leaf; " +
                                          $"read {p.ReadShare:P0}, evaluate {p.EvaluateShare:P0}, write {p.WriteShare:P0}; {p.CachedHolders:N0} windows from the cache");
                    }

                    Console.WriteLine($"  ratio {steady.Ratio:0.0} (credits/s), {steady.HistoryRowsRatio:0.0} (history rows); same decisions: {steady.SameDecisions}");
                    return steady.SameDecisions ? 0 : 1;
                }

                var result = await Run(db, Math.Clamp(parse.GetValue(hotHolders), 1, 10_000), Math.Clamp(parse.GetValue(hotCredits), 1, 1_000_000),
                    Math.Clamp(parse.GetValue(spreadHolders), 1, 1_000_000), Math.Clamp(parse.GetValue(spreadCredits), 1, 1_000),
                    TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(baselineSeconds), 1, 3_600)), ct, explicitDb ? parse.GetValue(CliRoot.PiiKeys) : null);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(result, ApiJson.Options));
                }
                else
                {
                    Console.WriteLine($"AML credit monitor on {result.Backend}");
                    foreach (var l in new[] { result.Hot, result.Spread })
                    {
                        Console.WriteLine($"  {l.Load}: {l.Holders:N0} holders x {l.CreditsPerHolder:N0} credits ({l.Credits:N0}, seeded in {l.SeedMs:N0} ms)");
                        Console.WriteLine($"    one pass:   {l.OnePass.CreditsPerSecond,10:N0} credits/s  ({l.OnePass.Credits:N0} in {l.OnePass.Seconds:0.00} s, {l.OnePass.Rounds} rounds; " +
                                          $"read {l.OnePass.ReadShare:P0}, evaluate {l.OnePass.EvaluateShare:P0}, write {l.OnePass.WriteShare:P0}; {l.OnePass.Alerts:N0} alerts)");
                        Console.WriteLine($"    one by one: {l.OneByOne.CreditsPerSecond,10:N0} credits/s  ({l.OneByOne.Credits:N0} in {l.OneByOne.Seconds:0.00} s{(l.OneByOne.CaughtUp ? "" : ", stopped")}; " +
                                          $"read {l.OneByOne.ReadShare:P0}, evaluate {l.OneByOne.EvaluateShare:P0}, write {l.OneByOne.WriteShare:P0})");
                        Console.WriteLine($"    ratio {l.Ratio:0.0} over the leaves both covered (one pass {l.OnePassCreditsPerSecondOnBaselineLeaves:N0} credits/s there)");
                    }
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

    public static async Task<AmlCreditsResult> Run(string db, int hotHolders, int hotCredits, int spreadHolders, int spreadCredits, TimeSpan baselineCap,
        CancellationToken ct, string? piiKeys = null)
    {
        var setup = PayoutConfig.Load(Path.Combine(AppContext.BaseDirectory, "config"));
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
        var clock = new SimulatedClock(end.AddDays(-6));
        await using var store = StoreFactory.Open(db, clock, piiKeys);
        await store.MigrateAsync(ct);
        var compliance = new ComplianceChecks(new NoLists(), setup);
        var sources = await Sources(store, clock, ct);

        var hot = await Measure(store, clock, setup, compliance, "hot", hotHolders, hotCredits, baselineCap,
            (holders, ct2) => SeedHot(store, clock, sources, holders, hotCredits, end, ct2), ct);
        clock.Now = end.AddDays(-6);
        var spread = await Measure(store, clock, setup, compliance, "spread", spreadHolders, spreadCredits, baselineCap,
            (holders, ct2) => SeedSpread(store, clock, sources, holders, spreadCredits, end, ct2), ct);
        return new AmlCreditsResult(store.Backend, hot.OnePass.CreditsPerSecond, hot.Ratio, spread.OnePass.CreditsPerSecond, spread.Ratio, hot.OnePass.ReadShare, hot, spread);
    }

    /// <summary>Seeds one load, then drains it twice from the log position where the load starts: one pass, then one by one.</summary>
    private static async Task<LoadResult> Measure(IStore store, SimulatedClock clock, PayoutSetup setup, ComplianceChecks compliance, string load, int holderCount, int perHolder,
        TimeSpan baselineCap, Func<IReadOnlyList<HolderId>, CancellationToken, Task<long>> seed, CancellationToken ct)
    {
        var start = (await store.ReadAsync(r => r.LastLogBatch(), ct))?.TreeSize ?? 0;
        var sw = Stopwatch.StartNew();
        var holders = await Holders(store, clock, load, holderCount, ct);
        var credits = await seed(holders, ct);
        var seedMs = sw.ElapsedMilliseconds;
        var run = Guid.NewGuid().ToString("N")[..8];
        var (onePass, onePassRounds) = await Drain(store, clock, setup, compliance, $"bench_{load}_{run}_one_pass", false, start, TimeSpan.MaxValue, ct);
        var (oneByOne, oneByOneRounds) = await Drain(store, clock, setup, compliance, $"bench_{load}_{run}_one_by_one", true, start, baselineCap, ct);

        // Over the leaves both covered (the same rounds: both size them alike from the same start).
        var covered = oneByOneRounds.Count;
        var prefix = onePassRounds.Take(covered).ToList();
        var prefixSeconds = prefix.Sum(r => r.Seconds);
        var prefixRate = prefixSeconds > 0 ? (long)(prefix.Sum(r => r.Credits) / prefixSeconds) : 0;
        var ratio = oneByOne.CreditsPerSecond > 0 ? Math.Round((double)prefixRate / oneByOne.CreditsPerSecond, 1) : 0;
        return new LoadResult(load, holderCount, perHolder, credits, seedMs, onePass, oneByOne, prefixRate, ratio);
    }

    private sealed record Round(long Credits, double Seconds);

    /// <summary>
    /// Runs rounds from <paramref name="start"/> as the worker does when behind (Batch leaves, doubling to MaxBatch after
    /// each full round) until caught up or past <paramref name="cap"/>.
    /// </summary>
    private static async Task<(PassResult, List<Round>)> Drain(IStore store, SimulatedClock clock, PayoutSetup setup, ComplianceChecks compliance, string position, bool oneByOne,
        long start, TimeSpan cap, CancellationToken ct)
    {
        // Without the window cache, as these loads were first measured (each round reads its holders' windows): they measure
        // the evaluation; --rounds measures the cache.
        var monitor = new AmlCreditMonitor(store, compliance, setup, clock) { OneByOne = oneByOne, Position = position, CacheWindows = false };
        if (start > 0 && !await store.WriteAsync(tx => tx.AdvanceMonitor(position, 0, start), ct))
        {
            throw new InvalidOperationException($"The monitor position {position} exists already.");
        }

        var rounds = new List<Round>();
        var (credits, leaves, alerts) = (0L, 0L, 0L);
        var (read, evaluate, write) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        var size = monitor.Batch;
        var caughtUp = false;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < cap)
        {
            var t0 = Stopwatch.GetTimestamp();
            var round = await monitor.RunOnce(size, ct);
            if (round.Leaves == 0)
            {
                caughtUp = true;
                break;
            }

            rounds.Add(new Round(round.Credits, Stopwatch.GetElapsedTime(t0).TotalSeconds));
            (credits, leaves, alerts) = (credits + round.Credits, leaves + round.Leaves, alerts + round.Alerts);
            (read, evaluate, write) = (read + round.ReadTime, evaluate + round.EvaluateTime, write + round.WriteTime);
            size = round.Leaves < size ? monitor.Batch : Math.Min(size * 2, monitor.MaxBatch);
        }

        var seconds = rounds.Sum(r => r.Seconds);
        var total = (read + evaluate + write).TotalSeconds;
        double Share(TimeSpan t) => total > 0 ? Math.Round(t.TotalSeconds / total, 3) : 0;
        return (new PassResult(credits, leaves, rounds.Count, Math.Round(seconds, 3), seconds > 0 ? (long)(credits / seconds) : 0, alerts,
            Share(read), Share(evaluate), Share(write), caughtUp), rounds);
    }

    /// <summary>Five sources: two of them carrier-billed or card-funded (what credit cycling looks for), as sources report.</summary>
    private static async Task<Source[]> Sources(IStore store, SimulatedClock clock, CancellationToken ct)
    {
        Currency[] all = [Currencies.USD, Currencies.EUR, Currencies.KRW, Currencies.PHP];
        var sources = new[]
        {
            new Source(SourceId.New(), "Bench carrier billing", SourceType.CarrierRefund, all, clock.Now),
            new Source(SourceId.New(), "Bench card top-ups", SourceType.EWallet, all, clock.Now),
            new Source(SourceId.New(), "Bench creator platform", SourceType.CreatorEarnings, all, clock.Now),
            new Source(SourceId.New(), "Bench gift cards", SourceType.GiftCardCredit, all, clock.Now),
            new Source(SourceId.New(), "Bench e-wallet", SourceType.EWallet, all, clock.Now),
        };
        await store.WriteAsync(async tx =>
        {
            foreach (var s in sources)
            {
                await tx.InsertSource(s);
            }

            await tx.SetSourceFunding(sources[0].Id, CreditFunding.CarrierBilling, clock.Now);
            await tx.SetSourceFunding(sources[1].Id, CreditFunding.Card, clock.Now);
            await tx.SetSourceFunding(sources[2].Id, CreditFunding.Balance, clock.Now);
            return 0;
        }, ct);
        return sources;
    }

    private static readonly (string Country, Currency Currency)[] Countries = [("KR", Currencies.KRW), ("US", Currencies.USD), ("DE", Currencies.EUR), ("PH", Currencies.PHP)];

    private static async Task<List<HolderId>> Holders(IStore store, SimulatedClock clock, string load, int count, CancellationToken ct)
    {
        var ids = new List<HolderId>(count);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(5_000))
        {
            await store.WriteAsync(async tx =>
            {
                foreach (var i in chunk)
                {
                    var holder = new Holder(HolderId.New(), $"bench-aml-{load}-{i}", new PersonName($"Bench Holder {i}"), Countries[i % Countries.Length].Country,
                        HolderStatus.Active, 1, clock.Now.AddDays(-30 - (i % 300)));
                    await tx.InsertHolder(holder);
                    ids.Add(holder.Id);
                }

                return 0;
            }, ct);
        }

        return ids;
    }

    private static Currency CurrencyOf(int i) => Countries[i % Countries.Length].Currency;

    /// <summary>A micro-credit: a few cents (tens of won), now and then a wallet in another currency's.</summary>
    private static Money Micro(Random rng, Currency currency) =>
        new(currency.LedgerUnitsPerMajor * (currency == Currencies.KRW ? rng.Next(10, 2_000) : rng.Next(1, 150)) / (currency == Currencies.KRW ? 1 : 100), currency);

    /// <summary>
    /// Each hot holder receives its credits over the 6 days up to <paramref name="end"/>, ten at a time in bursts booked at
    /// one instant (as group commit books them), from the five sources, sometimes into a second-currency wallet.
    /// </summary>
    private static async Task<long> SeedHot(IStore store, SimulatedClock clock, Source[] sources, IReadOnlyList<HolderId> holders, int perHolder, DateTimeOffset end, CancellationToken ct)
    {
        const int Burst = 10;
        var rng = new Random(11);
        var service = new CreditService(store, new AccountDirectory(store), clock);
        var bursts = (perHolder + Burst - 1) / Burst;
        var step = (end - clock.Now) / bursts;
        long created = 0;
        var pending = new List<(SourceId Source, CreditCommand Command)>();
        for (var b = 0; b < bursts; b++)
        {
            for (var h = 0; h < holders.Count; h++)
            {
                for (var k = 0; k < Burst && b * Burst + k < perHolder; k++)
                {
                    var source = sources[rng.Next(sources.Length)];
                    var currency = rng.Next(20) == 0 ? Currencies.USD : CurrencyOf(h);
                    pending.Add((source.Id, new CreditCommand($"hot-{b}-{h}-{k}", new HolderRef(holders[h], null), Micro(rng, currency), clock.Now)));
                }
            }

            created += await Apply(service, pending, ct);
            pending.Clear();

            clock.Now += step;
        }

        return created;
    }

    /// <summary>Each spread holder receives its few credits at random times over the 6 days up to <paramref name="end"/>.</summary>
    private static async Task<long> SeedSpread(IStore store, SimulatedClock clock, Source[] sources, IReadOnlyList<HolderId> holders, int perHolder, DateTimeOffset end, CancellationToken ct)
    {
        var rng = new Random(12);
        var service = new CreditService(store, new AccountDirectory(store), clock);
        const int Slots = 200;
        var from = clock.Now;
        var step = (end - from) / Slots;
        var bySlot = new List<(SourceId, CreditCommand)>[Slots];
        for (var s = 0; s < Slots; s++)
        {
            bySlot[s] = [];
        }

        for (var h = 0; h < holders.Count; h++)
        {
            for (var k = 0; k < perHolder; k++)
            {
                var source = sources[rng.Next(sources.Length)];
                var slot = rng.Next(Slots);
                bySlot[slot].Add((source.Id, new CreditCommand($"spread-{h}-{k}", new HolderRef(holders[h], null), Micro(rng, CurrencyOf(h)), from + step * slot)));
            }
        }

        long created = 0;
        foreach (var slot in bySlot)
        {
            created += await Apply(service, slot, ct);
            clock.Now += step;
        }

        return created;
    }

    /// <summary>Books the credits at the clock's time, a batch per source.</summary>
    private static async Task<long> Apply(CreditService service, List<(SourceId Source, CreditCommand Command)> credits, CancellationToken ct)
    {
        long created = 0;
        foreach (var group in credits.GroupBy(c => c.Source))
        {
            foreach (var chunk in group.Select(c => c.Command).Chunk(CreditService.MaxBatch))
            {
                var r = await service.Apply(group.Key, chunk, false, ct);
                if (!r.TryGet(out var outcomes, out var error))
                {
                    throw new InvalidOperationException($"Seeding failed: {error.Code} {error.Message}");
                }

                created += outcomes.Count(o => o.Status == CreditOutcomeStatus.Created);
            }
        }

        return created;
    }

    /// <summary>The monitor does not screen names.</summary>
    private sealed class NoLists : ISanctionsCheck
    {
        public ValueTask<SanctionsScreen?> Screen(Core.Compliance.Sanctions.ScreeningQuery query, CancellationToken ct = default) => ValueTask.FromResult<SanctionsScreen?>(null);
    }
}
