using SmallChange.Core.Audit;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>The verifiable log: appended with every committed write, provable, and every kind of tampering named.</summary>
public abstract partial class LedgerContractTests
{
    /// <summary>Three batches: 5 credits, then 4 more credits, then a hold. Returns the transfers of the second batch.</summary>
    private async Task<IReadOnlyList<Transfer>> ThreeBatches()
    {
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var svc = new CreditService(Store, Accounts, Clock);
        var first = await svc.Apply(src, Enumerable.Range(0, 5).Select(i => new CreditCommand($"a{i}", new HolderRef(h, null), new Money(1_000_000 + i, Currencies.USD), Clock.GetUtcNow())).ToList(), false);
        Assert.All(first.Value, o => Assert.Equal(CreditOutcomeStatus.Created, o.Status));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await svc.Apply(src, Enumerable.Range(0, 4).Select(i => new CreditCommand($"b{i}", new HolderRef(h, null), new Money(2_000_000 + (i * 7), Currencies.USD), Clock.GetUtcNow())).ToList(), false);
        var wallet = await Wallet(h, Currencies.USD);
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        Assert.Equal(TransferStatus.Created, (await Apply(TransferRequest.Hold(TransferId.New(), wallet, clearing, 500_000, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)))).Status);
        var ids = second.Value.Select(o => o.Credit!.TransferId).ToList();
        var transfers = new List<Transfer>();
        foreach (var id in ids)
        {
            transfers.Add((await Store.ReadAsync(r => r.GetTransfer(id)))!);
        }

