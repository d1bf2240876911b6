using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Credits;
using SmallChange.Core.Destinations;
using SmallChange.Core.Fx;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Core.Sources;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>
/// The credit monitor's window cache (<see cref="AmlCreditMonitor.CacheWindows"/>) against the monitor without it and
/// against a fresh monitor, round after round over a stream of writes between rounds, on every backend: the same
/// evaluations (every decision's rule, outcome, explanation and figures) and the same alerts filed.
/// </summary>
public abstract class AmlWindowCacheContractTests(IStoreBackend backend) : IAsyncLifetime
{
    private static readonly string[] Countries = ["US", "KR", "FR", "BR"];

    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.Zero, TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(11),
        TimeSpan.FromHours(3), TimeSpan.FromHours(23), TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(7).Add(TimeSpan.FromTicks(10)),
        TimeSpan.FromDays(9),
    ];

    private ManualClock Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    private IStore Store { get; set; } = null!;

    public async Task InitializeAsync() => Store = await backend.Create(Clock);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    [InlineData(6, true)]
    [InlineData(7, false)]
    [InlineData(8, true)]
    public async Task RunOnce_RandomStreamBetweenRounds_CacheGivesSameEvaluationsAndAlertsAsNoCacheAndFreshMonitor(int seed, bool tightened)
    {
        // Tightened: KR's fan-in looks back 14 days and the US's 1 day, so a change of country moves a holder's window start
        // both ways (shipped profiles all look back 7 days). Entries live for years here (the stream's steps are days): the
        // test is that the cache is exact, not that it expires; one seed in four keeps the default lifetime.
        var rng = new Random(seed);
        var setup = tightened ? Tightened : Shipped;
        var compliance = new ComplianceChecks(new NoLists(), setup);
        var cached = new AmlCreditMonitor(Store, compliance, setup, Clock)
        {
            Position = "aml_cached", CacheLifetime = seed % 4 == 3 ? TimeSpan.FromSeconds(60) : TimeSpan.FromDays(3650),
        };
        var plain = new AmlCreditMonitor(Store, compliance, setup, Clock) { Position = "aml_plain", CacheWindows = false };
        var world = await World.Create(this, rng, holders: 10);
        var (rounds, evaluations, cachedHolders, alerts, capped) = (0, 0, 0, 0, 0);

        for (var step = 0; step < 90; step++)
        {
            for (var n = rng.Next(1, 6); n > 0; n--)
            {
                await world.Step(rng);
            }

            if (step % 30 == 20)
            {
                await world.EditFunding(rng);
            }

            // Rounds of random size, not always to the log's end: a backlog, and holders read fresh in a round that stops
            // before leaves the read already saw.
            var size = (await Store.ReadAsync(r => r.LastLogBatch()))!.TreeSize;
            var leaves = rng.Next(3) == 0 ? 100_000 : rng.Next(1, 30);
            var fresh = new AmlCreditMonitor(Store, compliance, setup, Clock) { Position = "aml_fresh" };
            var a = await cached.RunOnce(leaves);
            var b = await plain.RunOnce(leaves);
            var c = await fresh.RunOnce(leaves);

            Assert.Equal((b.Leaves, b.Credits, b.Alerts, b.Lost), (a.Leaves, a.Credits, a.Alerts, a.Lost));
            Assert.Equal((b.Leaves, b.Credits, b.Alerts), (c.Leaves, c.Credits, c.Alerts));
            Assert.Equal(b.Evaluations.Select(Describe), a.Evaluations.Select(Describe));
            Assert.Equal(b.Evaluations.Select(Describe), c.Evaluations.Select(Describe));
            (rounds, evaluations, cachedHolders, alerts) = (rounds + 1, evaluations + a.Credits, cachedHolders + a.CachedHolders, alerts + a.Alerts);
            capped += a.Leaves > 0 && (await Store.ReadAsync(r => r.MonitorPosition("aml_cached"))) < size ? 1 : 0;
            Assert.Equal(0, c.CachedHolders);
        }

        // Not vacuous: the cache served most windows, rounds stopped short of the log's end, alerts were raised, and the
        // stream changed countries, fundings and cash-out states between rounds.
        Assert.True(evaluations > 200 && (seed % 4 == 3 || cachedHolders > evaluations / 10) && capped > 5 && alerts > 0,
            $"{evaluations} evaluated, {cachedHolders} holders from the cache, {capped} rounds short of the end, {alerts} alerts");
        Assert.True(world.CountryEdits > 0 && world.FundingEdits > 0 && world.Transitions > 10, $"{world.CountryEdits} countries, {world.FundingEdits} fundings, {world.Transitions} transitions");
    }

    [Fact]
    public async Task RunOnce_AnotherNodeAdvancedThePosition_DropsItsCacheAndSeesThatNodesCredits()
    {
        var compliance = new ComplianceChecks(new NoLists(), Shipped);
        var node1 = new AmlCreditMonitor(Store, compliance, Shipped, Clock) { CacheLifetime = TimeSpan.FromDays(1) };
        var node2 = new AmlCreditMonitor(Store, compliance, Shipped, Clock) { CacheLifetime = TimeSpan.FromDays(1) };
        var h = await NewHolder("US");
        var sources = new List<SourceId>();
        for (var i = 0; i < 7; i++)
        {
            sources.Add(await NewSource());
        }

        async Task CreditFrom(int source)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            await Credit(sources[source], [(h.Id, "2.00", Currencies.USD)]);
        }

        // Node 1 judges three sources' credits and keeps the holder's window; a second round of its own uses it.
        await CreditFrom(0);
        await CreditFrom(1);
        Assert.Equal(0, (await node1.RunOnce()).CachedHolders);
        await CreditFrom(2);
        var own = await node1.RunOnce();
        Assert.Equal((1, 1), (own.Credits, own.CachedHolders));

        // Node 2 takes the next range: three more sources node 1 never sees in its log reads.
        await CreditFrom(3);
        await CreditFrom(4);
        await CreditFrom(5);
        var other = await node2.RunOnce();
        Assert.Equal(3, other.Credits);

        // Node 1's next round starts where node 2 ended, not where its cache ends: it reads the window again and the seventh
        // source is a fan-in over seven (a kept cache would have counted four sources and let it through).
        await CreditFrom(6);
        var next = await node1.RunOnce();

        Assert.Equal((1, 0, false), (next.Credits, next.CachedHolders, next.Lost));
        Assert.Contains(next.Evaluations.Single().Result.Hits, d => d.RuleId == "aml.fan_in");
        Assert.True(next.Alerts > 0);
    }

    [Fact]
    public async Task RunOnce_EntryPastItsLifetime_ReadAgainFromTheStore()
    {
        var compliance = new ComplianceChecks(new NoLists(), Shipped);
        var monitor = new AmlCreditMonitor(Store, compliance, Shipped, Clock) { CacheLifetime = TimeSpan.FromSeconds(60) };
        var h = await NewHolder("US");
        var s = await NewSource();
        await Credit(s, [(h.Id, "1.00", Currencies.USD)]);
        Assert.Equal(0, (await monitor.RunOnce()).CachedHolders);

        Clock.Advance(TimeSpan.FromSeconds(59));
        await Credit(s, [(h.Id, "1.00", Currencies.USD)]);
        var within = await monitor.RunOnce();
        Clock.Advance(TimeSpan.FromSeconds(2));
        await Credit(s, [(h.Id, "1.00", Currencies.USD)]);
        var after = await monitor.RunOnce();

        Assert.Equal((1, 1), (within.Credits, within.CachedHolders));
        Assert.Equal((1, 0), (after.Credits, after.CachedHolders));
        Assert.True(after.HistoryRows >= 2, $"{after.HistoryRows} history rows");
    }

    [Fact]
    public async Task RunOnce_SourceFundingChanged_ReadsWindowsAgain()
    {
        // A credit's funding is joined from the source's declaration when read: cached credits would keep the old one.
        var compliance = new ComplianceChecks(new NoLists(), Shipped);
        var monitor = new AmlCreditMonitor(Store, compliance, Shipped, Clock) { CacheLifetime = TimeSpan.FromDays(1) };
        var h = await NewHolder("US");
        var s = await NewSource();
        await Credit(s, [(h.Id, "1.00", Currencies.USD)]);
        await monitor.RunOnce();
        await Credit(s, [(h.Id, "1.00", Currencies.USD)]);
        Assert.Equal(1, (await monitor.RunOnce()).CachedHolders);

        await Write(tx => tx.SetSourceFunding(s, CreditFunding.Card, Clock.GetUtcNow()));
        await Credit(s, [(h.Id, "1.00", Currencies.USD)]);
        var after = await monitor.RunOnce();
        await Credit(s, [(h.Id, "1.00", Currencies.USD)]);
        var again = await monitor.RunOnce();

        Assert.Equal((1, 0), (after.Credits, after.CachedHolders));
        Assert.Equal(1, again.CachedHolders);
    }

    private static string Describe(CreditEvaluation e) =>
        $"{e.Holder} {e.Credit.LeafIndex} {e.Credit.Transfer} {e.Result.Outcome}: {string.Join(" | ", e.Result.Decisions)}";

    /// <summary>
    /// Holders in several jurisdictions, seven sources (one carrier-billed), and a stream of writes: single credits, several
    /// in one transaction, fan-in bursts, large credits, time steps across the rules' windows (now and then 200 days, so a
    /// holder wakes up dormant), cash-outs created in every state and moved on (paid, failed, returned, rejected — without a
    /// transfer here, as a hold expiry does), a holder's country or tier changed, a source's declared funding changed.
    /// </summary>
    private sealed class World
    {
        private readonly AmlWindowCacheContractTests t;
        private readonly List<HolderId> holders = [];
        private readonly Dictionary<HolderId, Destination> destinations = [];
        private readonly List<SourceId> sources = [];
        private readonly List<(CashoutId Id, CashoutState State)> open = [];

        private World(AmlWindowCacheContractTests t) => this.t = t;

        public int CountryEdits { get; private set; }

        public int FundingEdits { get; private set; }

        public int Transitions { get; private set; }

        public static async Task<World> Create(AmlWindowCacheContractTests t, Random rng, int holders)
        {
            var w = new World(t);
            for (var i = 0; i < holders; i++)
            {
                var h = await t.NewHolder(Countries[i % Countries.Length]);
                w.holders.Add(h.Id);
                w.destinations[h.Id] = await t.NewDestination(h.Id);
            }

            for (var i = 0; i < 7; i++)
            {
                w.sources.Add(await t.NewSource(i == 0 ? SourceType.CarrierRefund : SourceType.CreatorEarnings));
            }

            await t.Write(tx => tx.SetSourceFunding(w.sources[0], CreditFunding.CarrierBilling, t.Clock.GetUtcNow()));
            return w;
        }

        public async Task Step(Random rng)
        {
            t.Clock.Advance(rng.Next(60) == 0 ? TimeSpan.FromDays(200) : Pick(rng, Steps));
            var h = Pick(rng, holders);
            switch (rng.Next(20))
            {
                case 0 or 1 or 2:
                    var state = Pick(rng, [CashoutState.Paid, CashoutState.Held, CashoutState.Approved, CashoutState.Submitted, CashoutState.Rejected]);
                    open.Add((await t.NewCashout(h, destinations[h], rng.Next(10) == 0 ? "9500.00" : $"{rng.Next(1, 300)}.00", state), state));
                    return;
                case 3 or 4 or 5 when open.Count > 0:
                    var i = rng.Next(open.Count);
                    var (id, from) = open[i];
                    CashoutState? to = from switch
                    {
                        CashoutState.Approved => rng.Next(2) == 0 ? CashoutState.Submitted : CashoutState.Failed,
                        CashoutState.Submitted => rng.Next(2) == 0 ? CashoutState.Paid : CashoutState.Failed,
                        CashoutState.Paid => CashoutState.Returned,
                        CashoutState.Held => rng.Next(2) == 0 ? CashoutState.Approved : CashoutState.Rejected,
                        _ => null,
                    };
                    if (to is { } next)
                    {
                        Assert.True(await t.Store.WriteAsync(tx => tx.TransitionCashout(id, from, next, "test", null, t.Clock.GetUtcNow())));
                        open[i] = (id, next);
                        Transitions++;
                    }

                    return;
                case 6:
                    await t.SetCountry(h, Pick(rng, Countries));
                    CountryEdits++;
                    return;
                case 7:
                    await t.Write(tx => tx.SetHolderKycTier(h, rng.Next(1, 3)));
                    return;
                case 8 or 9:
                    // Fan-in: one holder credited by every source within minutes.
                    foreach (var source in sources)
                    {
                        t.Clock.Advance(TimeSpan.FromMinutes(rng.Next(0, 3)));
                        await t.Credit(source, [(h, $"{rng.Next(100, 300)}.00", Currencies.USD)]);
                    }

                    return;
                default:
                    var items = new List<(HolderId, string, Currency)>();
                    for (var n = rng.Next(3) == 0 ? rng.Next(2, 8) : 1; n > 0; n--)
                    {
                        var amount = rng.Next(25) == 0 ? "12000.00" : $"{rng.Next(1, 500)}.{rng.Next(100):00}";
                        items.Add((rng.Next(3) == 0 ? h : Pick(rng, holders), amount, rng.Next(4) == 0 ? Currencies.EUR : Currencies.USD));
                    }

                    await t.Credit(Pick(rng, sources), items);
                    return;
            }
        }

        /// <summary>A source's declared funding changes (every credit of it read from now on says so).</summary>
        public async Task EditFunding(Random rng)
        {
            await t.Write(tx => tx.SetSourceFunding(Pick(rng, sources), Pick(rng, [CreditFunding.CarrierBilling, CreditFunding.Card, CreditFunding.Balance]), t.Clock.GetUtcNow()));
            FundingEdits++;
        }

        private static T Pick<T>(Random rng, IReadOnlyList<T> list) => list[rng.Next(list.Count)];
    }

    // ---- fixtures --------------------------------------------------------------------------------------

    private static readonly string Root = FindRoot();

    private static readonly PayoutSetup Shipped = LoadSetup(File.ReadAllText(Path.Combine(Root, "config", "jurisdictions.json")));

    /// <summary>The shipped profiles with KR's fan-in over 14 days and the US's over 1 day (their lookbacks: 14 and 7 days).</summary>
    private static readonly PayoutSetup Tightened = LoadSetup(Retune(File.ReadAllText(Path.Combine(Root, "config", "jurisdictions.json"))));

    private static string FindRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SmallChange.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }

        return root.FullName;
    }

    private static string Retune(string json)
    {
        const string FanIn = "\"fan_in\": { \"window_days\": 7";
        var kr = json.IndexOf(FanIn, StringComparison.Ordinal);
        var us = json.IndexOf(FanIn, kr + 1, StringComparison.Ordinal);
        Assert.True(kr > 0 && us > kr, "the shipped profiles' fan-in sections (KR, then US)");
        return json[..kr] + "\"fan_in\": { \"window_days\": 14" + json[(kr + FanIn.Length)..us] + "\"fan_in\": { \"window_days\": 1" + json[(us + FanIn.Length)..];
    }

    private static PayoutSetup LoadSetup(string jurisdictions) => new(ProviderCatalog.Create([]),
        FxRateTable.Parse(File.ReadAllText(Path.Combine(Root, "config", "fx-rates.json"))).Value, JurisdictionProfiles.Parse(jurisdictions).Value);

    /// <summary>No list loaded (the credit monitor never screens names).</summary>
    private sealed class NoLists : ISanctionsCheck
    {
        public ValueTask<SanctionsScreen?> Screen(SmallChange.Core.Compliance.Sanctions.ScreeningQuery query, CancellationToken ct = default) => ValueTask.FromResult<SanctionsScreen?>(null);
    }

    private Task Write(Func<IStoreTx, ValueTask> work) => Store.WriteAsync(async tx =>
    {
        await work(tx);
        return 0;
    });

    /// <summary>Changes a holder's country in place (no store method does; an operator's correction would).</summary>
    private Task SetCountry(HolderId holder, string country) => backend.Tamper(Store, backend.Name == "postgres"
        ? $"UPDATE holders SET country = '{country}' WHERE id = '{holder.Value}'"
        : $"UPDATE holders SET country = '{country}' WHERE id = x'{holder.Value:N}'");

    private async Task<Holder> NewHolder(string country)
    {
        var h = new Holder(HolderId.New(), "ext-" + Guid.NewGuid().ToString("N"), new PersonName("Ava Thompson"), country, HolderStatus.Active, 1, Clock.GetUtcNow());
        await Write(tx => tx.InsertHolder(h));
        return h;
    }

    private async Task<SourceId> NewSource(SourceType type = SourceType.CreatorEarnings)
    {
        var s = new Source(SourceId.New(), "Test source", type, [Currencies.USD, Currencies.EUR], Clock.GetUtcNow());
        await Write(tx => tx.InsertSource(s));
        return s.Id;
    }

    private async Task Credit(SourceId source, IReadOnlyList<(HolderId Holder, string Amount, Currency Currency)> items)
    {
        var svc = new CreditService(Store, new AccountDirectory(Store), Clock);
        var r = await svc.Apply(source, items.Select(i => new CreditCommand(Guid.NewGuid().ToString("N"), new HolderRef(i.Holder, null), Money.Parse(i.Amount, i.Currency).Value, Clock.GetUtcNow())).ToList(), false);
        Assert.All(r.Value, o => Assert.NotNull(o.Credit));
    }

    private async Task<Destination> NewDestination(HolderId holder)
    {
        var v = DestinationValidator.Validate(new DestinationInput
        {
            Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = "Ava Thompson", RoutingNumber = "021000021", AccountNumber = "123456789",
        }).Value;
        var d = Destination.From(DestinationId.New(), holder, v, "US", Currencies.USD, Clock.GetUtcNow());
        await Write(tx => tx.InsertDestination(d));
        return d;
    }

    private async Task<CashoutId> NewCashout(HolderId holder, Destination d, string gross, CashoutState state)
    {
        var g = Money.Parse(gross, Currencies.USD).Value;
        var zero = Money.Zero(Currencies.USD);
        var now = Clock.GetUtcNow();
        var option = new QuoteOption("sandbox-bank", "Sandbox bank", "sandbox", true, PayoutMethod.BankTransfer, g, [], zero, g, FxRate.One, FxRate.One, 0, zero, g, zero, g, 0,
            TimeSpan.FromHours(1), TimeSpan.FromDays(1), now, now, true, true);
        var c = new Cashout(CashoutId.New(), holder, QuoteId.New(), d.Id, "sandbox-bank", PayoutMethod.BankTransfer, state, g, zero, g, option, [], null, null, null, now, now);
        await Write(tx => tx.InsertCashout(c));
        return c.Id;
    }
}

public sealed class SqliteAmlWindowCacheContractTests() : AmlWindowCacheContractTests(new SqliteBackend());

public sealed class PostgresAmlWindowCacheContractTests() : AmlWindowCacheContractTests(new PostgresBackend());
