using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>
/// Credits in bulk: idempotency by (source, reference) inside large batches, linked rollback, balances against the
/// credits written, and the listings (wallet history, a holder's credits) over many pages.
/// </summary>
public abstract partial class LedgerContractTests
{
    private CreditService Credits => new(Store, Accounts, Clock);

    private CreditCommand Cmd(string reference, HolderId holder, long units, Currency currency) =>
        new(reference, new HolderRef(holder, null), new Money(units, currency), Clock.GetUtcNow());

    private async Task<IReadOnlyList<CreditOutcome>> ApplyBatch(SourceId source, IReadOnlyList<CreditCommand> items, bool linked = false)
    {
        var r = await Credits.Apply(source, items, linked);
        Assert.True(r.IsOk, r.Error?.ToString());
        Assert.Equal(items.Count, r.Value.Count);
        return r.Value;
    }

    private async Task<List<Transfer>> AllTransfers(AccountId account, int pageSize)
    {
        var all = new List<Transfer>();
        string? cursor = null;
        do
        {
            var page = await Store.ReadAsync(r => r.ListTransfers(account, cursor, pageSize));
            Assert.True(page.Items.Count <= pageSize);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    private async Task<List<Credit>> AllCredits(HolderId holder, SourceId? source, int pageSize)
    {
        var all = new List<Credit>();
        string? cursor = null;
        do
        {
            var page = await Store.ReadAsync(r => r.ListCredits(holder, source, cursor, pageSize));
            Assert.True(page.Items.Count <= pageSize);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    [Fact]
    public async Task InsertCredits_BatchMixingNewReplayedAndConflicting_EachItemGetsItsOwnOutcome()
    {
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var first = await ApplyBatch(src, Enumerable.Range(0, 40).Select(i => Cmd($"r{i}", h, 1_000 + i, Currencies.USD)).ToList());
        Assert.All(first, o => Assert.Equal(CreditOutcomeStatus.Created, o.Status));

        // 100 items: new ones around replays, five of the replays with another amount. Chunks of the bulk insert
        // therefore mix rows that exist with rows that do not.
        var items = new List<CreditCommand>();
        for (var i = 0; i < 100; i++)
        {
            items.Add(i % 5 == 0 && i / 5 < 40
                ? Cmd($"r{i / 5}", h, (i / 5) is >= 10 and < 15 ? 9_999 : 1_000 + (i / 5), Currencies.USD)
                : Cmd($"n{i}", h, 7, Currencies.USD));
        }

        var outcomes = await ApplyBatch(src, items);
        for (var i = 0; i < items.Count; i++)
        {
            var expected = items[i].SourceRef.StartsWith('n') ? CreditOutcomeStatus.Created
                : (i / 5) is >= 10 and < 15 ? CreditOutcomeStatus.Conflict : CreditOutcomeStatus.Exists;
            Assert.Equal(expected, outcomes[i].Status);
            if (expected != CreditOutcomeStatus.Created)
            {
                // A replay or a conflict returns the original credit.
                Assert.Equal(first[i / 5].Credit!.TransferId, outcomes[i].Credit!.TransferId);
                Assert.Equal(1_000 + (i / 5), outcomes[i].Credit!.Amount.Units);
            }
        }

        var created = outcomes.Count(o => o.Status == CreditOutcomeStatus.Created);
        Assert.Equal(80, created);
        var expectedBalance = Enumerable.Range(0, 40).Sum(i => 1_000L + i) + (created * 7L);
        Assert.Equal(expectedBalance, (await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        Assert.Equal(120, (await AllTransfers(await Wallet(h, Currencies.USD), 50)).Count);
        await AssertVerifies();
    }

    [Fact]
    public async Task InsertCredits_ReplayOfWholeBatch_AllExistWithOriginalIdsAndNothingMoves()
    {
        var src = await NewSource(Currencies.USD);
        var holders = new[] { await NewHolder(), await NewHolder(), await NewHolder() };
        var items = Enumerable.Range(0, 250).Select(i => Cmd($"p{i}", holders[i % 3], 100 + i, Currencies.USD)).ToList();
        var first = await ApplyBatch(src, items);
        var balances = new List<long>();
        foreach (var h in holders)
        {
            balances.Add((await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        }

        var again = await ApplyBatch(src, items);

        Assert.All(again, o => Assert.Equal(CreditOutcomeStatus.Exists, o.Status));
        Assert.Equal(first.Select(o => o.Credit!.TransferId), again.Select(o => o.Credit!.TransferId));
        for (var k = 0; k < holders.Length; k++)
        {
            Assert.Equal(balances[k], (await Account(await Wallet(holders[k], Currencies.USD)))!.Available.Units);
        }

        await AssertVerifies();
    }

    [Fact]
    public async Task InsertCredits_LinkedLargeBatchWithOneConflict_NothingWrittenAndLaterWritesChainCorrectly()
    {
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var other = await NewHolder();
        await Credit(src, h, 500, Currencies.USD, "taken");
        var items = Enumerable.Range(0, 100).Select(i => i == 70 ? Cmd("taken", h, 501, Currencies.USD) : Cmd($"l{i}", i % 2 == 0 ? h : other, 10, Currencies.USD)).ToList();

        var outcomes = await ApplyBatch(src, items, linked: true);

        Assert.Equal(CreditOutcomeStatus.Conflict, outcomes[70].Status);
        Assert.All(outcomes.Where((_, i) => i != 70), o => Assert.Equal(CreditOutcomeStatus.LinkedEventFailed, o.Status));
        Assert.Equal(500, (await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        Assert.Null(await Store.ReadAsync(r => r.FindCredit(src, "l0")));
        Assert.Null(await Store.ReadAsync(r => r.FindCredit(src, "l99")));

        // The rolled-back batch must leave nothing behind that later writes would link to.
        var later = await ApplyBatch(src, Enumerable.Range(0, 64).Select(i => Cmd($"m{i}", i % 2 == 0 ? h : other, 3, Currencies.USD)).ToList());
        Assert.All(later, o => Assert.Equal(CreditOutcomeStatus.Created, o.Status));
        var history = await AllTransfers(await Wallet(h, Currencies.USD), 10);
        Assert.Equal(33, history.Count);
        Assert.Equal(500 + (32 * 3), (await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task InsertCredits_LargeBatchesManyHoldersTwoCurrencies_BalancesEqualTheCreditsWritten()
    {
        var src = await NewSource(Currencies.USD, Currencies.KRW);
        var holders = new List<HolderId>();
        for (var k = 0; k < 40; k++)
        {
            holders.Add(await NewHolder());
        }

        var rng = new Random(7);
        var expected = new Dictionary<(HolderId, string), (long Units, long Count)>();
        for (var b = 0; b < 2; b++)
        {
            var items = new List<CreditCommand>();
            for (var i = 0; i < 3_000; i++)
            {
                var holder = holders[rng.Next(holders.Count)];
                var currency = rng.Next(3) == 0 ? Currencies.KRW : Currencies.USD;
                var units = rng.Next(1, 5_000_000);
                items.Add(Cmd($"b{b}-{i}", holder, units, currency));
                var e = expected.GetValueOrDefault((holder, currency.Code));
                expected[(holder, currency.Code)] = (e.Units + units, e.Count + 1);
            }

            var outcomes = await ApplyBatch(src, items);
            Assert.All(outcomes, o => Assert.Equal(CreditOutcomeStatus.Created, o.Status));

            // Transfer ids of one batch are distinct, UUIDv7 and in item order.
            var ids = outcomes.Select(o => o.Credit!.TransferId.Value).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(ids, g => Assert.Equal(7, g.Version));
            Assert.Equal(ids.OrderBy(g => g), ids);
        }

        foreach (var ((holder, code), (units, count)) in expected)
        {
            var currency = Currencies.Find(code)!;
            var wallet = (await Account(await Wallet(holder, currency)))!;
            Assert.Equal(units, wallet.CreditsPosted);
            Assert.Equal(units, wallet.Available.Units);
            var totals = await Store.ReadAsync(r => r.CreditTotals(holder));
            var total = Assert.Single(totals, t => t.Currency == code);
            Assert.Equal((src, units, count), (total.Source, total.Units, total.Count));
        }

        await AssertVerifies();
    }

    [Fact]
    public async Task ListCredits_HolderWithTwoCurrenciesAndSources_PagesNewestFirstWithoutGapsOrRepeats()
    {
        var carrier = await NewSource(Currencies.USD, Currencies.KRW);
        var platform = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var bystander = await NewHolder();
        var written = new List<(SourceId Source, Credit Credit)>();
        for (var round = 0; round < 4; round++)
        {
            var fromCarrier = Enumerable.Range(0, 9).Select(i => Cmd($"c{round}-{i}", i % 4 == 3 ? bystander : h, 10 + i, i % 2 == 0 ? Currencies.KRW : Currencies.USD)).ToList();
            foreach (var o in await ApplyBatch(carrier, fromCarrier))
            {
                written.Add((carrier, o.Credit!));
            }

            foreach (var o in await ApplyBatch(platform, [Cmd($"p{round}", h, 99, Currencies.USD), Cmd($"q{round}", bystander, 98, Currencies.USD)]))
            {
                written.Add((platform, o.Credit!));
            }
        }

        // Some movements on the wallet that are not credits: they must not show up as credits.
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var hold = await Apply(TransferRequest.Hold(TransferId.New(), await Wallet(h, Currencies.USD), clearing, 5, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)));
        Assert.Equal(TransferStatus.Created, hold.Status);

        var mine = written.Where(w => w.Credit.Holder == h).Select(w => w.Credit.TransferId).Reverse().ToList();
        foreach (var pageSize in new[] { 1, 4, 7, 100 })
        {
            Assert.Equal(mine, (await AllCredits(h, null, pageSize)).Select(c => c.TransferId));
        }

        var fromPlatform = written.Where(w => w.Credit.Holder == h && w.Source == platform).Select(w => w.Credit.TransferId).Reverse().ToList();
        Assert.Equal(fromPlatform, (await AllCredits(h, platform, 3)).Select(c => c.TransferId));
        var one = Assert.Single(await AllCredits(h, platform, 1), c => c.SourceRef == "p2");
        Assert.Equal((platform, 99L, Currencies.USD), (one.Source, one.Amount.Units, one.Amount.Currency));
        Assert.Empty(await AllCredits(h, SourceId.New(), 5));
        await AssertVerifies();
    }

    [Fact]
    public async Task ListTransfers_WalletWithCreditsHoldsPostsAndVoids_PagesNewestFirst()
    {
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var w = await Wallet(h, Currencies.USD);
        var clearing = await Accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var expected = new List<TransferId>();
        foreach (var o in await ApplyBatch(src, Enumerable.Range(0, 40).Select(i => Cmd($"a{i}", h, 1_000, Currencies.USD)).ToList()))
        {
            expected.Add(o.Credit!.TransferId);
        }

        var hold = (await Apply(TransferRequest.Hold(TransferId.New(), w, clearing, 3_000, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)))).Transfer!;
        expected.Add(hold.Id);
        expected.Add((await Apply(TransferRequest.Post(TransferId.New(), hold.Id, ReasonCodes.CashoutPost))).Transfer!.Id);
        foreach (var o in await ApplyBatch(src, Enumerable.Range(0, 5).Select(i => Cmd($"b{i}", h, 1, Currencies.USD)).ToList()))
        {
            expected.Add(o.Credit!.TransferId);
        }

        var other = (await Apply(TransferRequest.Hold(TransferId.New(), w, clearing, 10, ReasonCodes.CashoutHold, TimeSpan.FromHours(1)))).Transfer!;
        expected.Add(other.Id);
        expected.Add((await Apply(TransferRequest.Void(TransferId.New(), other.Id, ReasonCodes.CashoutVoid))).Transfer!.Id);
        expected.Reverse();

        foreach (var pageSize in new[] { 1, 3, 10, 50 })
        {
            var all = await AllTransfers(w, pageSize);
            Assert.Equal(expected, all.Select(t => t.Id));
            Assert.Equal(all.Select(t => t.Sequence).OrderDescending(), all.Select(t => t.Sequence));
        }

        // The clearing account sees only the holds and their resolutions.
        Assert.Equal([expected[0], expected[1], expected[7], expected[8]], (await AllTransfers(clearing, 2)).Select(t => t.Id));
        await AssertVerifies();
    }

    [Fact]
    public async Task ListTransfers_CursorFromAnotherAccount_RejectedAsInvalidCursor()
    {
        var src = await NewSource(Currencies.USD);
        var a = await NewHolder();
        var b = await NewHolder();
        await ApplyBatch(src, [Cmd("x1", a, 1, Currencies.USD), Cmd("x2", a, 1, Currencies.USD), Cmd("y1", b, 1, Currencies.USD)]);
        var page = await Store.ReadAsync(async r => await r.ListTransfers(await Wallet(a, Currencies.USD), null, 1));
        Assert.NotNull(page.NextCursor);
        var wb = await Wallet(b, Currencies.USD);
        await Assert.ThrowsAsync<InvalidCursorException>(() => Store.ReadAsync(r => r.ListTransfers(wb, page.NextCursor, 1)));
    }

    [Fact]
    public async Task Credit_SameReferenceOtherCurrency_ConflictBecauseTheKeyIsTheSource()
    {
        var src = await NewSource(Currencies.USD, Currencies.KRW);
        var h = await NewHolder();
        await Credit(src, h, 700, Currencies.USD, "one-ref");
        var second = await Credit(src, h, 700, Currencies.KRW, "one-ref");
        Assert.Equal(CreditOutcomeStatus.Conflict, second[0].Status);
        Assert.Equal(Currencies.USD, second[0].Credit!.Amount.Currency);
        Assert.Equal(0, (await Account(await Wallet(h, Currencies.KRW)))!.Available.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Credit_SameReferenceFromTwoSources_BothCreated()
    {
        var one = await NewSource(Currencies.USD);
        var two = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var a = await Credit(one, h, 700, Currencies.USD, "shared-ref");
        var b = await Credit(two, h, 300, Currencies.USD, "shared-ref");
        Assert.Equal([CreditOutcomeStatus.Created, CreditOutcomeStatus.Created], [a[0].Status, b[0].Status]);
        Assert.Equal(1_000, (await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        Assert.Equal(300, (await Store.ReadAsync(r => r.FindCredit(two, "shared-ref")))!.Amount.Units);
        await AssertVerifies();
    }

    [Fact]
    public async Task Credit_HolderUnknownThenCreated_RejectedThenAccepted()
    {
        var src = await NewSource(Currencies.USD);
        var svc = Credits;
        var id = HolderId.New();
        var before = await svc.Apply(src, [Cmd("early", id, 5, Currencies.USD)], linked: false);
        Assert.Equal("holder.not_found", before.Value[0].Error!.Code);

        var h = new Core.Holders.Holder(id, "late-" + Guid.NewGuid().ToString("N"), new Core.Holders.PersonName("Lee Seo-yeon"), "KR", Core.Holders.HolderStatus.Active, 1, Clock.GetUtcNow());
        await Store.WriteAsync(async tx => { await tx.InsertHolder(h); return 0; });
        var after = await svc.Apply(src, [Cmd("early", id, 5, Currencies.USD)], linked: false);
        Assert.Equal(CreditOutcomeStatus.Created, after.Value[0].Status);
        await AssertVerifies();
    }

    [Fact]
    public async Task Credit_ReversedLater_ReversalFoundAndWalletBack()
    {
        var src = await NewSource(Currencies.USD);
        var h = await NewHolder();
        var credit = (await Credit(src, h, 2_000, Currencies.USD, "to-reverse"))[0].Credit!;
        var original = (await Store.ReadAsync(r => r.GetTransfer(credit.TransferId)))!;
        Assert.Equal(ReasonCodes.Credit, original.Reason);
        var reversal = await Apply(TransferRequest.Reversal(TransferId.New(), original, ReasonCodes.Reversal));
        Assert.Equal(TransferStatus.Created, reversal.Status);
        Assert.Equal(reversal.Transfer!.Id, (await Store.ReadAsync(r => r.FindReversal(credit.TransferId)))!.Id);
        Assert.Equal(0, (await Account(await Wallet(h, Currencies.USD)))!.Available.Units);
        Assert.Equal(2, (await AllTransfers(await Wallet(h, Currencies.USD), 1)).Count);
        await AssertVerifies();
    }
}