        return transfers;
    }

    [Fact]
    public async Task Log_EveryWrite_OneBatchPerCommitAndEveryTransferALeaf()
    {
        await ThreeBatches();

        var report = await LogVerifier.Verify(Store);

        Assert.True(report.Ok, report.FirstViolation);
        Assert.Equal(10, report.Leaves);
        Assert.Equal(3, report.Batches);
        var last = await Store.ReadAsync(r => r.LastLogBatch());
        Assert.Equal(10, last!.TreeSize);
        Assert.Equal(9, last.FirstIndex);
    }

    [Fact]
    public async Task Log_LinkedBatchRolledBack_AddsNoLeaf()
    {
        var src = await NewSource();
        var h = await NewHolder();
        await Credit(src, h, 100, Currencies.KRW, "k-1");
        var svc = new CreditService(Store, Accounts, Clock);
        await svc.Apply(src,
        [
            new CreditCommand("k-2", new HolderRef(h, null), new Money(200, Currencies.KRW), Clock.GetUtcNow()),
            new CreditCommand("k-1", new HolderRef(h, null), new Money(999, Currencies.KRW), Clock.GetUtcNow()),
        ], linked: true);

        var report = await LogVerifier.Verify(Store);

        Assert.True(report.Ok, report.FirstViolation);
        Assert.Equal(1, report.Leaves);
    }

    [Fact]
    public async Task InclusionProof_EveryLeaf_LeadsToTheBatchRoot()
    {
        await ThreeBatches();
        var last = (await Store.ReadAsync(r => r.LastLogBatch()))!;
        for (var i = 0L; i < last.TreeSize; i++)
        {
            var index = i;
            var leaf = (await Store.ReadAsync(r => r.LogLeaves(index, 1)))[0];
            var proof = await Store.ReadAsync(r => LedgerLog.InclusionProof(r, index, last.TreeSize));
            Assert.True(Merkle.VerifyInclusion(index, last.TreeSize, LeafEncoding.LeafHash(leaf), proof, last.Root), $"leaf {index}");
            Assert.Equal(index, await Store.ReadAsync(r => r.LeafIndexOf(leaf.Id)));
            Assert.False(Merkle.VerifyInclusion(index, last.TreeSize, LeafEncoding.LeafHash(leaf with { Amount = leaf.Amount + 1 }), proof, last.Root));
        }
    }

    [Fact]
    public async Task ConsistencyProof_BetweenBatches_ProvesTheLogOnlyGrew()
    {
        await ThreeBatches();
        var batches = await Store.ReadAsync(async r =>
        {
            var list = new List<LogBatch>();
            await foreach (var b in r.AllLogBatches())
            {
                list.Add(b);
            }

            return list;
        });
        var (old, now) = (batches[0], batches[^1]);

        var proof = await Store.ReadAsync(r => LedgerLog.ConsistencyProof(r, old.TreeSize, now.TreeSize));

        Assert.True(Merkle.VerifyConsistency(old.TreeSize, now.TreeSize, old.Root, now.Root, proof));
        Assert.False(Merkle.VerifyConsistency(old.TreeSize, now.TreeSize, batches[1].Root, now.Root, proof));
        Assert.Equal(now.Root, await Store.ReadAsync(r => LedgerLog.RootAt(r, now.TreeSize)));
    }

    [Fact]
    public async Task Log_ManyLeaves_StoredSubtreesAndProofsHold()
    {
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var svc = new CreditService(Store, Accounts, Clock);
        for (var b = 0; b < 3; b++)
        {
            await svc.Apply(src, Enumerable.Range(0, 700).Select(i => new CreditCommand($"m{b}-{i}", new HolderRef(h, null), new Money(10 + i, Currencies.USD), Clock.GetUtcNow())).ToList(), false);
        }

        var report = await LogVerifier.Verify(Store);
        Assert.True(report.Ok, report.FirstViolation);
        Assert.Equal(2_100, report.Leaves);
        var proof = await Store.ReadAsync(r => LedgerLog.InclusionProof(r, 1_234, 2_100));
        var leaf = (await Store.ReadAsync(r => r.LogLeaves(1_234, 1)))[0];
        var root = (await Store.ReadAsync(r => r.LastLogBatch()))!.Root;
        Assert.True(Merkle.VerifyInclusion(1_234, 2_100, LeafEncoding.LeafHash(leaf), proof, root));
    }

    [Fact]
    public async Task Verify_AmountEdited_NamesTheBatch()
    {
        var second = await ThreeBatches();
        await Backend.Tamper(Store, $"UPDATE transfers SET amount = amount + 1 WHERE seq = {second[2].Sequence}");

        var report = await LogVerifier.Verify(Store);

        Assert.False(report.Ok);
        Assert.Contains("batch 2 ", report.FirstViolation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RowDeleted_NamesTheBatch()
    {
        var second = await ThreeBatches();
        await Backend.Tamper(Store, $"DELETE FROM transfers WHERE seq = {second[1].Sequence}");

        var report = await LogVerifier.Verify(Store);

        Assert.False(report.Ok);
        Assert.Contains("batch 2 ", report.FirstViolation, StringComparison.Ordinal);
        Assert.Contains("removed", report.FirstViolation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TwoRowsSwapped_NamesTheFirstBatch()
    {
        var second = await ThreeBatches();
        var (a, b) = (second[0].Sequence, second[3].Sequence);
        await Backend.Tamper(Store,
            $"UPDATE transfers SET amount = CASE seq WHEN {a} THEN (SELECT amount FROM transfers WHERE seq = {b}) ELSE (SELECT amount FROM transfers WHERE seq = {a}) END WHERE seq IN ({a}, {b})");

        var report = await LogVerifier.Verify(Store);

        Assert.False(report.Ok);
        Assert.Contains("batch 2 ", report.FirstViolation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ForgedTransferInserted_Detected()
    {
        var second = await ThreeBatches();
        var newId = Backend.Name == "sqlite" ? "randomblob(16)" : "gen_random_uuid()";
        await Backend.Tamper(Store,
            "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, currency, kind, reason, created_at) " +
            $"SELECT {newId}, debit_account_id, credit_account_id, 1, currency, 0, 'correction', created_at FROM transfers WHERE seq = {second[0].Sequence}");

        var report = await LogVerifier.Verify(Store);

        Assert.False(report.Ok);
        Assert.Contains("outside the log", report.FirstViolation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StoredRootAltered_NamesTheBatch()
    {
        await ThreeBatches();
        var zero = Backend.Name == "sqlite" ? "zeroblob(32)" : "decode(repeat('00', 32), 'hex')";
        await Backend.Tamper(Store, $"UPDATE log_batches SET root = {zero} WHERE tree_size = 9");

        var report = await LogVerifier.Verify(Store);

        Assert.False(report.Ok);
        Assert.Contains("batch 2 ", report.FirstViolation, StringComparison.Ordinal);
    }
}

public abstract partial class LedgerContractTests
{
    [Fact]
    public async Task InsertCredits_SameRowsAndIdsRunAgain_AnswersExistsAndWritesNothing()
    {
        // What a store does when a commit went through but its answer was lost: it runs the same batch again.
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var wallet = await Wallet(h, Currencies.USD);
        var settlement = await Accounts.Resolve(AccountKey.Settlement(src, Currencies.USD));
        var rows = Enumerable.Range(0, 3).Select(i => new CreditRow(src, $"lost-{i}", h, new Money(1_000 + i, Currencies.USD), Clock.GetUtcNow(), wallet, settlement, TransferId.New())).ToList();

        var first = await Store.WriteAsync(tx => tx.InsertCredits(rows, Clock.GetUtcNow(), false));
        var again = await Store.WriteAsync(tx => tx.InsertCredits(rows, Clock.GetUtcNow(), false));

        Assert.All(first, r => Assert.Equal(CreditWriteStatus.Created, r.Status));
        Assert.All(again, r => Assert.Equal(CreditWriteStatus.Exists, r.Status));
        Assert.Equal(3_003, (await Account(wallet))!.Available.Units);
        await AssertVerifies();
    }
}

public abstract partial class LedgerContractTests
{
    [Fact]
    public async Task TransferTotals_FromTheLogPass_EqualTheStoresOwnSums()
    {
        await ThreeBatches();
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        await Credit(src, h, 5_000_000, Currencies.USD);
        var wallet = await Wallet(h, Currencies.USD);
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var (posted, voided) = (TransferId.New(), TransferId.New());
        await Apply(TransferRequest.Hold(posted, wallet, clearing, 1_000_000, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)));
        await Apply(TransferRequest.Hold(voided, wallet, clearing, 700_000, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)));
        await Apply(TransferRequest.Post(TransferId.New(), posted, ReasonCodes.CashoutPost, 900_000));
        await Apply(TransferRequest.Void(TransferId.New(), voided, ReasonCodes.CashoutVoid));

        var totals = new TransferTotals();
        var log = await LogVerifier.Verify(Store, totals);
        var fromStore = await Store.ReadAsync(async r =>
        {
            var d = new Dictionary<long, AccountTotals>();
            await foreach (var t in r.TotalsFromTransfers())
            {
                d[t.Account.Value] = t;
            }

            return d;
        });

        Assert.True(log.Ok, log.FirstViolation);
        Assert.Equal(fromStore.OrderBy(x => x.Key), totals.Result().Where(x => x.Value != new AccountTotals(x.Value.Account, 0, 0, 0, 0)).OrderBy(x => x.Key));
        Assert.True((await LedgerVerifier.Verify(Store, totals.Result())).Ok);
    }
}

public abstract partial class LedgerContractTests
{
    [Fact]
    public async Task InsertCredits_DuplicatesInOneCall_AsIfSentOneAfterTheOther()
    {
        // Group commit relies on it: two requests with one reference in one group behave as if sequential.
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var wallet = await Wallet(h, Currencies.USD);
        var settlement = await Accounts.Resolve(AccountKey.Settlement(src, Currencies.USD));
        CreditRow Row(string reference, long units) => new(src, reference, h, new Money(units, Currencies.USD), Clock.GetUtcNow(), wallet, settlement, TransferId.New());

        var results = await Store.WriteAsync(tx => tx.InsertCredits([Row("d-1", 100), Row("d-2", 200), Row("d-1", 100), Row("d-1", 999)], Clock.GetUtcNow(), false));

        Assert.Equal([CreditWriteStatus.Created, CreditWriteStatus.Created, CreditWriteStatus.Exists, CreditWriteStatus.Conflict], results.Select(r => r.Status));
        Assert.Equal(results[0].Credit!.TransferId, results[2].Credit!.TransferId);
        Assert.Equal(300, (await Account(wallet))!.Available.Units);
        await AssertVerifies();
    }
}
