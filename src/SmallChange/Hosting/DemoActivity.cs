using System.Security.Cryptography;
using System.Text;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Cli;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Credits;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Core.Security;
using SmallChange.Core.Sources;
using SmallChange.Core.Staff;

namespace SmallChange.Hosting;

/// <summary>What <see cref="DemoActivity.Run"/> found or made, for the start-up lines and the page benchmark.</summary>
/// <param name="AwaitingApproval">The seeded four-eyes release request waiting for a second officer; null when the first officer's account does not exist.</param>
public sealed record DemoActivityInfo(int CashoutsPaid, int CashoutsAdded, Guid? HeldCase, Guid? NearMatchCase, Guid? AwaitingApproval = null);

/// <summary>
/// Activity for <c>serve --demo</c> after <see cref="DemoSeed"/> (issue 7: every portal and console page shows real data
/// to a new visitor), made through the Core services, never by inserting rows:
/// <list type="bullet">
/// <item>a bank destination for Ava Thompson, Kim Min-jun and Lukas Schneider, and past cash-outs every two weeks over
/// the last four months, paid by the sandbox providers (so receipts, statements and the charts have months);</item>
/// <item>Jordan Rivera (US, tier 2): USD 12,000 of creator earnings twelve days ago, four cash-outs of USD 2,500 that day;
/// the fourth is held by the daily-total rule, released by the demo seed as an officer, paid, and the day's currency
/// transaction report is generated (so <c>/console/reports</c> lists a CTR);</item>
/// <item>Noah Williams (US, tier 2): USD 4,200 credited and USD 3,600 cashed out at once today, held by rapid
/// in-and-out in an open case above the four-eyes threshold (the console's held cash-outs, case and approvals tour);</item>
/// <item>Olivia Martin (US, tier 2): USD 5,000 credited and USD 4,800 cashed out three hours ago, held by rapid in-and-out;
/// the demo's first officer (<see cref="DemoStaff.FirstOfficer"/>, when the account exists: <see cref="DemoStaff"/> runs
/// first) asked to release it, so the four-eyes request waits on <c>/console/approvals</c> for the other officer;</item>
/// <item>a holder whose name is a near match of a UN list entry, screened at creation: an open case with the sanctions hit
/// beside the list entry;</item>
/// <item>Lee Seo-yeon's identity submitted for tier 2: pending in the KYC review queue;</item>
/// <item>automatic cash-out settings for Ava Thompson (when her USD balance reaches 1,000.00).</item>
/// </list>
/// Past events are backdated by running the cash-out, case and sandbox services on a clock set in the past for the seed
/// (the ledger log records when they were really committed). Idempotent: every cash-out, credit and submission has a
/// fixed idempotency key or reference and is skipped when it exists; holders are found by reference; the release, the
/// release request (only while the case is open and has never had one), the settings and the submission only happen
/// when not done yet. A second start adds nothing.
/// </summary>
public static class DemoActivity
{
    public const string JordanRef = "demo-jordan";
    public const string NoahRef = "demo-noah";
    public const string OliviaRef = "demo-olivia";
    public const string NearMatchRef = "demo-near-match";
    public const string SeedActor = "demo seed";

