using Npgsql;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// Reads and writes inside one PostgreSQL transaction (one pooled connection). Every value is a bound positional
/// parameter; Npgsql prepares the statements that repeat (Max Auto Prepare). Instants are truncated to whole
/// microseconds here, as the SQLite store stores them, so both backends return the same values.
/// </summary>
internal sealed partial class PostgresTx(NpgsqlConnection conn, NpgsqlTransaction tx, TimeProvider clock, PersonalData pii) : IStoreTx
{
    private int _savepoints;

    private NpgsqlTransaction Transaction => tx;

    /// <summary>An instant as stored: UTC, whole microseconds (PostgreSQL would round; SQLite truncates).</summary>
    internal static DateTimeOffset Ts(DateTimeOffset t) => FromMicros(ToMicros(t));

    internal static object TsOrNull(DateTimeOffset? t) => t is { } v ? Ts(v) : DBNull.Value;

    private NpgsqlCommand Cmd(string sql, params object?[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args)
        {
            cmd.Parameters.Add(a as NpgsqlParameter ?? new NpgsqlParameter { Value = a ?? DBNull.Value });
        }

        return cmd;
    }

    private async ValueTask<int> Exec(string sql, params object?[] args)
    {
        await using var cmd = Cmd(sql, args);
        return await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query and maps every row.</summary>
    private async ValueTask<List<T>> Many<T>(Func<NpgsqlDataReader, T> map, string sql, params object?[] args)
    {
        await using var cmd = Cmd(sql, args);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync())
        {
            list.Add(map(r));
        }

        return list;
    }

    /// <summary>Runs a query and maps the first row, or returns null.</summary>
    private async ValueTask<T?> One<T>(Func<NpgsqlDataReader, T> map, string sql, params object?[] args)
        where T : class
    {
        await using var cmd = Cmd(sql, args);
        await using var r = await cmd.ExecuteReaderAsync();
        return await r.ReadAsync() ? map(r) : null;
    }

    private static object GuidOrNull(Guid? g) => g is { } v ? v : DBNull.Value;

    private static DateTimeOffset Time(NpgsqlDataReader r, int i) => r.GetFieldValue<DateTimeOffset>(i);

