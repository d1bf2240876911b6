using System.Globalization;
using Microsoft.Data.Sqlite;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Sources;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>
/// What only the SQLite store has: the schema's own guards, the per-account chains and the writer's cache of chain
/// heads, which must not go stale when another connection (another process) writes to the same file.
/// </summary>
public sealed class SqliteStoreTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "smallchange-tests", $"{Guid.NewGuid():N}.db");
    private readonly ManualClock _clock = new();
    private SqliteStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _store = SqliteStore.Open(_path, _clock);
        await _store.MigrateAsync();
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task<(SourceId Source, HolderId Holder)> Seed(SqliteStore store)
    {
        var source = new Source(SourceId.New(), "carrier", SourceType.CarrierRefund, [Currencies.USD], _clock.GetUtcNow());
        var holder = new Holder(HolderId.New(), "ext-" + Guid.NewGuid().ToString("N"), new PersonName("Park Ji-ho"), "KR", HolderStatus.Active, 1, _clock.GetUtcNow());
        await store.WriteAsync(async tx =>
        {
            await tx.InsertSource(source);
            await tx.InsertHolder(holder);
            return 0;
        });
        return (source.Id, holder.Id);
    }

    private async Task<int> CreditMany(SqliteStore store, SourceId source, HolderId holder, string prefix, int count)
    {
        var service = new CreditService(store, new AccountDirectory(store), _clock);
        var r = await service.Apply(source, Enumerable.Range(0, count)
            .Select(i => new CreditCommand($"{prefix}{i}", new HolderRef(holder, null), new Money(10, Currencies.USD), _clock.GetUtcNow())).ToList(), linked: false);
        return r.Value.Count(o => o.Status == CreditOutcomeStatus.Created);
    }

    private SqliteConnection Raw()
    {
        var c = new SqliteConnection($"Data Source={_path};Pooling=False");
        c.Open();
        return c;
    }

    [Fact]
    public async Task WriteAsync_AnotherConnectionWroteInBetween_ChainsStayCorrect()
    {
        var (source, holder) = await Seed(_store);
        Assert.Equal(40, await CreditMany(_store, source, holder, "a", 40)); // this writer now remembers the wallet's head

        await using (var other = SqliteStore.Open(_path, _clock))
        {
            Assert.Equal(40, await CreditMany(other, source, holder, "b", 40));
        }

        Assert.Equal(40, await CreditMany(_store, source, holder, "c", 40));

        Assert.Null(await _store.VerifyChains());
        var wallet = (await _store.ReadAsync(r => r.FindAccount(AccountKey.Wallet(holder, Currencies.USD))))!;
        var page = await _store.ReadAsync(r => r.ListTransfers(wallet.Id, null, 500));
        Assert.Equal(120, page.Items.Count);
        Assert.Equal(1_200, wallet.Available.Units);
    }

    [Fact]
    public async Task WriteAsync_WorkThrowsAfterWritingCredits_NothingKeptAndLaterCreditsChainCorrectly()
    {
        var (source, holder) = await Seed(_store);
        await CreditMany(_store, source, holder, "a", 10);
        var accounts = new AccountDirectory(_store);
        var wallet = await accounts.Resolve(AccountKey.Wallet(holder, Currencies.USD));
        var settlement = await accounts.Resolve(AccountKey.Settlement(source, Currencies.USD));
        var rows = Enumerable.Range(0, 50).Select(i => new CreditRow(source, $"lost{i}", holder, new Money(1, Currencies.USD), _clock.GetUtcNow(), wallet, settlement, TransferId.New())).ToList();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.WriteAsync<int>(async tx =>
        {
            var written = await tx.InsertCredits(rows, _clock.GetUtcNow(), linked: false);
            Assert.All(written, w => Assert.Equal(CreditWriteStatus.Created, w.Status));
            throw new InvalidOperationException("the caller fails after the credits were written");
        }));

        Assert.Equal(10, await CreditMany(_store, source, holder, "b", 10));
        Assert.Null(await _store.ReadAsync(r => r.FindCredit(source, "lost0")));
        Assert.Null(await _store.VerifyChains());
        Assert.Equal(200, (await _store.ReadAsync(r => r.GetAccount(wallet)))!.Available.Units);
    }

    [Fact]
    public async Task VerifyChains_AccountHeadTamperedWith_ReportsTheAccount()
    {
        var (source, holder) = await Seed(_store);
        await CreditMany(_store, source, holder, "a", 5);
        Assert.Null(await _store.VerifyChains());

        using (var c = Raw())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "UPDATE accounts SET last_seq = last_seq - 1 WHERE kind = 1";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        Assert.Contains("names", await _store.VerifyChains());
    }

    [Theory]
    [InlineData("DELETE FROM accounts", "accounts are never deleted")]
    [InlineData("UPDATE accounts SET id = id + 1000", "account ids never change")]
    [InlineData("UPDATE transfers SET amount = 1", "transfers are append-only")]
    [InlineData("DELETE FROM transfers", "transfers are append-only")]
    [InlineData("UPDATE accounts SET debits_posted = credits_posted + 1 WHERE kind = 1", "CHECK constraint failed")]
    public async Task Schema_ForbiddenChange_RefusedByTheDatabase(string sql, string message)
    {
        var (source, holder) = await Seed(_store);
        await CreditMany(_store, source, holder, "a", 3);

        using var c = Raw();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        var ex = Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery());
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_SecondCreditWithSameSourceAndReference_RefusedByTheDatabase()
    {
        var (source, holder) = await Seed(_store);
        await CreditMany(_store, source, holder, "a", 1);

        using var c = Raw();
        using var cmd = c.CreateCommand();
        cmd.CommandText =
            "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, currency, kind, reason, created_at, source_num, source_ref, occurred_at) " +
            "SELECT randomblob(16), debit_account_id, credit_account_id, 5, currency, 0, 'credit', created_at, source_num, source_ref, occurred_at FROM transfers LIMIT 1";
        var ex = Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery());
        Assert.Equal(19, ex.SqliteErrorCode); // SQLITE_CONSTRAINT
    }

    [Fact]
    public async Task Pragmas_Writer_WalAndFullSync()
    {
        Assert.Equal("wal", await _store.Pragma("journal_mode"));
        Assert.Equal("2", await _store.Pragma("synchronous"));
    }

    [Fact]
    public async Task Pragmas_Reader_MapsTheDatabaseFile()
    {
        // SQLite silently caps mmap_size at its compile-time maximum (0 when built without mmap): the value read back
        // shows the readers really map the file.
        Assert.Equal((1L << 30).ToString(CultureInfo.InvariantCulture), await _store.ReaderPragma("mmap_size"));
    }
}