    public static async Task<DemoActivityInfo> Run(IServiceProvider services, DemoInfo info, CancellationToken ct)
    {
        var store = services.GetRequiredService<IStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var clock = new SimulatedClock(now);
        var setup = services.GetRequiredService<PayoutSetup>();
        var compliance = services.GetRequiredService<ComplianceChecks>();
        var reports = services.GetRequiredService<Core.Compliance.Reports.ReportService>();
        var engine = new LedgerEngine(clock);
        var accounts = new AccountDirectory(store);
        var cashouts = new CashoutService(store, engine, accounts, setup with { CoolingOffOverride = TimeSpan.Zero }, clock, compliance, reports);
        var rail = new SandboxRail(store, new SandboxOptions { SettleDelay = TimeSpan.FromMinutes(30), FailureBps = 0, ReturnBps = 0 }, clock);
        var processor = new CashoutProcessor(store, engine, accounts, setup, new PayoutRails([rail]), clock);
        var cases = new CaseService(store, engine, reports, clock, services.GetService<ReleaseThresholds>());
        var seed = new Seeder(store, cashouts, processor, clock);

        var paid = 0;
        var added = 0;
        (string Ref, Currency Currency, long Units, Func<string, DestinationInput> Destination)[] regulars =
        [
            ("demo-ava", Currencies.USD, 2_000, name => new DestinationInput { Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = name, RoutingNumber = "021000021", AccountNumber = "4402917733" }),
            ("demo-minjun", Currencies.KRW, 15_000, name => new DestinationInput { Kind = DestinationKind.BankAccount, Country = "KR", AccountHolderName = name, BankCode = "004", AccountNumber = "100200300400" }),
            ("demo-lukas", Currencies.EUR, 1_500, name => new DestinationInput { Kind = DestinationKind.BankAccount, Country = "DE", AccountHolderName = name, Iban = "DE89370400440532013000" }),
        ];
        foreach (var (reference, currency, minor, destination) in regulars)
        {
            if (info.Holders.FirstOrDefault(h => h.ExternalRef == reference) is not { } holder)
            {
                continue;
            }

            // From 120 days ago, every 14 days, at the holder's afternoon: a cash-out of a round amount that grows a little.
            var dest = await seed.Destination(holder, destination(holder.Name.Value), currency, now.AddDays(-125), ct);
            for (var (day, k) = (120, 0); day >= 8; day -= 14, k++)
            {
                var amount = Money.FromIsoMinor(minor + (k * minor / 20), currency);
                var (created, state) = await seed.Cashout(holder, dest, amount, $"demo-history-{reference}-{day}", Day(now, -day).AddHours(15), ct);
                added += created ? 1 : 0;
                paid += state == CashoutState.Paid ? 1 : 0;
            }
        }

        var sources = (await store.ReadAsync(r => r.ListSources(null, 10), ct)).Items;
        var creators = sources.First(s => s.Type == SourceType.CreatorEarnings);
        var credits = services.GetRequiredService<CreditService>();
        var kyc = services.GetRequiredService<KycService>();
        added += await CtrDay(seed, cases, credits, kyc, compliance, creators, now, ct);
        var giftCards = sources.First(s => s.Type == SourceType.GiftCardCredit);
        var held = await HeldToday(seed, credits, kyc, compliance, giftCards, now, ct);
        var awaiting = await AwaitingSecondApprover(seed, cases, credits, kyc, compliance, giftCards, now, ct);
        var nearMatch = await NearMatch(store, compliance, now, ct);
        await PendingKyc(kyc, info, ct);
        await AutoSettings(store, services.GetRequiredService<AutoCashoutService>(), info, ct);
        return new DemoActivityInfo(paid, added, held, nearMatch, awaiting);
    }

