using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SmallChange.Adapters.Lists;
using SmallChange.Api.Compliance;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Limits;
using SmallChange.Core.Credits;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Core.Sources;
using SmallChange.Hosting;
using SmallChange.Http;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange bench decide</c>: the cash-out decision — KYC tier limits, sanctions screening of the holder's and the
/// destination's names against OFAC SDN, OFAC consolidated and the UN list, and every AML rule with its history read
/// from the store — measured end to end on a store seeded with a month of realistic history. Each decision runs the
/// same code as a cash-out request: the holder and destination read, both names screened, then in one store transaction
/// the month's counted cash-outs for the limits and the AML history (credits and cash-outs of the last 7 days, the last
/// activity before, the destination's other holders), and the rules. Committing the hold is not part of the decision
/// (bench ingest measures writes). Prints <c>decisions_per_second</c> and <c>p99_ms</c>; see docs/performance.md.
/// </summary>
public static class BenchDecide
{
    public sealed record DecideResult(
        long DecisionsPerSecond,
        double P50Ms,
        double P99Ms,
        double MaxMs,
        int Decisions,
        int Concurrency,
        int Holders,
        int Days,
        long Credits,
        long Cashouts,
        long Held,
        long Rejected,
        string Lists,
        int ListEntries,
        long ListLoadMs,
        long SeedMs,
        string Backend,
        double ReadP50Ms,
        double ScreenP50Ms,
        double ChecksP50Ms,
        double ScreenP99Ms,
        double ChecksP99Ms,
        double CpuMsPerDecision,
        double OtherProcessesCpuPercent);

