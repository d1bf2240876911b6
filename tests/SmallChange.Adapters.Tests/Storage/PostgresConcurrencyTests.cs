using Npgsql;
using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Sources;
using SmallChange.Testing;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>
/// Several stores on one PostgreSQL schema stand for several server nodes: each has its own connection pool, so
/// nothing they share lives in the process. What must hold across nodes holds because of the database alone.
/// </summary>
public sealed class PostgresConcurrencyTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private readonly List<PostgresStore> _nodes = [];

    public async Task InitializeAsync()
    {
        var cs = await TestPostgres.NewSchema("nodes");
        for (var i = 0; i < 3; i++)
        {
            _nodes.Add(PostgresStore.Open(cs, _clock));
        }

        // Nodes starting together all migrate; the advisory lock lets one do it and the others find nothing to do.
        var applied = await Task.WhenAll(_nodes.Select(n => n.MigrateAsync()));
        Assert.Equal(SmallChange.Adapters.Storage.Migration.Load("Postgres").Count, applied.Sum(a => a.Count));
    }

    public async Task DisposeAsync()
    {
        foreach (var n in _nodes)
        {
            await n.DisposeAsync();
        }
    }

    private async Task<(SourceId Source, HolderId Holder, AccountId Wallet, AccountId Clearing)> FundedWallet(long units)
    {
        var store = _nodes[0];
        var source = new Source(SourceId.New(), "carrier", SourceType.CarrierRefund, [Currencies.USD], _clock.GetUtcNow());
        var holder = new Holder(HolderId.New(), "ext-" + Guid.NewGuid().ToString("N"), new PersonName("Lee Ji-eun"), "KR", HolderStatus.Active, 1, _clock.GetUtcNow());
        await store.WriteAsync(async tx => { await tx.InsertSource(source); await tx.InsertHolder(holder); return 0; });
        var accounts = new AccountDirectory(store);
        var credits = new CreditService(store, accounts, _clock);
        var r = await credits.Apply(source.Id, [new CreditCommand("fund", new HolderRef(holder.Id, null), new Money(units, Currencies.USD), _clock.GetUtcNow())], false);
        Assert.Equal(CreditOutcomeStatus.Created, r.Value[0].Status);
        return (source.Id, holder.Id, await accounts.Resolve(AccountKey.Wallet(holder.Id, Currencies.USD)), await accounts.Resolve(AccountKey.Clearing(Currencies.USD)));
    }

    [Fact]
    public async Task Hold_ConcurrentOnThreeNodes_NeverOverdraws()
    {
        var (_, _, wallet, clearing) = await FundedWallet(10 * 1_000_000);
        var engine = new LedgerEngine(_clock);
        var attempts = Enumerable.Range(0, 60).Select(i => _nodes[i % _nodes.Count].WriteAsync(tx =>
            engine.ApplyOne(tx, TransferRequest.Hold(TransferId.New(), wallet, clearing, 1_000_000, ReasonCodes.CashoutHold, TimeSpan.FromDays(1)))));
        var results = await Task.WhenAll(attempts);
        Assert.Equal(10, results.Count(r => r.Status == TransferStatus.Created));
        Assert.Equal(50, results.Count(r => r.Status == TransferStatus.InsufficientFunds));
        var account = await _nodes[1].ReadAsync(r => r.GetAccount(wallet));
        Assert.Equal(0, account!.Available.Units);
        Assert.True((await LedgerVerifier.Verify(_nodes[2])).Ok);
        var log = await Core.Audit.LogVerifier.Verify(_nodes[1]);
        Assert.True(log.Ok, log.FirstViolation);
    }

    [Fact]
    public async Task InsertCredits_SameReferencesOnThreeNodes_EachCreditOnce()
    {
        var (source, holder, wallet, _) = await FundedWallet(1);
        var batches = Enumerable.Range(0, 9).Select(i =>
        {
            var node = _nodes[i % _nodes.Count];
            var svc = new CreditService(node, new AccountDirectory(node), _clock);
            // Every node sends the same 200 references (some overlap arrives at the same moment).
            return svc.Apply(source, Enumerable.Range(0, 200).Select(k =>
                new CreditCommand($"r-{k}", new HolderRef(holder, null), new Money(1_000, Currencies.USD), _clock.GetUtcNow())).ToList(), false);
        });
        var results = await Task.WhenAll(batches);
        Assert.Equal(200, results.Sum(r => r.Value.Count(o => o.Status == CreditOutcomeStatus.Created)));
        Assert.Equal(8 * 200, results.Sum(r => r.Value.Count(o => o.Status == CreditOutcomeStatus.Exists)));
        Assert.Equal(1 + (200 * 1_000), (await _nodes[0].ReadAsync(r => r.GetAccount(wallet)))!.Available.Units);
        Assert.True((await LedgerVerifier.Verify(_nodes[0])).Ok);
        var log = await Core.Audit.LogVerifier.Verify(_nodes[2]);
        Assert.True(log.Ok, log.FirstViolation);
        Assert.Equal(201, log.Leaves);
    }

    [Fact]
    public async Task ClaimOutbox_ThreeNodesAtOnce_EachItemClaimedOnce()
    {
        var now = _clock.GetUtcNow();
        await _nodes[0].WriteAsync(async tx =>
        {
            for (var i = 0; i < 90; i++)
            {
                await tx.InsertOutbox(CashoutId.New(), now);
            }

            return 0;
        });

        var claims = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            _nodes[i % _nodes.Count].WriteAsync(tx => tx.ClaimOutbox(now, TimeSpan.FromMinutes(1), 5))));
        var ids = claims.SelectMany(c => c.Select(o => o.Id)).ToList();
        Assert.Equal(90, ids.Count);
        Assert.Equal(90, ids.Distinct().Count());
        Assert.Empty(await _nodes[1].WriteAsync(tx => tx.ClaimOutbox(now, TimeSpan.FromMinutes(1), 5)));
    }

    [Fact]
    public async Task WriteAsync_Deadlock_LoserIsRetriedAndBothCommit()
    {
        var (_, _, a, b) = await FundedWallet(1_000_000);
        using var bothLocked = new Barrier(2);
        var attempts = 0;

        // Two transactions lock the same two rows in opposite order: PostgreSQL aborts one with 40P01; the store
        // runs it again and it then succeeds.
        Task<int> Lock(PostgresStore node, AccountId first, AccountId second) => node.WriteAsync(async tx =>
        {
            Interlocked.Increment(ref attempts);
            await tx.Credit(first, 1, pending: false);
            if (Volatile.Read(ref attempts) <= 2)
            {
                bothLocked.SignalAndWait(TimeSpan.FromSeconds(10));
            }

            await tx.Credit(second, 1, pending: false);
            return 0;
        });

        await Task.WhenAll(Task.Run(() => Lock(_nodes[0], a, b)), Task.Run(() => Lock(_nodes[1], b, a)));
        Assert.True(attempts >= 3, $"expected a deadlock and a retry; saw {attempts} attempts");
        var accountA = await _nodes[0].ReadAsync(r => r.GetAccount(a));
        Assert.Equal(1_000_000 + 2, accountA!.CreditsPosted);
    }

    [Fact]
    public async Task WriteAsync_RepeatedUniqueViolation_SurfacesAfterFewAttempts()
    {
        var (_, holder, _, _) = await FundedWallet(1);
        var attempts = 0;
        var h = await _nodes[0].ReadAsync(r => r.GetHolder(holder));
        var e = await Assert.ThrowsAsync<PostgresException>(() => _nodes[0].WriteAsync(async tx =>
        {
            attempts++;
            await tx.InsertHolder(h! with { Id = HolderId.New() }); // same external_ref: a bug, not a race
            return 0;
        }));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
        Assert.Equal(PostgresRetry.MaxUniqueAttempts, attempts);
    }
}