    /// <summary>
    /// Jordan Rivera's busy day twelve days ago: four cash-outs of USD 2,500 seventy minutes apart (past the velocity
    /// window) after USD 12,000 of earnings; the fourth brings the New York day to USD 10,000 and is held by the
    /// daily-total rule; the seed releases it (below the four-eyes threshold, one officer's decision) and the day's CTR is
    /// generated. Returns the cash-outs it added.
    /// </summary>
    private static async Task<int> CtrDay(Seeder seed, CaseService cases, CreditService credits, KycService kyc, ComplianceChecks compliance, Source source,
        DateTimeOffset now, CancellationToken ct)
    {
        var day = Day(now, -12).AddHours(14);
        var jordan = await FindOrCreateHolder(seed.Store, JordanRef, "Jordan Rivera", "US", compliance, now.AddDays(-40), ct);
        await Tier(kyc, jordan, 2, "Enhanced due diligence done for the demo (business account of a video creator).", ct);
        await credits.Apply(source.Id, [new CreditCommand("demo-ctr-earnings", new HolderRef(jordan.Id, null), Money.FromIsoMinor(1_200_000, Currencies.USD), day.AddHours(-3))], linked: false, ct);
        var dest = await seed.Destination(jordan, new DestinationInput { Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = "Jordan Rivera", RoutingNumber = "021000021", AccountNumber = "7730019921" },
            Currencies.USD, now.AddDays(-20), ct);
        var added = 0;
        for (var i = 0; i < 4; i++)
        {
            var (created, _) = await seed.Cashout(jordan, dest, Money.FromIsoMinor(250_000, Currencies.USD), $"demo-ctr-{i}", day.AddMinutes(70 * i), ct, settle: false);
            added += created ? 1 : 0;
        }

        if (await seed.Store.ReadAsync(r => r.FindOpenCase(jordan.Id), ct) is { } open)
        {
            seed.Clock.Now = day.AddMinutes(70 * 3).AddHours(1);
            await cases.Note(open.Id, "Called the holder: a sponsorship paid out at once; contract on file. A CTR is due for the day.", SeedActor, ct);
            await cases.Decide(open.Id, CaseDecision.Release, "Known customer, documented source of funds; CTR generated for the day.", StaffActor.Named(SeedActor), ct);
        }

        await seed.Settle(day.AddHours(8), ct);
        return added;
    }

    /// <summary>Noah Williams: USD 4,200 credited and USD 3,600 cashed out at once today, held by rapid in-and-out (above four-eyes). Returns the open case.</summary>
    private static async Task<Guid?> HeldToday(Seeder seed, CreditService credits, KycService kyc, ComplianceChecks compliance, Source source, DateTimeOffset now, CancellationToken ct)
    {
        var noah = await FindOrCreateHolder(seed.Store, NoahRef, "Noah Williams", "US", compliance, now.AddDays(-30), ct);
        await Tier(kyc, noah, 2, "Enhanced due diligence done for the demo.", ct);
        var dest = await seed.Destination(noah, new DestinationInput { Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = "Noah Williams", RoutingNumber = "021000021", AccountNumber = "5512340087" },
            Currencies.USD, now.AddDays(-10), ct);
        await credits.Apply(source.Id, [new CreditCommand("demo-held-giftcards", new HolderRef(noah.Id, null), Money.FromIsoMinor(420_000, Currencies.USD), now.AddMinutes(-20))], linked: false, ct);
        await seed.Cashout(noah, dest, Money.FromIsoMinor(360_000, Currencies.USD), "demo-held-today", now.AddMinutes(-5), ct, settle: false);
        return (await seed.Store.ReadAsync(r => r.FindOpenCase(noah.Id), ct))?.Id.Value;
    }

