using System.Reflection;
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
/// The batch AML read of a credit-monitor round (<see cref="IStoreReader.AmlHistories"/>) against the per-holder reads it
/// replaces (<c>GetHolder</c> and <c>AmlHistory</c>), over randomised histories, on every backend; and a monitor round over
/// many holders judged as the per-holder reads would have it judged.
/// </summary>
public abstract class AmlBatchContractTests(IStoreBackend backend) : IAsyncLifetime
{
    private static readonly string[] Countries = ["US", "KR", "FR", "BR"];

    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.Zero, TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11), TimeSpan.FromHours(3), TimeSpan.FromDays(1), TimeSpan.FromHours(26), TimeSpan.FromDays(9),
    ];

    protected ManualClock Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    protected IStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await backend.Create(Clock);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AmlHistories_RandomisedHistories_EqualPerHolderReads(int seed)
    {
        var rng = new Random(seed);
        var world = await Build(rng, holders: 12, steps: 120);
        var instants = world.Instants;

        for (var round = 0; round < 6; round++)
        {
            // Windows at recorded instants (the edges of credits and cash-outs), a microsecond either side, or anywhere.
            var windows = new Dictionary<HolderId, AmlWindow>();
            foreach (var h in world.Holders)
            {
                var a = Pick(rng, instants);
                var b = Pick(rng, instants);
                (a, b) = a <= b ? (a, b) : (b, a);
                windows[h] = new AmlWindow(a, b == a ? b.AddTicks(TimeSpan.TicksPerMicrosecond) : b);
            }

            var asked = world.Holders.Append(HolderId.New()).ToList();
            var batch = await Store.ReadAsync(r => r.AmlHistories(asked, h => windows[h.Id]));

            Assert.Equal(world.Holders.Count, batch.Count);
            foreach (var h in world.Holders)
            {
                var w = windows[h];
                var (holder, history) = await Store.ReadAsync(async r => (await r.GetHolder(h), await r.AmlHistory(h, w.Since, w.Until)));
                var got = batch[h];
                Assert.Equal(new AmlHolder(holder!.Id, holder.Country, holder.CreatedAt, holder.KycTier), got.Holder);
                Assert.Equal(w, got.Window);
                AssertSameHistory(history, got.History);
            }
        }

        // Not vacuous: some windows held credits, cash-outs and an earlier activity.
        Assert.True(world.Credits > 50 && world.Cashouts > 5, $"{world.Credits} credits, {world.Cashouts} cash-outs");
    }

    [Fact]
    public async Task AmlHistories_HoldersWithNothingOrUnknown_EmptyHistoryOrAbsent()
    {
        var quiet = await NewHolder("KR");
        var unknown = HolderId.New();
        var since = Clock.GetUtcNow().AddDays(-30);

        var batch = await Store.ReadAsync(r => r.AmlHistories([quiet.Id, unknown], _ => new AmlWindow(since, Clock.GetUtcNow())));

        var got = Assert.Single(batch).Value;
        Assert.Equal(new AmlHolder(quiet.Id, "KR", quiet.CreatedAt, quiet.KycTier), got.Holder);
        Assert.Empty(got.History.Credits);
        Assert.Empty(got.History.Cashouts);
        Assert.Null(got.History.LastActivityBefore);
        Assert.Empty(await Store.ReadAsync(r => r.AmlHistories([], _ => throw new InvalidOperationException("no holder, no window"))));
    }

    [Fact]
    public async Task AmlHistories_WindowEdges_SinceInclusiveUntilExclusiveLastBeforeSince()
    {
        var h = await NewHolder();
        var s = await NewSource();
        var d = await NewDestination(h.Id);
        var before = Clock.GetUtcNow();
        await Credit(s, [(h.Id, "1.00", Currencies.USD)]);                 // the last activity before the window
        Clock.Advance(TimeSpan.FromHours(1));
        var since = Clock.GetUtcNow();
        await Credit(s, [(h.Id, "2.00", Currencies.USD)]);                 // at since: in
        await NewCashout(h.Id, d, "1.50", CashoutState.Paid);              // at since: in
        Clock.Advance(TimeSpan.FromHours(1));
        var until = Clock.GetUtcNow();
        await Credit(s, [(h.Id, "3.00", Currencies.EUR)]);                 // at until: out
        await NewCashout(h.Id, d, "2.50", CashoutState.Held);              // at until: out

        var got = (await Store.ReadAsync(r => r.AmlHistories([h.Id], _ => new AmlWindow(since, until))))[h.Id].History;

        Assert.Equal(["USD 2.00"], got.Credits.Select(c => c.Amount.ToString()));
        Assert.Equal(["USD 1.50"], got.Cashouts.Select(c => c.Amount.ToString()));
        Assert.Equal(before, got.LastActivityBefore);
        var later = (await Store.ReadAsync(r => r.AmlHistories([h.Id], _ => new AmlWindow(since.AddTicks(TimeSpan.TicksPerMicrosecond), until.AddTicks(TimeSpan.TicksPerMicrosecond)))))[h.Id].History;
        Assert.Equal(["EUR 3.00"], later.Credits.Select(c => c.Amount.ToString()));
        Assert.Equal(["USD 2.50"], later.Cashouts.Select(c => c.Amount.ToString()));
        Assert.Equal(since, later.LastActivityBefore);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Evaluate_RoundOverManyHolders_SameResultsAsPerHolderReadsAndFilesThoseAlerts(int seed)
    {
        var world = await Build(new Random(seed), holders: 40, steps: 160);
        var monitor = new AmlCreditMonitor(Store, new ComplianceChecks(new NoLists(), Setup), Setup, Clock) { Batch = 100_000 };
        var size = (await Store.ReadAsync(r => r.LastLogBatch()))!.TreeSize;

        var batch = await Store.ReadAsync(async r => await monitor.Evaluate(r, await r.CreditsInLog(0, size)));
        var perHolder = await Store.ReadAsync(async r => await monitor.Evaluate(PerHolderReader.Over(r), await r.CreditsInLog(0, size)));

        Assert.Equal(world.Credits, batch.Count);
        Assert.Equal(perHolder.Select(Describe), batch.Select(Describe));
        var hits = batch.SelectMany(e => e.Result.Hits.Select(d => (e.Credit.Transfer, d.RuleId))).ToList();
        Assert.True(hits.Select(x => x.RuleId).Distinct().Count() >= 2, "the round raises alerts of several rules: " + string.Join(", ", hits.Select(x => x.RuleId).Distinct()));

        var round = await monitor.RunOnce();

        Assert.Equal((size, world.Credits, hits.Count, false), (round.Leaves, round.Credits, round.Alerts, round.Lost));
        var filed = new List<(Guid, string)>();
        foreach (var h in world.Holders)
        {
            filed.AddRange((await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: h), null, 1000))).Items.Select(a => (a.Subject.Id, a.RuleId)));
        }

        Assert.Equal(hits.Select(x => (x.Transfer.Value, x.RuleId)).Order(), filed.Order());
    }

    [Theory]
    [InlineData(11, 7)]
    [InlineData(12, 50)]
    [InlineData(13, 100_000)]
    public async Task Evaluate_OnePassOverStoredHistory_SameResultsAsOneByOne(int seed, int leaves)
    {
        // The monitor's one-pass evaluation against each credit judged alone with its full history lists, over what the
        // store holds, in rounds of several sizes (the history before a round then includes earlier rounds' credits).
        await Build(new Random(seed), holders: 25, steps: 160);
        var compliance = new ComplianceChecks(new NoLists(), Setup);
        var onePass = new AmlCreditMonitor(Store, compliance, Setup, Clock);
        var oneByOne = new AmlCreditMonitor(Store, compliance, Setup, Clock) { OneByOne = true };
        var size = (await Store.ReadAsync(r => r.LastLogBatch()))!.TreeSize;
        var (expected, got) = (new List<string>(), new List<string>());

        for (long from = 0; from < size; from += leaves)
        {
            var to = Math.Min(size, from + leaves);
            expected.AddRange(await Store.ReadAsync(async r => (await oneByOne.Evaluate(r, await r.CreditsInLog(from, to))).Select(Describe).ToList()));
            got.AddRange(await Store.ReadAsync(async r => (await onePass.Evaluate(r, await r.CreditsInLog(from, to))).Select(Describe).ToList()));
        }

        Assert.Equal(expected, got);
        Assert.Contains(got, d => d.Contains(" hold: ", StringComparison.Ordinal) || d.Contains(" reject: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_RoundsOfGrowingSize_EveryCreditOnceSameAlertsAsOneRound()
    {
        var world = await Build(new Random(9), holders: 30, steps: 140);
        var monitor = new AmlCreditMonitor(Store, new ComplianceChecks(new NoLists(), Setup), Setup, Clock) { Batch = 3 };
        var size = (await Store.ReadAsync(r => r.LastLogBatch()))!.TreeSize;
        var whole = await Store.ReadAsync(async r => await monitor.Evaluate(r, await r.CreditsInLog(0, size)));
        var expected = whole.SelectMany(e => e.Result.Hits.Select(d => (e.Credit.Transfer.Value, d.RuleId))).Order().ToList();

        // As the worker does when behind: each full round doubles the next one's size (3, 6, 12, …).
        var (leaves, read, credits, sizes) = (monitor.Batch, 0L, 0, new List<long>());
        while (read < size)
        {
            var round = await monitor.RunOnce(leaves);
            Assert.False(round.Lost);
            (read, credits, leaves) = (read + round.Leaves, credits + round.Credits, leaves * 2);
            sizes.Add(round.Leaves);
        }

        Assert.Equal((size, world.Credits), (read, credits));
        Assert.Equal([3L, 6, 12, 24], sizes.Take(4));
        Assert.Equal(0, (await monitor.RunOnce(leaves)).Leaves);
        var filed = new List<(Guid, string)>();
        foreach (var h in world.Holders)
        {
            filed.AddRange((await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: h), null, 1000))).Items.Select(a => (a.Subject.Id, a.RuleId)));
        }

        Assert.Equal(expected, filed.Order());
    }

    [Fact]
    public async Task FileMany_ManyHolders_SameCasesAlertsAndTrailsAsFileOneByOne()
    {
        // Two mirrored sets of holders: one filed at once, one item after the other. Holders 0 and 1 have an open case
        // already, holder 3 a decided one, holder 2 none; holder 1's item has no alert.
        async Task<List<HolderId>> Prepare()
        {
            var hs = new List<HolderId>();
            for (var i = 0; i < 4; i++)
            {
                hs.Add((await NewHolder()).Id);
            }

            await Store.WriteAsync(tx => CaseService.File(tx, hs[0], [Draft("aml.velocity")], Clock.GetUtcNow()));
            await Store.WriteAsync(tx => CaseService.File(tx, hs[1], [Draft("aml.velocity")], Clock.GetUtcNow()));
            var closed = (await Store.WriteAsync(tx => CaseService.File(tx, hs[3], [Draft("aml.velocity")], Clock.GetUtcNow())))[0].Case;
            Assert.True(await Store.WriteAsync(tx => tx.CloseCase(closed, CaseDecision.Release, "fine", "officer-1", Clock.GetUtcNow())));
            return hs;
        }

        List<(HolderId, IReadOnlyList<AlertDraft>)> Items(List<HolderId> hs) =>
        [
            (hs[0], [Draft("aml.fan_in"), Draft("aml.dormant_reactivation")]), (hs[2], [Draft("aml.fan_in")]), (hs[0], [Draft("aml.fan_in")]),
            (hs[3], [Draft("aml.fan_in"), Draft("aml.dormant_reactivation")]), (hs[1], []),
        ];

        var batch = await Prepare();
        var single = await Prepare();
        Clock.Advance(TimeSpan.FromMinutes(1));

        var filed = await Store.WriteAsync(tx => CaseService.FileMany(tx, Items(batch), Clock.GetUtcNow()));
        var one = 0;
        foreach (var (h, drafts) in Items(single))
        {
            one += (await Store.WriteAsync(tx => CaseService.File(tx, h, drafts, Clock.GetUtcNow()))).Count;
        }

        Assert.Equal(6, filed.Count);
        Assert.Equal(one, filed.Count);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(await Summary(single[i]), await Summary(batch[i]));
        }
    }

    [Fact]
    public async Task InsertAlerts_CaseDecidedOrOtherHolders_RefusedAndNotWritten()
    {
        var a = await NewHolder();
        var b = await NewHolder();
        var open = (await Store.WriteAsync(tx => CaseService.File(tx, a.Id, [Draft("aml.velocity")], Clock.GetUtcNow())))[0].Case;
        var decided = (await Store.WriteAsync(tx => CaseService.File(tx, b.Id, [Draft("aml.velocity")], Clock.GetUtcNow())))[0].Case;
        Assert.True(await Store.WriteAsync(tx => tx.CloseCase(decided, CaseDecision.Reject, "mule", "officer-1", Clock.GetUtcNow())));
        Alert New(HolderId h, CaseId c) => new(AlertId.New(), h, c, "aml.fan_in", 1, AmlOutcome.Hold, "x", [new AlertFigure("sources", "6")], AlertSubject.Of(TransferId.New()), Clock.GetUtcNow());
        var ok1 = New(a.Id, open);
        var ok2 = New(a.Id, open);
        var late = New(b.Id, decided);
        var wrongHolder = New(b.Id, open);

        var refused = await Store.WriteAsync(tx => tx.InsertAlerts([ok1, late, ok2, wrongHolder]));

        Assert.Equal(new HashSet<AlertId> { late.Id, wrongHolder.Id }, refused.ToHashSet());
        Assert.Equal(3, (await Store.ReadAsync(r => r.GetCase(open)))!.AlertCount);
        Assert.Equal(1, (await Store.ReadAsync(r => r.GetCase(decided)))!.AlertCount);
        Assert.NotNull(await Store.ReadAsync(r => r.GetAlert(ok2.Id)));
        Assert.Null(await Store.ReadAsync(r => r.GetAlert(late.Id)));
        Assert.Null(await Store.ReadAsync(r => r.GetAlert(wrongHolder.Id)));
    }

    private static AlertDraft Draft(string rule) =>
        new(rule, 1, AmlOutcome.Hold, "explained", [new AlertFigure("count", "4")], AlertSubject.Of(TransferId.New()));

    /// <summary>A holder's cases, oldest first: status, alert count, the rules of its alerts and its trail (action and number).</summary>
    private async Task<string> Summary(HolderId holder)
    {
        var parts = new List<string>();
        foreach (var c in (await Store.ReadAsync(r => r.ListCases(new CaseFilter(Holder: holder), null, 100))).Items.OrderBy(c => c.Id.Value))
        {
            var alerts = (await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Case: c.Id), null, 100))).Items.OrderBy(x => x.Id.Value).Select(x => x.RuleId);
            var trail = (await Store.ReadAsync(r => r.ListCaseEvents(c.Id))).Select(e => $"{e.Sequence}:{e.Action}");
            parts.Add($"{c.Status} {c.AlertCount} [{string.Join(",", alerts)}] [{string.Join(",", trail)}]");
        }

        return string.Join(" / ", parts);
    }

    private static string Describe(CreditEvaluation e) =>
        $"{e.Holder} {e.Credit.LeafIndex} {e.Credit.Transfer} {e.Result.Outcome}: {string.Join(" | ", e.Result.Decisions)}";

    private static void AssertSameHistory(AmlHistory expected, AmlHistory actual)
    {
        Assert.Equal(expected.Credits, actual.Credits);
        // AmlHistory orders cash-outs by time only: cash-outs at one instant may come in either order.
        Assert.Equal(expected.Cashouts.OrderBy(c => c.At).ThenBy(c => c.Amount.Units), actual.Cashouts.OrderBy(c => c.At).ThenBy(c => c.Amount.Units));
        Assert.Equal(expected.Cashouts.Select(c => c.At), actual.Cashouts.Select(c => c.At));
        Assert.Equal(expected.LastActivityBefore, actual.LastActivityBefore);
    }

    private static T Pick<T>(Random rng, IReadOnlyList<T> list) => list[rng.Next(list.Count)];

    private sealed record World(List<HolderId> Holders, List<DateTimeOffset> Instants, int Credits, int Cashouts);

    /// <summary>
    /// Holders in several jurisdictions (two never active), seven sources (one carrier-billed), and a random walk of
    /// time (now and then 200 days, so a holder wakes up dormant): credits alone or several in one transaction (one instant),
    /// bursts from every source to one holder (fan-in), large ones now and then, cash-outs in every state.
    /// </summary>
    private async Task<World> Build(Random rng, int holders, int steps)
    {
        var ids = new List<HolderId>();
        var destinations = new Dictionary<HolderId, Destination>();
        for (var i = 0; i < holders; i++)
        {
            var h = await NewHolder(Countries[i % Countries.Length]);
            ids.Add(h.Id);
            destinations[h.Id] = await NewDestination(h.Id);
        }

        var sources = new List<SourceId>();
        for (var i = 0; i < 7; i++)
        {
            sources.Add(await NewSource(i == 0 ? SourceType.CarrierRefund : SourceType.CreatorEarnings));
        }

        await Store.WriteAsync(async tx =>
        {
            await tx.SetSourceFunding(sources[0], CreditFunding.CarrierBilling, Clock.GetUtcNow());
            return 0;
        });

        var active = ids.Skip(2).ToList();
        var instants = new List<DateTimeOffset> { Clock.GetUtcNow() };
        var (credits, cashouts) = (0, 0);
        var states = new[] { CashoutState.Paid, CashoutState.Held, CashoutState.Approved, CashoutState.Submitted, CashoutState.Rejected, CashoutState.Failed };
        for (var step = 0; step < steps; step++)
        {
            Clock.Advance(rng.Next(50) == 0 ? TimeSpan.FromDays(200) : Pick(rng, Steps));
            instants.Add(Clock.GetUtcNow());
            instants.Add(Clock.GetUtcNow().AddTicks(-TimeSpan.TicksPerMicrosecond));
            instants.Add(Clock.GetUtcNow().AddTicks(TimeSpan.TicksPerMicrosecond));
            if (rng.Next(5) == 0)
            {
                var h = Pick(rng, active);
                await NewCashout(h, destinations[h], rng.Next(10) == 0 ? "9500.00" : $"{rng.Next(1, 300)}.00", Pick(rng, states));
                cashouts++;
                continue;
            }

            if (rng.Next(12) == 0)
            {
                // Fan-in: one holder credited by every source within minutes.
                var h = Pick(rng, active);
                foreach (var source in sources)
                {
                    Clock.Advance(TimeSpan.FromMinutes(rng.Next(0, 3)));
                    await Credit(source, [(h, $"{rng.Next(100, 300)}.00", Currencies.USD)]);
                    credits++;
                }

                continue;
            }

            var items = new List<(HolderId, string, Currency)>();
            for (var n = rng.Next(3) == 0 ? rng.Next(2, 8) : 1; n > 0; n--)
            {
                var amount = rng.Next(25) == 0 ? "12000.00" : $"{rng.Next(1, 500)}.{rng.Next(100):00}";
                items.Add((Pick(rng, active), amount, rng.Next(4) == 0 ? Currencies.EUR : Currencies.USD));
            }

            await Credit(Pick(rng, sources), items);
            credits += items.Count;
        }

        return new World(ids, instants, credits, cashouts);
    }

    // ---- fixtures --------------------------------------------------------------------------------------

    private static readonly PayoutSetup Setup = LoadSetup();

    private static PayoutSetup LoadSetup()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SmallChange.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }

        return new PayoutSetup(ProviderCatalog.Create([]),
            FxRateTable.Parse(File.ReadAllText(Path.Combine(root.FullName, "config", "fx-rates.json"))).Value,
            JurisdictionProfiles.Parse(File.ReadAllText(Path.Combine(root.FullName, "config", "jurisdictions.json"))).Value);
    }

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

    private async Task<Holder> NewHolder(string country = "US")
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

    private async Task NewCashout(HolderId holder, Destination d, string gross, CashoutState state)
    {
        var g = Money.Parse(gross, Currencies.USD).Value;
        var zero = Money.Zero(Currencies.USD);
        var now = Clock.GetUtcNow();
        var option = new QuoteOption("sandbox-bank", "Sandbox bank", "sandbox", true, PayoutMethod.BankTransfer, g, [], zero, g, FxRate.One, FxRate.One, 0, zero, g, zero, g, 0,
            TimeSpan.FromHours(1), TimeSpan.FromDays(1), now, now, true, true);
        var c = new Cashout(CashoutId.New(), holder, QuoteId.New(), d.Id, "sandbox-bank", PayoutMethod.BankTransfer, state, g, zero, g, option, [], null, null, null, now, now);
        await Write(tx => tx.InsertCashout(c));
    }
}

