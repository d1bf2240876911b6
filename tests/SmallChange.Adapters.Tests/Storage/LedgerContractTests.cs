using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Audit;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>The storage contract: every test here runs on every backend (see the derived classes).</summary>
public abstract partial class LedgerContractTests(IStoreBackend backend) : IAsyncLifetime
{
    protected ManualClock Clock { get; } = new();

    protected IStoreBackend Backend => backend;

    protected IStore Store { get; private set; } = null!;

    protected LedgerEngine Engine { get; private set; } = null!;

    protected AccountDirectory Accounts { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await backend.Create(Clock);
        Engine = new LedgerEngine(Clock);
        Accounts = new AccountDirectory(Store);
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    protected async Task<SourceId> NewSource(params Currency[] currencies)
    {
        var s = new Source(SourceId.New(), "Test carrier", SourceType.CarrierRefund, currencies.Length == 0 ? [Currencies.USD, Currencies.KRW] : currencies, Clock.GetUtcNow());
        await Store.WriteAsync(async tx => { await tx.InsertSource(s); return 0; });
        return s.Id;
    }

    protected async Task<HolderId> NewHolder(string? reference = null)
    {
        var h = new Holder(HolderId.New(), reference ?? "ext-" + Guid.NewGuid().ToString("N"), new PersonName("Kim Min-jun"), "KR", HolderStatus.Active, 1, Clock.GetUtcNow());
        await Store.WriteAsync(async tx => { await tx.InsertHolder(h); return 0; });
        return h.Id;
    }

    protected async Task<AccountId> Wallet(HolderId h, Currency c) => await Accounts.Resolve(AccountKey.Wallet(h, c));

    protected async Task<IReadOnlyList<CreditOutcome>> Credit(SourceId source, HolderId holder, long units, Currency currency, string? reference = null, bool linked = false)
    {
        var svc = new CreditService(Store, Accounts, Clock);
        var r = await svc.Apply(source, [new CreditCommand(reference ?? Guid.NewGuid().ToString("N"), new HolderRef(holder, null), new Money(units, currency), Clock.GetUtcNow())], linked);
        Assert.True(r.IsOk, r.Error?.ToString());
        return r.Value;
    }

    protected Task<TransferResult> Apply(TransferRequest r) => Store.WriteAsync(tx => Engine.ApplyOne(tx, r));

    protected Task<Account?> Account(AccountId id) => Store.ReadAsync(r => r.GetAccount(id));

    protected async Task AssertVerifies()
    {
        var report = await LedgerVerifier.Verify(Store);
        Assert.True(report.Ok, report.FirstViolation);
        var log = await LogVerifier.Verify(Store);
        Assert.True(log.Ok, log.FirstViolation);
        if (Store is SqliteStore sqlite)
        {
            // The SQLite store keeps each account's history as a chain; listings depend on it.
            Assert.Null(await sqlite.VerifyChains());
        }
    }

    [Fact]
    public async Task Migrate_SecondRun_AppliesNothing()
    {
        var again = await Store.MigrateAsync();
        Assert.Empty(again);
    }

    [Fact]
    public async Task Credit_NewReference_CreditsWalletAndVerifies()
    {
        var src = await NewSource();
        var h = await NewHolder();
        var outcome = await Credit(src, h, 3_000, Currencies.USD); // USD 0.003
        Assert.Equal(CreditOutcomeStatus.Created, outcome[0].Status);
        var wallet = await Account(await Wallet(h, Currencies.USD));
        Assert.Equal(3_000, wallet!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Credit_ReplaySameContent_ReturnsOriginalWithoutSecondMovement()
    {
        var src = await NewSource();
        var h = await NewHolder();
        var first = await Credit(src, h, 500_000, Currencies.USD, "pay-1");
        var second = await Credit(src, h, 500_000, Currencies.USD, "pay-1");
        Assert.Equal(CreditOutcomeStatus.Exists, second[0].Status);
        Assert.Equal(first[0].Credit!.TransferId, second[0].Credit!.TransferId);
        Assert.Equal(500_000, (await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Credit_SameReferenceOtherAmount_ConflictAndNothingWritten()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 500_000, Currencies.USD, "pay-1");
        var second = await Credit(src, h, 700_000, Currencies.USD, "pay-1");
        Assert.Equal(CreditOutcomeStatus.Conflict, second[0].Status);
        Assert.Equal(500_000, (await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Credit_LinkedBatchWithConflict_NothingOfTheBatchWritten()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 100, Currencies.KRW, "k-1");
        var svc = new CreditService(Store, Accounts, Clock);
        var now = Clock.GetUtcNow();
        var r = await svc.Apply(src,
        [
            new CreditCommand("k-2", new HolderRef(h, null), new Money(200, Currencies.KRW), now),
            new CreditCommand("k-1", new HolderRef(h, null), new Money(999, Currencies.KRW), now),
            new CreditCommand("k-3", new HolderRef(h, null), new Money(300, Currencies.KRW), now),
        ], linked: true);
        Assert.Equal([CreditOutcomeStatus.LinkedEventFailed, CreditOutcomeStatus.Conflict, CreditOutcomeStatus.LinkedEventFailed], r.Value.Select(o => o.Status));
        Assert.Equal(100, (await Account(await Wallet(h, Currencies.KRW)))!.Available.Units);
        Assert.Null(await Store.ReadAsync(x => x.FindCredit(src, "k-2")));
        await AssertVerifies();
    }

    [Fact]
    public async Task Credit_UnlinkedBatchWithBadItems_GoodItemsAppliedBadRejected()
    {
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var svc = new CreditService(Store, Accounts, Clock);
        var now = Clock.GetUtcNow();
        var r = await svc.Apply(src,
        [
            new CreditCommand("a", new HolderRef(h, null), new Money(1, Currencies.USD), now),
            new CreditCommand("b", new HolderRef(h, null), new Money(5, Currencies.KRW), now),
            new CreditCommand("c", new HolderRef(HolderId.New(), null), new Money(5, Currencies.USD), now),
            new CreditCommand("d", new HolderRef(null, "nobody"), new Money(5, Currencies.USD), now),
            new CreditCommand("e", new HolderRef(h, null), new Money(0, Currencies.USD), now),
            new CreditCommand("f", new HolderRef(h, null), new Money(10, Currencies.USD), now.AddDays(1)),
            new CreditCommand("a", new HolderRef(h, null), new Money(1, Currencies.USD), now),
        ], linked: false);
        Assert.Equal(["created", "currency.not_accepted", "holder.not_found", "holder.not_found", "amount.not_positive", "credit.occurred_in_future", "credit.duplicate_in_batch"],
            r.Value.Select(o => o.Error?.Code ?? o.Status.ToString().ToLowerInvariant()));
        Assert.Equal(1, (await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Hold_MoreThanAvailable_InsufficientFundsAndNothingWritten()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 1_000, Currencies.USD);
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var w = await Wallet(h, Currencies.USD);
        var r = await Apply(TransferRequest.Hold(TransferId.New(), w, clearing, 1_001, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)));
        Assert.Equal(TransferStatus.InsufficientFunds, r.Status);
        Assert.Equal(0, (await Account(w))!.DebitsPending);
        await AssertVerifies();
    }

    [Fact]
    public async Task HoldThenPost_PostsOnceAndSecondPostIsRefused()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 1_000, Currencies.USD);
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var w = await Wallet(h, Currencies.USD);
        var hold = await Apply(TransferRequest.Hold(TransferId.New(), w, clearing, 600, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)));
        Assert.Equal(TransferStatus.Created, hold.Status);
        Assert.Equal(400, (await Account(w))!.Available.Units);
        var post = await Apply(TransferRequest.Post(TransferId.New(), hold.Transfer!.Id, ReasonCodes.CashoutPost));
        Assert.Equal(TransferStatus.Created, post.Status);
        var again = await Apply(TransferRequest.Post(TransferId.New(), hold.Transfer!.Id, ReasonCodes.CashoutPost));
        Assert.Equal(TransferStatus.PendingAlreadyPosted, again.Status);
        var voided = await Apply(TransferRequest.Void(TransferId.New(), hold.Transfer!.Id, ReasonCodes.CashoutVoid));
        Assert.Equal(TransferStatus.PendingAlreadyPosted, voided.Status);
        var wallet = (await Account(w))!;
        Assert.Equal(400, wallet.Posted.Units);
        Assert.Equal(0, wallet.DebitsPending);
        await AssertVerifies();
    }

    [Fact]
    public async Task HoldThenVoid_ReleasesFunds()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 1_000, Currencies.USD);
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var w = await Wallet(h, Currencies.USD);
        var hold = await Apply(TransferRequest.Hold(TransferId.New(), w, clearing, 1_000, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)));
        var v = await Apply(TransferRequest.Void(TransferId.New(), hold.Transfer!.Id, ReasonCodes.CashoutVoid));
        Assert.Equal(TransferStatus.Created, v.Status);
        Assert.Equal(1_000, (await Account(w))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Hold_AfterTimeout_PostRefusedAndWorkerVoids()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 1_000, Currencies.USD);
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var w = await Wallet(h, Currencies.USD);
        var hold = await Apply(TransferRequest.Hold(TransferId.New(), w, clearing, 700, ReasonCodes.CashoutHold, TimeSpan.FromMinutes(10)));
        Clock.Advance(TimeSpan.FromMinutes(11));
        var post = await Apply(TransferRequest.Post(TransferId.New(), hold.Transfer!.Id, ReasonCodes.CashoutPost));
        Assert.Equal(TransferStatus.PendingExpired, post.Status);
        var voids = await Store.WriteAsync(tx => Engine.VoidExpired(tx, 100));
        Assert.Single(voids);
        Assert.Equal(ReasonCodes.HoldExpired, voids[0].Reason);
        Assert.Empty(await Store.WriteAsync(tx => Engine.VoidExpired(tx, 100)));
        Assert.Equal(1_000, (await Account(w))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Transfer_SameIdOtherContent_ConflictAndReplayReturnsOriginal()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 1_000, Currencies.USD);
        var fees = await Accounts.Resolve(AccountKey.Fees(Currencies.USD));
        var w = await Wallet(h, Currencies.USD);
        var id = TransferId.New();
        var first = await Apply(TransferRequest.Single(id, w, fees, 100, ReasonCodes.Correction));
        var replay = await Apply(TransferRequest.Single(id, w, fees, 100, ReasonCodes.Correction));
        var other = await Apply(TransferRequest.Single(id, w, fees, 101, ReasonCodes.Correction));
        Assert.Equal(TransferStatus.Created, first.Status);
        Assert.Equal(TransferStatus.Exists, replay.Status);
        Assert.Equal(first.Transfer!.Sequence, replay.Transfer!.Sequence);
        Assert.Equal(TransferStatus.ExistsWithDifferentContent, other.Status);
        Assert.Equal(900, (await Account(w))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Reversal_Twice_SecondRefused()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 1_000, Currencies.USD);
        var fees = await Accounts.Resolve(AccountKey.Fees(Currencies.USD));
        var w = await Wallet(h, Currencies.USD);
        var t = (await Apply(TransferRequest.Single(TransferId.New(), w, fees, 100, ReasonCodes.Correction))).Transfer!;
        Assert.Equal(TransferStatus.Created, (await Apply(TransferRequest.Reversal(TransferId.New(), t, ReasonCodes.Reversal))).Status);
        Assert.Equal(TransferStatus.AlreadyReversed, (await Apply(TransferRequest.Reversal(TransferId.New(), t, ReasonCodes.Reversal))).Status);
        Assert.Equal(1_000, (await Account(w))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task LinkedTransfers_SecondFails_FirstRolledBack()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 1_000, Currencies.USD);
        var fees = await Accounts.Resolve(AccountKey.Fees(Currencies.USD));
        var w = await Wallet(h, Currencies.USD);
        var results = await Store.WriteAsync(tx => Engine.Apply(tx,
        [
            TransferRequest.Single(TransferId.New(), w, fees, 600, ReasonCodes.Correction),
            TransferRequest.Single(TransferId.New(), w, fees, 600, ReasonCodes.Correction),
        ], linked: true));
        Assert.Equal([TransferStatus.LinkedEventFailed, TransferStatus.InsufficientFunds], results.Select(r => r.Status));
        Assert.Equal(1_000, (await Account(w))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task ConcurrentHolds_HundredAgainstBalanceForTen_ExactlyTenSucceed()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 10_000, Currencies.USD);
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var w = await Wallet(h, Currencies.USD);
        var tasks = Enumerable.Range(0, 100).Select(_ => Task.Run(() =>
            Apply(TransferRequest.Hold(TransferId.New(), w, clearing, 1_000, ReasonCodes.CashoutHold, TimeSpan.FromHours(1))))).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.Equal(10, results.Count(r => r.Status == TransferStatus.Created));
        Assert.Equal(90, results.Count(r => r.Status == TransferStatus.InsufficientFunds));
        Assert.Equal(0, (await Account(w))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Store_DirectOverdraftOfWallet_RefusedByStoreItself()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 10, Currencies.USD);
        var w = await Wallet(h, Currencies.USD);
        // Bypass the engine: the store's own rule must refuse.
        var ok = await Store.WriteAsync(tx => tx.TryDebit(w, 11, pending: false));
        Assert.False(ok);
        await AssertVerifies();
    }
}

public sealed class SqliteLedgerContractTests() : LedgerContractTests(new SqliteBackend());
public sealed class PostgresLedgerContractTests() : LedgerContractTests(new PostgresBackend());