    private static DateTimeOffset? TimeOrNull(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    private static string? StringOrNull(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static Currency CurrencyOf(string code) => Currencies.Find(code) ?? throw new InvalidDataException("unknown currency in store");

    // ---- accounts --------------------------------------------------------------------------------

    private static Account ReadAccount(NpgsqlDataReader r) => new(
        new AccountId(r.GetInt64(0)),
        new AccountKey((AccountKind)r.GetInt32(1), r.GetGuid(2), CurrencyOf(r.GetString(3))),
        r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7));

    public async ValueTask<Account?> GetAccount(AccountId id) =>
        await One(ReadAccount, $"SELECT {AccountColumns} FROM accounts WHERE id = $1", id.Value);

    public async ValueTask<Account?> FindAccount(AccountKey key) =>
        await One(ReadAccount, $"SELECT {AccountColumns} FROM accounts WHERE kind = $1 AND owner_id = $2 AND currency = $3", (int)key.Kind, key.Owner, key.Currency.Code);

    public async ValueTask<IReadOnlyList<Account>> ListAccounts(AccountKind kind, Guid owner) =>
        await Many(ReadAccount, $"SELECT {AccountColumns} FROM accounts WHERE kind = $1 AND owner_id = $2 ORDER BY currency", (int)kind, owner);

    public async ValueTask<Account> EnsureAccount(AccountKey key)
    {
        // A concurrent insert of the same key makes this one wait, then do nothing; the SELECT (a new snapshot at
        // READ COMMITTED) then sees the winner's row.
        await Exec("INSERT INTO accounts (kind, owner_id, currency, no_overdraft, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, owner_id, currency) DO NOTHING",
            (int)key.Kind, key.Owner, key.Currency.Code, key.NoOverdraft, Ts(clock.GetUtcNow()));
        return (await FindAccount(key))!;
    }

    public async ValueTask<bool> TryDebit(AccountId account, long amount, bool pending)
    {
        // At READ COMMITTED a concurrent update of the same row makes this wait, then re-check the WHERE on the
        // newest version: two cash-outs can never both pass against the same funds.
        var sql = pending
            ? "UPDATE accounts SET debits_pending = debits_pending + $2 WHERE id = $1 AND (NOT no_overdraft OR credits_posted - debits_posted - debits_pending >= $2)"
            : "UPDATE accounts SET debits_posted = debits_posted + $2 WHERE id = $1 AND (NOT no_overdraft OR credits_posted - debits_posted - debits_pending >= $2)";
        return await Exec(sql, account.Value, amount) == 1;
    }

    public async ValueTask Credit(AccountId account, long amount, bool pending)
    {
        var sql = pending
            ? "UPDATE accounts SET credits_pending = credits_pending + $2 WHERE id = $1"
            : "UPDATE accounts SET credits_posted = credits_posted + $2 WHERE id = $1";
        Require(await Exec(sql, account.Value, amount) == 1, "credit of a missing account");
    }

    public async ValueTask ResolvePending(Transfer pending, long postAmount)
    {
        Require(await Exec("UPDATE accounts SET debits_pending = debits_pending - $2, debits_posted = debits_posted + $3 WHERE id = $1",
            pending.DebitAccount.Value, pending.Amount, postAmount) == 1, "pending debit account missing");
        Require(await Exec("UPDATE accounts SET credits_pending = credits_pending - $2, credits_posted = credits_posted + $3 WHERE id = $1",
            pending.CreditAccount.Value, pending.Amount, postAmount) == 1, "pending credit account missing");
    }

    // ---- transfers -------------------------------------------------------------------------------

    private static Transfer ReadTransfer(NpgsqlDataReader r) => new(
        new TransferId(r.GetGuid(1)),
        new AccountId(r.GetInt64(2)),
        new AccountId(r.GetInt64(3)),
        r.GetInt64(4),
        CurrencyOf(r.GetString(5)),
        (TransferKind)r.GetInt32(6),
        r.IsDBNull(7) ? null : new TransferId(r.GetGuid(7)),
        TimeOrNull(r, 8),
        r.GetString(9),
        r.IsDBNull(10) ? null : new TransferId(r.GetGuid(10)),
        r.IsDBNull(11) ? null : r.GetGuid(11),
        r.GetInt64(0),
        Time(r, 12));

    public async ValueTask<Transfer?> GetTransfer(TransferId id) =>
        await One(ReadTransfer, $"SELECT {TransferColumns} FROM transfers WHERE id = $1", id.Value);

    public async ValueTask<Transfer?> FindResolution(TransferId pendingId) =>
        await One(ReadTransfer, $"SELECT {TransferColumns} FROM transfers WHERE pending_id = $1", pendingId.Value);

    public async ValueTask<Transfer?> FindReversal(TransferId id) =>
        await One(ReadTransfer, $"SELECT {TransferColumns} FROM transfers WHERE reverses_id = $1", id.Value);

    public async ValueTask<long> InsertTransfer(Transfer t)
    {
        await using var cmd = Cmd(
            "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, currency, kind, pending_id, timeout_at, reason, reverses_id, reference, created_at) " +
            "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 " +
            // Both accounts must exist (there is no foreign key; see 0001_ledger.sql).
            "WHERE (SELECT count(*) FROM accounts WHERE id IN ($2, $3)) = 2 RETURNING seq",
            t.Id.Value, t.DebitAccount.Value, t.CreditAccount.Value, t.Amount, t.Currency.Code, (int)t.Kind,
            GuidOrNull(t.PendingId?.Value), TsOrNull(t.Timeout), t.Reason, GuidOrNull(t.Reverses?.Value), GuidOrNull(t.Reference), Ts(t.CreatedAt));
        var seq = await cmd.ExecuteScalarAsync();
        Require(seq is long, "transfer account missing");
        Logged(t with { Sequence = (long)seq!, CreatedAt = Ts(t.CreatedAt), Timeout = t.Timeout is { } to ? Ts(to) : null });
        return (long)seq!;
    }

    public async ValueTask<Page<Transfer>> ListTransfers(AccountId account, string? cursor, int limit)
    {
        var before = Cursor.ToLong(cursor) ?? long.MaxValue;
        if (cursor is not null && await One(_ => "", "SELECT 1 FROM transfers WHERE seq = $1 AND (debit_account_id = $2 OR credit_account_id = $2)", before, account.Value) is null)
        {
            throw new InvalidCursorException();
        }

        // Two index scans (the account as debit, as credit), each stopping after limit + 1 rows, merged.
        var list = await Many(ReadTransfer,
            $"SELECT {TransferColumns} FROM (" +
            $"(SELECT {TransferColumns} FROM transfers WHERE debit_account_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3) UNION ALL " +
            $"(SELECT {TransferColumns} FROM transfers WHERE credit_account_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3)) t ORDER BY seq DESC LIMIT $3",
            account.Value, before, limit + 1);
        return PageOf(list, limit, t => Cursor.FromLong(t.Sequence));
    }

    public async ValueTask<IReadOnlyList<Transfer>> ListExpiredPending(DateTimeOffset now, int limit) =>
        await Many(ReadTransfer,
            $"SELECT {TransferColumns} FROM transfers p WHERE kind = 1 AND timeout_at <= $1 " +
            "AND NOT EXISTS (SELECT 1 FROM transfers x WHERE x.pending_id = p.id) ORDER BY timeout_at LIMIT $2",
            Ts(now), limit);

    // ---- holders and sources ---------------------------------------------------------------------

    private Holder ReadHolder(NpgsqlDataReader r) => new(
        new HolderId(r.GetGuid(0)), r.GetString(1), pii.OpenHolderName(r.GetString(2)), r.GetString(3),
        (HolderStatus)r.GetInt32(4), r.GetInt32(5), Time(r, 6));

    public async ValueTask<Holder?> GetHolder(HolderId id) =>
        await One(ReadHolder, $"SELECT {HolderColumns} FROM holders WHERE id = $1", id.Value);

    public async ValueTask<Holder?> FindHolderByRef(string externalRef) =>
        await One(ReadHolder, $"SELECT {HolderColumns} FROM holders WHERE external_ref = $1", externalRef);

    public async ValueTask<IReadOnlyDictionary<string, HolderId>> ResolveHolderRefs(IReadOnlyCollection<string> externalRefs)
    {
        var map = new Dictionary<string, HolderId>(externalRefs.Count, StringComparer.Ordinal);
        if (externalRefs.Count > 0)
        {
            foreach (var (r, id) in await Many(r => (r.GetString(0), r.GetGuid(1)), "SELECT external_ref, id FROM holders WHERE external_ref = ANY($1)", (object)externalRefs.ToArray()))
            {
                map[r] = new HolderId(id);
            }
        }

        return map;
    }

    public async ValueTask<IReadOnlySet<HolderId>> ExistingHolders(IReadOnlyCollection<HolderId> ids)
    {
        var set = new HashSet<HolderId>(ids.Count);
        if (ids.Count > 0)
        {
            foreach (var id in await Many(r => r.GetGuid(0), "SELECT id FROM holders WHERE id = ANY($1)", ids.Select(i => i.Value).ToArray()))
            {
                set.Add(new HolderId(id));
            }
        }

        return set;
    }

    public async ValueTask<Page<Holder>> ListHolders(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) is { } b ? ToGuid(b) : Guid.Empty;
        var list = await Many(ReadHolder, $"SELECT {HolderColumns} FROM holders WHERE id > $1 ORDER BY id LIMIT $2", after, limit + 1);
        return PageOf(list, limit, h => Cursor.FromBytes(ToBytes(h.Id.Value)));
    }