    /// <summary>
    /// Olivia Martin: USD 5,000 of gift-card credit and a USD 4,800 cash-out ten minutes later, three hours ago, held by
    /// rapid in-and-out above the four-eyes threshold; half an hour later the first demo officer asked to release it. The
    /// request is filed once: not when the case is closed or has had a request before (approved, rejected or pending).
    /// Returns the pending request, or null when it is not pending (decided since, or no first officer).
    /// </summary>
    private static async Task<Guid?> AwaitingSecondApprover(Seeder seed, CaseService cases, CreditService credits, KycService kyc, ComplianceChecks compliance, Source source,
        DateTimeOffset now, CancellationToken ct)
    {
        var at = now.AddHours(-3);
        var olivia = await FindOrCreateHolder(seed.Store, OliviaRef, "Olivia Martin", "US", compliance, now.AddDays(-45), ct);
        await Tier(kyc, olivia, 2, "Enhanced due diligence done for the demo.", ct);
        var dest = await seed.Destination(olivia, new DestinationInput { Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = "Olivia Martin", RoutingNumber = "021000021", AccountNumber = "6630118842" },
            Currencies.USD, now.AddDays(-15), ct);
        await credits.Apply(source.Id, [new CreditCommand("demo-four-eyes-giftcards", new HolderRef(olivia.Id, null), Money.FromIsoMinor(500_000, Currencies.USD), at)], linked: false, ct);
        await seed.Cashout(olivia, dest, Money.FromIsoMinor(480_000, Currencies.USD), "demo-four-eyes", at.AddMinutes(10), ct, settle: false);
        if (await seed.Store.ReadAsync(r => r.FindOpenCase(olivia.Id), ct) is not { } open)
        {
            return null;
        }

        var subject = CaseService.SubjectOf(open.Id);
        var before = await seed.Store.ReadAsync(r => r.ListApprovals(new ApprovalFilter(Kind: ApprovalKind.CashoutRelease, Subject: subject), null, 1), ct);
        if (before.Items.Count > 0)
        {
            return before.Items[0].Status == ApprovalStatus.Pending ? before.Items[0].Id.Value : null;
        }

        if (await seed.Store.ReadAsync(r => r.FindStaffByEmail(StaffConsole.StaffAccounts.Normalize(DemoStaff.FirstOfficer)), ct) is not { } officer)
        {
            return null;
        }

        seed.Clock.Now = at.AddMinutes(40);
        await cases.Note(open.Id, "Gift cards bought and cashed out within minutes; the holder sent the receipts of a refunded event booking.", officer.Actor.Display, ct);
        var decided = await cases.Decide(open.Id, CaseDecision.Release, "Receipts match the credits; a refund of the holder's own purchase, not credit cycling.", officer.Actor, ct);
        return decided.TryGet(out var result, out _) ? result.PendingApproval?.Id.Value : null;
    }

    /// <summary>A holder whose name is one letter off a UN list entry: screened at creation like the operator API does, an open case with the hit.</summary>
    private static async Task<Guid?> NearMatch(IStore store, ComplianceChecks compliance, DateTimeOffset now, CancellationToken ct)
    {
        var holder = await FindOrCreateHolder(store, NearMatchRef, "Abdul Rahman Ahmad Hotak", "DE", compliance, now.AddDays(-2), ct);
        return (await store.ReadAsync(r => r.FindOpenCase(holder.Id), ct))?.Id.Value;
    }

    /// <summary>Lee Seo-yeon asks for tier 2 with her identity data: it waits in the officers' KYC queue (the manual reviewer).</summary>
    private static async Task PendingKyc(KycService kyc, DemoInfo info, CancellationToken ct)
    {
        if (info.Holders.FirstOrDefault(h => h.ExternalRef == "demo-seoyeon") is not { } seoyeon)
        {
            return;
        }

        var input = new IdentityInput("Lee Seo-yeon", "1991-04-17", "KR", new AddressInput("12 Teheran-ro 4-gil", null, "Seoul", null, "06234", "KR"),
            "passport", "M12345678", "KR", "Prepaid phone balance refunds and freelance illustration income");
        // Fixed key and hash: a second start replays the first submission; a decided one answers tier_already_held or replays.
        await kyc.Submit(seoyeon.Id, 2, input, SeedActor, "demo-kyc-seoyeon", Hash("demo-kyc-seoyeon"), ct);
    }

    /// <summary>Ava Thompson's automatic cash-out: to her bank account when her USD balance reaches 1,000.00 and it costs at most 2 %.</summary>
    private static async Task AutoSettings(IStore store, AutoCashoutService auto, DemoInfo info, CancellationToken ct)
    {
        if (info.Holders.FirstOrDefault(h => h.ExternalRef == "demo-ava") is not { } ava || await store.ReadAsync(r => r.GetAutoCashoutRule(ava.Id), ct) is not null)
        {
            return;
        }

        var dest = (await store.ReadAsync(r => r.ListDestinations(ava.Id, null, 10), ct)).Items.FirstOrDefault();
        if (dest is null)
        {
            return;
        }

        await auto.Save(ava.Id, new AutoCashoutInput("USD", "threshold", "1000.00", null, null, dest.Id.Value, "bank_transfer", 200), ClientInfo.System, ct);
    }

    private static async Task Tier(KycService kyc, Holder holder, int tier, string reason, CancellationToken ct)
    {
        if (holder.KycTier < tier)
        {
            await kyc.SetTier(holder.Id, tier, SeedActor, reason, ct);
        }
    }