    public static Command Create()
    {
        var cmd = new Command("decide", "Measure full cash-out decisions (limits, sanctions, AML) against a store with a month of history");
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var holders = new Option<int>("--holders") { Description = "Holders in the seeded store", DefaultValueFactory = _ => 2_000 };
        var days = new Option<int>("--days") { Description = "Days of history seeded", DefaultValueFactory = _ => 30 };
        var decisions = new Option<int>("--decisions") { Description = "Decisions measured", DefaultValueFactory = _ => 20_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Decisions in flight at once", DefaultValueFactory = _ => 4 };
        var lists = ScreenCommand.ListsOption();
        cmd.Options.Add(json);
        cmd.Options.Add(holders);
        cmd.Options.Add(days);
        cmd.Options.Add(decisions);
        cmd.Options.Add(concurrency);
        cmd.Options.Add(lists);
        cmd.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetValue(lists) ?? SanctionsListFolder.FindDefault(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
            if (folder is null)
            {
                return CasesCommand.Fail($"No list folder: pass --lists DIR (no {SanctionsListFolder.DefaultRelativePath} above the current folder or the executable).");
            }

            var explicitDb = parse.GetResult(CliRoot.Db) is { Implicit: false };
            var db = explicitDb ? parse.GetValue(CliRoot.Db)! : BenchDb.TempFile("smallchange-bench-decide");
            try
            {
                var result = await Run(db, folder, Math.Clamp(parse.GetValue(holders), 10, 200_000), Math.Clamp(parse.GetValue(days), 8, 366),
                    Math.Clamp(parse.GetValue(decisions), 100, 10_000_000), Math.Clamp(parse.GetValue(concurrency), 1, 256), ct,
                    explicitDb ? parse.GetValue(CliRoot.PiiKeys) : null);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(result, ApiJson.Options));
                }
                else
                {
                    Console.WriteLine($"decisions: {result.DecisionsPerSecond,10:N0} /s   p50 {result.P50Ms:0.000} ms   p99 {result.P99Ms:0.000} ms   max {result.MaxMs:0.0} ms");
                    Console.WriteLine($"  {result.Decisions:N0} decisions, {result.Concurrency} in flight; {result.Held:N0} would be held, {result.Rejected:N0} rejected");
                    Console.WriteLine($"  store: {result.Backend}, {result.Holders:N0} holders, {result.Days} days, {result.Credits:N0} credits, {result.Cashouts:N0} cash-outs (seeded in {result.SeedMs:N0} ms)");
                    Console.WriteLine($"  lists: {result.Lists} ({result.ListEntries:N0} entries, loaded and indexed in {result.ListLoadMs:N0} ms)");
                    Console.WriteLine($"  CPU: {result.CpuMsPerDecision:0.000} ms per decision in this process; other processes kept {result.OtherProcessesCpuPercent:0.#} % of the machine busy");
                    Console.WriteLine($"  p50 by step: read {result.ReadP50Ms:0.000} ms, screen two names {result.ScreenP50Ms:0.000} ms, limits + AML {result.ChecksP50Ms:0.000} ms " +
                                      $"(p99 screen {result.ScreenP99Ms:0.000}, limits + AML {result.ChecksP99Ms:0.000})");
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

    private sealed record Subject(Holder Holder, Destination Destination, Money Amount);

    public static async Task<DecideResult> Run(string db, string listsFolder, int holderCount, int days, int decisionCount, int concurrency, CancellationToken ct, string? piiKeys = null)
    {
        var configDir = Path.Combine(AppContext.BaseDirectory, "config");
        var setup = PayoutConfig.Load(configDir);
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
        var clock = new SimulatedClock(end.AddDays(-days));
        await using var store = StoreFactory.Open(db, clock, piiKeys);
        await store.MigrateAsync(ct);

        // The lists, loaded and indexed the way the server does it.
        var sw = Stopwatch.StartNew();
        var sanctions = new FolderSanctionsCheck(listsFolder, Core.Compliance.Sanctions.SanctionsScreenerOptions.RecommendedThreshold,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FolderSanctionsCheck>.Instance);
        var probe = await sanctions.Screen(new Core.Compliance.Sanctions.ScreeningQuery("warm up"), ct)
                    ?? throw new ConfigurationException($"No sanctions list could be loaded from {listsFolder}.");
        var listLoadMs = sw.ElapsedMilliseconds;
        var entries = await sanctions.EntryCount(ct);
        var compliance = new ComplianceChecks(sanctions, setup);

        sw.Restart();
        var (subjects, credits, cashouts) = await Seed(store, clock, setup, NamesFrom(listsFolder), holderCount, days, ct);
        var seedMs = sw.ElapsedMilliseconds;
        var now = clock.Now;

        // Warm up until the steady state: statement caches, the page cache, and the JIT's tiered recompilation (which
        // otherwise lands in the measured phase and sets the p99), at least 3,000 decisions and 3 seconds.
        var rng = new Random(7);
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 3_000 || warm.Elapsed < TimeSpan.FromSeconds(3); i++)
        {
            await Decide(store, compliance, setup, subjects[rng.Next(subjects.Count)], now, null, ct);
        }

        var latencies = new double[decisionCount];
        var steps = new double[3][];
        for (var k = 0; k < steps.Length; k++)
        {
            steps[k] = new double[decisionCount];
        }

        long held = 0, rejected = 0, next = -1;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var machine0 = MachineCpu();
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var r = new Random(1000 + w);
            long i;
            while ((i = Interlocked.Increment(ref next)) < decisionCount)
            {
                var t0 = Stopwatch.GetTimestamp();
                var outcome = await Decide(store, compliance, setup, subjects[r.Next(subjects.Count)], now, (steps, i), ct);
                latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (outcome == CheckResult.Review)
                {
                    Interlocked.Increment(ref held);
                }
                else if (outcome == CheckResult.Fail)
                {
                    Interlocked.Increment(ref rejected);
                }
            }
        }, ct)));
        var elapsed = sw.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        var machine = MachineCpu() - machine0;
        Array.Sort(latencies);
        foreach (var step in steps)
        {
            Array.Sort(step);
        }

        double P(double[] sorted, double q) => Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))], 3);
        return new DecideResult(
            (long)(decisionCount / elapsed.TotalSeconds),
            Math.Round(latencies[(int)(decisionCount * 0.50)], 3),
            Math.Round(latencies[Math.Min(decisionCount - 1, (int)(decisionCount * 0.99))], 3),
            Math.Round(latencies[^1], 3),
            decisionCount,
            concurrency,
            holderCount,
            days,
            credits,
            cashouts,
            held,
            rejected,
            probe.Lists,
            entries,
            listLoadMs,
            seedMs,
            store.Backend,
            P(steps[0], 0.5),
            P(steps[1], 0.5),
            P(steps[2], 0.5),
            P(steps[1], 0.99),
            P(steps[2], 0.99),
            Math.Round(cpu.TotalMilliseconds / decisionCount, 4),
            Math.Round(Math.Max(0, (machine - cpu).TotalMilliseconds) / (elapsed.TotalMilliseconds * Environment.ProcessorCount) * 100, 1));
    }

    /// <summary>
    /// One decision, as <see cref="CashoutService.Request"/> takes it: read the holder and destination; screen both names;
    /// then in one transaction the limits (the month's counted cash-outs) and the AML rules (history from the store).
    /// Returns the strictest check outcome.
    /// </summary>
    private static async Task<string> Decide(IStore store, ComplianceChecks compliance, PayoutSetup setup, Subject s, DateTimeOffset now,
        (double[][] Steps, long Index)? timing, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        var (holder, destination) = await store.ReadAsync(async r => (await r.GetHolder(s.Holder.Id), await r.GetDestination(s.Destination.Id)), ct);
        var t1 = Stopwatch.GetTimestamp();
        var screenings = await compliance.ScreenCashout(holder!, destination!, ct);
        var t2 = Stopwatch.GetTimestamp();
        var profile = setup.Profiles.For(holder!.Country);
        var checks = await store.ReadAsync(async r =>
        {
            var prior = await r.CashoutUsage(holder.Id, profile.MonthStart(now));
            var list = new List<CheckResult> { TierLimitCheck.Check(profile, holder.KycTier, s.Amount, prior, setup.Rates, now) };
            var verdict = await compliance.EvaluateCashout(r, holder, destination!, s.Amount, destination!.Method, screenings, CashoutId.New(), now);
            list.AddRange(verdict.Checks);
            return list;
        }, ct);
        if (timing is { } t)
        {
            t.Steps[0][t.Index] = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
            t.Steps[1][t.Index] = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
            t.Steps[2][t.Index] = Stopwatch.GetElapsedTime(t2).TotalMilliseconds;
        }

        return checks.Any(c => c.Outcome == CheckResult.Fail) ? CheckResult.Fail
            : checks.Any(c => c.Outcome == CheckResult.Review) ? CheckResult.Review
            : CheckResult.Pass;
    }

    /// <summary>CPU time the whole machine spent busy (user, system, steal …; not idle or iowait), from /proc/stat; zero elsewhere.</summary>
    private static TimeSpan MachineCpu()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var busy = fields.Sum() - fields[3] - (fields.Length > 4 ? fields[4] : 0);
            return TimeSpan.FromMilliseconds(busy * 10.0); // USER_HZ = 100
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>Names of people on no list (the screening fixtures' negatives), for realistic screening work.</summary>
    private static List<string> NamesFrom(string listsFolder)
    {
        var names = new List<string>();
        foreach (var file in new[] { "negatives_us_1k.csv", "negatives_global_1k.csv" })
        {
            var path = Path.Combine(listsFolder, "screening_fixtures", file);
            if (File.Exists(path))
            {
                names.AddRange(CsvRecords.Parse(File.ReadAllText(path)).Skip(1).Select(r => r[0]).Where(n => n.Length > 0));
            }
        }

        return names.Count > 0 ? names : ["Ava Thompson", "Kim Min-jun", "Lukas Schmidt", "Maria Santos", "Juan dela Cruz"];
    }

    private static readonly (string Country, Currency Currency, int Weight)[] Countries =
        [("US", Currencies.USD, 35), ("KR", Currencies.KRW, 35), ("DE", Currencies.EUR, 20), ("PH", Currencies.PHP, 10)];

    /// <summary>
    /// A month of history: holders in the US, Korea, Germany and the Philippines (tier 1, some tier 2), one e-wallet
    /// destination each (3 % shared by a couple), micro-credits several times a day from three sources, occasional
    /// creator payouts, and a few paid cash-outs per holder.
    /// </summary>
    private static async Task<(List<Subject> Subjects, long Credits, long Cashouts)> Seed(
        IStore store, SimulatedClock clock, PayoutSetup setup, List<string> names, int holderCount, int days, CancellationToken ct)
    {
        var rng = new Random(42);
        var start = clock.Now;
        var sources = new[]
        {
            new Source(SourceId.New(), "Bench creator platform", SourceType.CreatorEarnings, [Currencies.USD, Currencies.EUR, Currencies.KRW, Currencies.PHP], start),
            new Source(SourceId.New(), "Bench carrier refunds", SourceType.CarrierRefund, [Currencies.KRW, Currencies.USD, Currencies.EUR, Currencies.PHP], start),
            new Source(SourceId.New(), "Bench gift cards", SourceType.GiftCardCredit, [Currencies.USD, Currencies.EUR, Currencies.KRW, Currencies.PHP], start),
        };
        var subjects = new List<Subject>(holderCount);
        var holders = new List<(Holder Holder, Currency Currency, Destination Destination)>(holderCount);
        await store.WriteAsync(async tx =>
        {
            foreach (var s in sources)
            {
                await tx.InsertSource(s);
            }

            for (var i = 0; i < holderCount; i++)
            {
                var pick = rng.Next(100);
                var (country, currency, _) = Countries.First(c => (pick -= c.Weight) < 0);
                var holder = new Holder(HolderId.New(), $"bench-decide-{i}", new PersonName(names[i % names.Count]), country, HolderStatus.Active,
                    rng.Next(10) == 0 ? 2 : 1, start.AddDays(-rng.Next(30, 400)));
                await tx.InsertHolder(holder);
                var shared = i > 0 && rng.Next(100) < 3 ? holders[^1].Destination.Value : $"holder{i}@example.com";
                var v = DestinationValidator.Validate(new DestinationInput { Kind = DestinationKind.DigitalWallet, Country = country, AccountHolderName = holder.Name.Value, Email = shared }).Value;
                var destination = Destination.From(DestinationId.New(), holder.Id, v, country, currency, start);
                await tx.InsertDestination(destination);
                holders.Add((holder, currency, destination));
                var amount = currency == Currencies.KRW ? Money.Parse("20000", currency).Value : currency == Currencies.PHP ? Money.Parse("800", currency).Value : Money.Parse("15.00", currency).Value;
                subjects.Add(new Subject(holder, destination, amount));
            }

            return 0;
        }, ct);

        var service = new CreditService(store, new AccountDirectory(store), clock);
        long credits = 0, cashouts = 0;
        for (var day = 0; day < days; day++)
        {
            foreach (var hour in (int[])[8, 14, 20])
            {
                clock.Now = start.AddDays(day).AddHours(hour);
                foreach (var source in sources)
                {
                    var batch = new List<CreditCommand>();
                    foreach (var (holder, currency, _) in holders)
                    {
                        // About three micro-credits a day across the sources; a creator payout now and then.
                        if (rng.Next(3) != 0 && !(source.Type == SourceType.CreatorEarnings && rng.Next(300) == 0))
                        {
                            continue;
                        }

                        var major = source.Type == SourceType.CreatorEarnings && rng.Next(300) == 0 ? rng.Next(50, 400) * 100 : rng.Next(1, 200);
                        var units = currency.LedgerUnitsPerMajor * major / 100 * (currency == Currencies.KRW ? 10 : currency == Currencies.PHP ? 50 : 1);
                        batch.Add(new CreditCommand($"{day}-{hour}-{holder.Id}", new HolderRef(holder.Id, null), new Money(units, currency), clock.Now));
                    }

                    foreach (var chunk in batch.Chunk(CreditService.MaxBatch))
                    {
                        var r = await service.Apply(source.Id, chunk, false, ct);
                        credits += r.Value.Count(o => o.Status == CreditOutcomeStatus.Created);
                    }
                }
            }

            // Cash-outs that already happened: a few per holder per month, paid.
            clock.Now = start.AddDays(day).AddHours(21);
            var paid = holders.Where(_ => rng.Next(12) == 0).ToList();
            if (paid.Count > 0)
            {
                await store.WriteAsync(async tx =>
                {
                    foreach (var (holder, currency, destination) in paid)
                    {
                        var gross = new Money(currency.LedgerUnitsPerMajor * (currency == Currencies.KRW ? 15_000 : currency == Currencies.PHP ? 600 : 12), currency);
                        await tx.InsertCashout(PaidCashout(holder, destination, gross, clock.Now));
                    }

                    return 0;
                }, ct);
                cashouts += paid.Count;
            }
        }

        clock.Now = start.AddDays(days);
        return (subjects, credits, cashouts);
    }

    private static Cashout PaidCashout(Holder holder, Destination destination, Money gross, DateTimeOffset at)
    {
        var zero = Money.Zero(gross.Currency);
        var option = new QuoteOption("sandbox-wallet", "Sandbox wallet", "sandbox", true, PayoutMethod.DigitalWallet, gross, [], zero, gross, Core.Fx.FxRate.One, Core.Fx.FxRate.One,
            0, zero, gross, zero, gross, 0, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), at, at, true, true);
        return new Cashout(CashoutId.New(), holder.Id, QuoteId.New(), destination.Id, "sandbox-wallet", PayoutMethod.DigitalWallet, CashoutState.Paid, gross, zero, gross,
            option, [], null, null, null, at, at);
    }
}