    public async ValueTask InsertHolder(Holder h) =>
        await Exec($"INSERT INTO holders ({HolderColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            h.Id.Value, h.ExternalRef, pii.SealHolderName(h.Name), h.Country, (int)h.Status, h.KycTier, Ts(h.CreatedAt));

    private static Source ReadSource(NpgsqlDataReader r) => new(
        new SourceId(r.GetGuid(0)), r.GetString(1),
        SourceTypes.FromWire(r.GetString(2)) ?? SourceType.Other,
        r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Currencies.Find).OfType<Currency>().ToList(),
        Time(r, 4));

    public async ValueTask<Source?> GetSource(SourceId id) =>
        await One(ReadSource, "SELECT id, name, type, currencies, created_at FROM sources WHERE id = $1", id.Value);

    public async ValueTask<Page<Source>> ListSources(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) is { } b ? ToGuid(b) : Guid.Empty;
        var list = await Many(ReadSource, "SELECT id, name, type, currencies, created_at FROM sources WHERE id > $1 ORDER BY id LIMIT $2", after, limit + 1);
        return PageOf(list, limit, s => Cursor.FromBytes(ToBytes(s.Id.Value)));
    }

    public async ValueTask InsertSource(Source s) =>
        await Exec("INSERT INTO sources (id, name, type, currencies, created_at) VALUES ($1, $2, $3, $4, $5)",
            s.Id.Value, s.Name, SourceTypes.ToWire(s.Type), string.Join(',', s.Currencies.Select(c => c.Code)), Ts(s.CreatedAt));

    // ---- idempotency (API keys: PostgresTx.ApiKeys.cs) -------------------------------------------

    public async ValueTask<IdempotencyRecord?> FindIdempotency(string scope, string key) =>
        await One(r => new IdempotencyRecord(r.GetString(0), r.GetString(1), r.GetFieldValue<byte[]>(2), r.GetInt32(3), r.GetString(4), Time(r, 5)),
            "SELECT scope, key, request_hash, status_code, response_body, created_at FROM idempotency WHERE scope = $1 AND key = $2", scope, key);

    public async ValueTask InsertIdempotency(IdempotencyRecord rec) =>
        await Exec("INSERT INTO idempotency (scope, key, request_hash, status_code, response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            rec.Scope, rec.Key, rec.RequestHash, rec.StatusCode, rec.ResponseBody, Ts(rec.CreatedAt));

    // ---- verification ----------------------------------------------------------------------------

    public async IAsyncEnumerable<Account> AllAccounts()
    {
        await using var cmd = Cmd($"SELECT {AccountColumns} FROM accounts ORDER BY id");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            yield return ReadAccount(r);
        }
    }

    public async IAsyncEnumerable<AccountTotals> TotalsFromTransfers()
    {
        await using var cmd = Cmd(
            "SELECT a, SUM(dp)::bigint, SUM(dpo)::bigint, SUM(cp)::bigint, SUM(cpo)::bigint FROM (" +
            " SELECT debit_account_id AS a, 0 AS dp, amount AS dpo, 0 AS cp, 0 AS cpo FROM transfers WHERE kind IN (0, 2)" +
            " UNION ALL SELECT credit_account_id, 0, 0, 0, amount FROM transfers WHERE kind IN (0, 2)" +
            " UNION ALL SELECT debit_account_id, amount, 0, 0, 0 FROM transfers p WHERE kind = 1 AND NOT EXISTS (SELECT 1 FROM transfers x WHERE x.pending_id = p.id)" +
            " UNION ALL SELECT credit_account_id, 0, 0, amount, 0 FROM transfers p WHERE kind = 1 AND NOT EXISTS (SELECT 1 FROM transfers x WHERE x.pending_id = p.id)" +
            ") t GROUP BY a ORDER BY a");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            yield return new AccountTotals(new AccountId(r.GetInt64(0)), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
        }
    }

    // ---- savepoints ------------------------------------------------------------------------------

    public async ValueTask<ISavepoint> Savepoint()
    {
        var name = "sp" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await tx.SaveAsync(name);
        return new PostgresSavepoint(this, name, _logged.Count);
    }

    private sealed class PostgresSavepoint(PostgresTx owner, string name, int logged) : ISavepoint
    {
        public async ValueTask Rollback()
        {
            await owner.Transaction.RollbackAsync(name);
            await owner.Transaction.ReleaseAsync(name);
            // The transfers written after the savepoint are undone: so are their leaves.
            owner._logged.Truncate(logged);
        }

        public async ValueTask Release() => await owner.Transaction.ReleaseAsync(name);
    }
}