    /// <summary>The holder by reference, or a new one at <paramref name="at"/> screened against the lists (its alerts filed as a case).</summary>
    private static async Task<Holder> FindOrCreateHolder(IStore store, string reference, string name, string country, ComplianceChecks compliance, DateTimeOffset at, CancellationToken ct)
    {
        if (await store.ReadAsync(r => r.FindHolderByRef(reference), ct) is { } found)
        {
            return found;
        }

        var holder = new Holder(HolderId.New(), reference, new PersonName(name), country, HolderStatus.Active, 0, at);
        var alerts = await compliance.ScreenNewHolder(holder, ct);
        return await store.WriteAsync(async tx =>
        {
            if (await tx.FindHolderByRef(reference) is { } raced)
            {
                return raced;
            }

            await tx.InsertHolder(holder);
            await CaseService.File(tx, holder.Id, alerts, holder.CreatedAt);
            return holder;
        }, ct);
    }

    /// <summary>Midnight UTC <paramref name="days"/> days from <paramref name="now"/>'s day.</summary>
    private static DateTimeOffset Day(DateTimeOffset now, int days) => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(days);

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    /// <summary>The backdated services and the steps the demo repeats.</summary>
    private sealed class Seeder(IStore store, CashoutService cashouts, CashoutProcessor processor, SimulatedClock clock)
    {
        public IStore Store => store;

        public SimulatedClock Clock => clock;

        /// <summary>The holder's first destination, or a new one added at <paramref name="at"/> (cooled off long before the cash-outs).</summary>
        public async Task<Destination> Destination(Holder holder, DestinationInput input, Currency currency, DateTimeOffset at, CancellationToken ct)
        {
            if ((await store.ReadAsync(r => r.ListDestinations(holder.Id, null, 10), ct)).Items.FirstOrDefault() is { } existing)
            {
                return existing;
            }

            clock.Now = at;
            var added = await cashouts.AddDestination(holder.Id, input, currency.Code, ct);
            return added.TryGet(out var d, out var error) ? d : throw new InvalidOperationException($"demo destination refused: {error.Code}");
        }

        /// <summary>
        /// A cash-out by bank transfer at <paramref name="at"/> under the fixed idempotency key (skipped when it exists),
        /// sent at once and, unless <paramref name="settle"/> is false, paid by the sandbox half an hour later.
        /// </summary>
        public async Task<(bool Created, CashoutState? State)> Cashout(Holder holder, Destination dest, Money amount, string key, DateTimeOffset at, CancellationToken ct, bool settle = true)
        {
            if (await store.ReadAsync(r => r.FindIdempotency(CashoutService.IdempotencyScope, key), ct) is not null)
            {
                return (false, null);
            }

            clock.Now = at;
            var quote = await cashouts.Quote(holder.Id, new QuoteRequest(amount, dest.Currency, dest.Country, at) { Method = PayoutMethod.BankTransfer }, ct);
            if (!quote.TryGet(out var q, out _) || q.Draft.Options.Count == 0)
            {
                return (false, null);
            }

            var r = await cashouts.Request(new CashoutCommand(holder.Id, q.Id, dest.Id, null), key, Hash(key), ct);
            if (!r.TryGet(out var result, out _))
            {
                return (false, null);
            }

            await processor.DispatchDue(100, ct);
            if (settle)
            {
                await Settle(at, ct);
            }

            var state = (await store.ReadAsync(x => x.GetCashout(result.Cashout.Id), ct))?.State;
            return (!result.Replayed, state);
        }

        /// <summary>Sends what is due at <paramref name="at"/> and an hour later settles what the sandbox has paid.</summary>
        public async Task Settle(DateTimeOffset at, CancellationToken ct)
        {
            clock.Now = at;
            await processor.DispatchDue(100, ct);
            clock.Now = at.AddHours(1);
            await processor.Settle(100, ct);
        }
    }
}