/// <summary>
/// A reader whose batch AML read is the per-holder reads the credit monitor made before it existed (<c>GetHolder</c>, then
/// <c>AmlHistory</c> over the holder's window), one holder after the other; every other call goes to the store's reader.
/// </summary>
public class PerHolderReader : DispatchProxy
{
    private IStoreReader _inner = null!;

    public static IStoreReader Over(IStoreReader inner)
    {
        var proxy = Create<IStoreReader, PerHolderReader>();
        ((PerHolderReader)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args) => method!.Name == nameof(IStoreReader.AmlHistories)
        ? new ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>>(PerHolder((IReadOnlyCollection<HolderId>)args![0]!, (Func<AmlHolder, AmlWindow>)args[1]!))
        : method.Invoke(_inner, args);

    private async Task<IReadOnlyDictionary<HolderId, AmlHolderHistory>> PerHolder(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window)
    {
        var result = new Dictionary<HolderId, AmlHolderHistory>();
        foreach (var id in holders)
        {
            if (await _inner.GetHolder(id) is not { } holder)
            {
                continue;
            }

            var aml = new AmlHolder(holder.Id, holder.Country, holder.CreatedAt, holder.KycTier);
            var w = window(aml);
            result[id] = new AmlHolderHistory(aml, w, await _inner.AmlHistory(id, w.Since, w.Until));
        }

        return result;
    }
}

public sealed class SqliteAmlBatchContractTests() : AmlBatchContractTests(new SqliteBackend());

public sealed class PostgresAmlBatchContractTests() : AmlBatchContractTests(new PostgresBackend());
