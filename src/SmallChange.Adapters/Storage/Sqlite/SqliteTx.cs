using System.Text.Json;
using Microsoft.Data.Sqlite;
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

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>
/// Reads and writes inside one SQLite transaction. Statements are prepared once per connection and reused
/// (the writer connection lives as long as the store). Every value is a bound parameter.
/// An account's transfers form a chain (see 0001_ledger.sql): <see cref="InsertTransfer"/> links each new
/// transfer to the previous one of both its accounts and moves the accounts' <c>last_seq</c> to it.
/// </summary>
internal sealed partial class SqliteTx(SqliteConnection conn, PersonalData pii) : IStoreTx, IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _tx;
    private int _savepoints;

    public void Begin(SqliteTransaction tx) => _tx = tx;

    public void End()
    {
        _tx = null;
        _logged.Clear();
    }

    /// <summary>Called when the transaction rolls back: forgets what may have been undone.</summary>
    public void RolledBack()
    {
        _sourceNums.Clear();
        _heads.Clear();
        _logged.Clear();
        _frontier = null;
    }

    public void Dispose()
    {
        foreach (var c in _commands.Values)
        {
            c.Dispose();
        }

        _commands.Clear();
        _credits?.Dispose();
        _credits = null;
    }

    // ---- statement cache -------------------------------------------------------------------------

    /// <summary>One pragma's value on this connection (tests and diagnostics; <paramref name="name"/> is never user input).</summary>
    internal string Pragma(string name) => Convert.ToString(Cmd($"PRAGMA {name}").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private SqliteCommand Cmd(string sql, params object?[] args)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            for (var i = 0; i < args.Length; i++)
            {
                cmd.Parameters.Add(new SqliteParameter("$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
            }

            _commands[sql] = cmd;
        }

        cmd.Transaction = _tx;
        for (var i = 0; i < args.Length; i++)
        {
            cmd.Parameters[i].Value = args[i] ?? DBNull.Value;
        }

        return cmd;
    }

    private static object? Blob(Guid? g) => g is { } v ? ToBytes(v) : null;

    // ---- accounts --------------------------------------------------------------------------------

    private static Account ReadAccount(SqliteDataReader r) => new(
        new AccountId(r.GetInt64(0)),
        new AccountKey((AccountKind)r.GetInt32(1), ToGuid((byte[])r[2]), Currencies.Find(r.GetString(3)) ?? throw new InvalidDataException("unknown currency in accounts")),
        r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7));

    public ValueTask<Account?> GetAccount(AccountId id)
    {
        using var r = Cmd($"SELECT {AccountColumns} FROM accounts WHERE id = $p0", id.Value).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadAccount(r) : null);
    }

    public ValueTask<Account?> FindAccount(AccountKey key)
    {
        using var r = Cmd($"SELECT {AccountColumns} FROM accounts WHERE kind = $p0 AND owner_id = $p1 AND currency = $p2",
            (int)key.Kind, ToBytes(key.Owner), key.Currency.Code).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadAccount(r) : null);
    }

    public ValueTask<IReadOnlyList<Account>> ListAccounts(AccountKind kind, Guid owner)
    {
        var list = new List<Account>();
        using var r = Cmd($"SELECT {AccountColumns} FROM accounts WHERE kind = $p0 AND owner_id = $p1 ORDER BY currency", (int)kind, ToBytes(owner)).ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadAccount(r));
        }

        return ValueTask.FromResult<IReadOnlyList<Account>>(list);
    }

    public async ValueTask<Account> EnsureAccount(AccountKey key)
    {
        Cmd("INSERT INTO accounts (kind, owner_id, currency, no_overdraft, created_at) VALUES ($p0, $p1, $p2, $p3, $p4) ON CONFLICT (kind, owner_id, currency) DO NOTHING",
            (int)key.Kind, ToBytes(key.Owner), key.Currency.Code, key.NoOverdraft ? 1 : 0, ToMicros(DateTimeOffset.UtcNow)).ExecuteNonQuery();
        return (await FindAccount(key))!;
    }

    public ValueTask<bool> TryDebit(AccountId account, long amount, bool pending)
    {
        var sql = pending
            ? "UPDATE accounts SET debits_pending = debits_pending + $p1 WHERE id = $p0 AND (no_overdraft = 0 OR credits_posted - debits_posted - debits_pending >= $p1)"
            : "UPDATE accounts SET debits_posted = debits_posted + $p1 WHERE id = $p0 AND (no_overdraft = 0 OR credits_posted - debits_posted - debits_pending >= $p1)";
        return ValueTask.FromResult(Cmd(sql, account.Value, amount).ExecuteNonQuery() == 1);
    }

    public ValueTask Credit(AccountId account, long amount, bool pending)
    {
        var sql = pending
            ? "UPDATE accounts SET credits_pending = credits_pending + $p1 WHERE id = $p0"
            : "UPDATE accounts SET credits_posted = credits_posted + $p1 WHERE id = $p0";
        Require(Cmd(sql, account.Value, amount).ExecuteNonQuery() == 1, "credit of a missing account");
        return ValueTask.CompletedTask;
    }

    public ValueTask ResolvePending(Transfer pending, long postAmount)
    {
        Require(Cmd("UPDATE accounts SET debits_pending = debits_pending - $p1, debits_posted = debits_posted + $p2 WHERE id = $p0",
            pending.DebitAccount.Value, pending.Amount, postAmount).ExecuteNonQuery() == 1, "pending debit account missing");
        Require(Cmd("UPDATE accounts SET credits_pending = credits_pending - $p1, credits_posted = credits_posted + $p2 WHERE id = $p0",
            pending.CreditAccount.Value, pending.Amount, postAmount).ExecuteNonQuery() == 1, "pending credit account missing");
        return ValueTask.CompletedTask;
    }

    // ---- transfers -------------------------------------------------------------------------------

    private static Transfer ReadTransfer(SqliteDataReader r) => new(
        new TransferId(ToGuid((byte[])r[1])),
        new AccountId(r.GetInt64(2)),
        new AccountId(r.GetInt64(3)),
        r.GetInt64(4),
        Currencies.Find(r.GetString(5)) ?? throw new InvalidDataException("unknown currency in transfers"),
        (TransferKind)r.GetInt32(6),
        r.IsDBNull(7) ? null : new TransferId(ToGuid((byte[])r[7])),
        r.IsDBNull(8) ? null : FromMicros(r.GetInt64(8)),
        r.GetString(9),
        r.IsDBNull(10) ? null : new TransferId(ToGuid((byte[])r[10])),
        r.IsDBNull(11) ? null : ToGuid((byte[])r[11]),
        r.GetInt64(0),
        FromMicros(r.GetInt64(12)));

    private Transfer? OneTransfer(string where, object arg)
    {
        using var r = Cmd($"SELECT {TransferColumns} FROM transfers WHERE {where}", arg).ExecuteReader();
        return r.Read() ? ReadTransfer(r) : null;
    }

    public ValueTask<Transfer?> GetTransfer(TransferId id) => ValueTask.FromResult(OneTransfer("id = $p0", ToBytes(id.Value)));

    public ValueTask<Transfer?> FindResolution(TransferId pendingId) => ValueTask.FromResult(OneTransfer("pending_id = $p0", ToBytes(pendingId.Value)));

    public ValueTask<Transfer?> FindReversal(TransferId id) => ValueTask.FromResult(OneTransfer("reverses_id = $p0", ToBytes(id.Value)));

    public ValueTask<long> InsertTransfer(Transfer t)
    {
        // Link the transfer into both accounts' chains; the write lock is held, so the heads cannot move meanwhile.
        var debitPrev = Head(t.DebitAccount);
        var creditPrev = Head(t.CreditAccount);
        var seq = (long)Cmd(
            "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, currency, kind, pending_id, timeout_at, reason, reverses_id, reference, created_at, debit_prev, credit_prev) " +
            "VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13) RETURNING seq",
            ToBytes(t.Id.Value), t.DebitAccount.Value, t.CreditAccount.Value, t.Amount, t.Currency.Code, (int)t.Kind,
            Blob(t.PendingId?.Value), t.Timeout is { } to ? ToMicros(to) : null, t.Reason, Blob(t.Reverses?.Value), Blob(t.Reference),
            ToMicros(t.CreatedAt), debitPrev, creditPrev).ExecuteScalar()!;
        foreach (var account in (ReadOnlySpan<AccountId>)[t.DebitAccount, t.CreditAccount])
        {
            Require(Cmd("UPDATE accounts SET last_seq = $p1 WHERE id = $p0", account.Value, seq).ExecuteNonQuery() == 1, "transfer account missing");
            _heads[account.Value] = seq;
        }

        Logged(t with { Sequence = seq, CreatedAt = FromMicros(ToMicros(t.CreatedAt)), Timeout = t.Timeout is { } timeout ? FromMicros(ToMicros(timeout)) : null });
        return ValueTask.FromResult(seq);
    }

    /// <summary>The newest transfer touching the account (null if none); throws if the account does not exist.</summary>
    private long? Head(AccountId account)
    {
        using var r = Cmd("SELECT last_seq FROM accounts WHERE id = $p0", account.Value).ExecuteReader();
        Require(r.Read(), "transfer account missing");
        return r.IsDBNull(0) ? null : r.GetInt64(0);
    }

    /// <summary>
    /// Where an account's chain continues after <paramref name="seq"/> (the previous transfer touching the account;
    /// null at its first). A cursor that names no transfer of this account is not one we issued.
    /// </summary>
    private long? PrevInChain(long seq, AccountId account)
    {
        using var r = Cmd(
            "SELECT CASE WHEN debit_account_id = $p1 THEN debit_prev ELSE credit_prev END FROM transfers " +
            "WHERE seq = $p0 AND (debit_account_id = $p1 OR credit_account_id = $p1)", seq, account.Value).ExecuteReader();
        if (!r.Read())
        {
            throw new InvalidCursorException();
        }

        return r.IsDBNull(0) ? null : r.GetInt64(0);
    }

    public ValueTask<Page<Transfer>> ListTransfers(AccountId account, string? cursor, int limit)
    {
        long? start;
        if (Cursor.ToLong(cursor) is { } after)
        {
            start = PrevInChain(after, account);
        }
        else
        {
            using var h = Cmd("SELECT last_seq FROM accounts WHERE id = $p0", account.Value).ExecuteReader();
            start = h.Read() && !h.IsDBNull(0) ? h.GetInt64(0) : null;
        }

        var list = new List<Transfer>(limit + 1);
        if (start is not null)
        {
            // Walk the account's chain backwards: limit + 1 steps by primary key, newest first.
            using var r = Cmd(
                "WITH RECURSIVE chain(s) AS (SELECT $p0 UNION ALL " +
                "SELECT CASE WHEN t.debit_account_id = $p1 THEN t.debit_prev ELSE t.credit_prev END FROM chain JOIN transfers t ON t.seq = chain.s LIMIT $p2) " +
                $"SELECT {TransferColumns} FROM chain JOIN transfers ON transfers.seq = chain.s ORDER BY seq DESC",
                start, account.Value, limit + 1).ExecuteReader();
            while (r.Read())
            {
                list.Add(ReadTransfer(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, t => Cursor.FromLong(t.Sequence)));
    }

    public ValueTask<IReadOnlyList<Transfer>> ListExpiredPending(DateTimeOffset now, int limit)
    {
        var list = new List<Transfer>();
        using var r = Cmd(
            $"SELECT {TransferColumns} FROM transfers p WHERE kind = 1 AND timeout_at <= $p0 " +
            "AND NOT EXISTS (SELECT 1 FROM transfers x WHERE x.pending_id = p.id) ORDER BY timeout_at LIMIT $p1",
            ToMicros(now), limit).ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadTransfer(r));
        }

        return ValueTask.FromResult<IReadOnlyList<Transfer>>(list);
    }

    // ---- holders and sources ---------------------------------------------------------------------

    private Holder ReadHolder(SqliteDataReader r) => new(
        new HolderId(ToGuid((byte[])r[0])), r.GetString(1), pii.OpenHolderName(r.GetString(2)), r.GetString(3),
        (HolderStatus)r.GetInt32(4), r.GetInt32(5), FromMicros(r.GetInt64(6)));

    public ValueTask<Holder?> GetHolder(HolderId id)
    {
        using var r = Cmd($"SELECT {HolderColumns} FROM holders WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadHolder(r) : null);
    }

    public ValueTask<Holder?> FindHolderByRef(string externalRef)
    {
        using var r = Cmd($"SELECT {HolderColumns} FROM holders WHERE external_ref = $p0", externalRef).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadHolder(r) : null);
    }

    public ValueTask<IReadOnlyDictionary<string, HolderId>> ResolveHolderRefs(IReadOnlyCollection<string> externalRefs)
    {
        var map = new Dictionary<string, HolderId>(externalRefs.Count, StringComparer.Ordinal);
        if (externalRefs.Count > 0)
        {
            // One query for the whole set: the references travel as one bound JSON array.
            using var r = Cmd("SELECT external_ref, id FROM holders WHERE external_ref IN (SELECT value FROM json_each($p0))",
                JsonSerializer.Serialize(externalRefs)).ExecuteReader();
            while (r.Read())
            {
                map[r.GetString(0)] = new HolderId(ToGuid((byte[])r[1]));
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, HolderId>>(map);
    }

    public ValueTask<IReadOnlySet<HolderId>> ExistingHolders(IReadOnlyCollection<HolderId> ids)
    {
        var set = new HashSet<HolderId>(ids.Count);
        if (ids.Count > 0)
        {
            // One query for the whole set: the ids travel as one bound JSON array of hex strings.
            var hex = new string[ids.Count];
            var i = 0;
            foreach (var id in ids)
            {
                hex[i++] = Convert.ToHexString(ToBytes(id.Value));
            }

            using var r = Cmd("SELECT id FROM holders WHERE id IN (SELECT unhex(value) FROM json_each($p0))", JsonSerializer.Serialize(hex)).ExecuteReader();
            while (r.Read())
            {
                set.Add(new HolderId(ToGuid((byte[])r[0])));
            }
        }

        return ValueTask.FromResult<IReadOnlySet<HolderId>>(set);
    }

    public ValueTask<Page<Holder>> ListHolders(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) ?? new byte[16];
        var list = new List<Holder>(limit);
        using (var r = Cmd($"SELECT {HolderColumns} FROM holders WHERE id > $p0 ORDER BY id LIMIT $p1", after, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadHolder(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, h => Cursor.FromBytes(ToBytes(h.Id.Value))));
    }

    public ValueTask InsertHolder(Holder h)
    {
        Cmd($"INSERT INTO holders ({HolderColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
            ToBytes(h.Id.Value), h.ExternalRef, pii.SealHolderName(h.Name), h.Country, (int)h.Status, h.KycTier, ToMicros(h.CreatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    private static Source ReadSource(SqliteDataReader r) => new(
        new SourceId(ToGuid((byte[])r[0])), r.GetString(1),
        SourceTypes.FromWire(r.GetString(2)) ?? SourceType.Other,
        r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => Currencies.Find(c)!).Where(c => c is not null).ToList(),
        FromMicros(r.GetInt64(4)));

    public ValueTask<Source?> GetSource(SourceId id)
    {
        using var r = Cmd("SELECT id, name, type, currencies, created_at FROM sources WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadSource(r) : null);
    }

    public ValueTask<Page<Source>> ListSources(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) ?? new byte[16];
        var list = new List<Source>(limit);
        using (var r = Cmd("SELECT id, name, type, currencies, created_at FROM sources WHERE id > $p0 ORDER BY id LIMIT $p1", after, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadSource(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, s => Cursor.FromBytes(ToBytes(s.Id.Value))));
    }

    public ValueTask InsertSource(Source s)
    {
        Cmd("INSERT INTO sources (id, name, type, currencies, created_at) VALUES ($p0, $p1, $p2, $p3, $p4)",
            ToBytes(s.Id.Value), s.Name, SourceTypes.ToWire(s.Type), string.Join(',', s.Currencies.Select(c => c.Code)), ToMicros(s.CreatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    // ---- idempotency (API keys: SqliteTx.ApiKeys.cs) ---------------------------------------------

    public ValueTask<IdempotencyRecord?> FindIdempotency(string scope, string key)
    {
        using var r = Cmd("SELECT scope, key, request_hash, status_code, response_body, created_at FROM idempotency WHERE scope = $p0 AND key = $p1", scope, key).ExecuteReader();
        return ValueTask.FromResult(r.Read()
            ? new IdempotencyRecord(r.GetString(0), r.GetString(1), (byte[])r[2], r.GetInt32(3), r.GetString(4), FromMicros(r.GetInt64(5)))
            : null);
    }

    public ValueTask InsertIdempotency(IdempotencyRecord rec)
    {
        Cmd("INSERT INTO idempotency (scope, key, request_hash, status_code, response_body, created_at) VALUES ($p0, $p1, $p2, $p3, $p4, $p5)",
            rec.Scope, rec.Key, rec.RequestHash, rec.StatusCode, rec.ResponseBody, ToMicros(rec.CreatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    // ---- verification ----------------------------------------------------------------------------

    public async IAsyncEnumerable<Account> AllAccounts()
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = $"SELECT {AccountColumns} FROM accounts ORDER BY id";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return ReadAccount(r);
        }

        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<AccountTotals> TotalsFromTransfers()
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText =
            "SELECT a, SUM(dp), SUM(dpo), SUM(cp), SUM(cpo) FROM (" +
            " SELECT debit_account_id AS a, 0 AS dp, amount AS dpo, 0 AS cp, 0 AS cpo FROM transfers WHERE kind IN (0, 2)" +
            " UNION ALL SELECT credit_account_id, 0, 0, 0, amount FROM transfers WHERE kind IN (0, 2)" +
            " UNION ALL SELECT debit_account_id, amount, 0, 0, 0 FROM transfers p WHERE kind = 1 AND NOT EXISTS (SELECT 1 FROM transfers x WHERE x.pending_id = p.id)" +
            " UNION ALL SELECT credit_account_id, 0, 0, amount, 0 FROM transfers p WHERE kind = 1 AND NOT EXISTS (SELECT 1 FROM transfers x WHERE x.pending_id = p.id)" +
            ") GROUP BY a ORDER BY a";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new AccountTotals(new AccountId(r.GetInt64(0)), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
        }

        await Task.CompletedTask;
    }

    /// <summary>One pass over all transfers in sequence order; see <see cref="SqliteStore.VerifyChains"/>.</summary>
    internal string? VerifyChains(CancellationToken ct)
    {
        var last = new Dictionary<long, long>();
        // Every row of the ledger: read through the native statement API (see AllLogLeaves).
        using (var r = new RawStatement(conn, "SELECT seq, debit_account_id, debit_prev, credit_account_id, credit_prev FROM transfers ORDER BY seq"))
        {
            while (r.Read())
            {
                ct.ThrowIfCancellationRequested();
                var seq = r.Int64(0);
                for (var side = 0; side < 2; side++)
                {
                    var account = r.Int64(1 + (2 * side));
                    var prev = r.IsNull(2 + (2 * side)) ? 0 : r.Int64(2 + (2 * side));
                    var expected = last.GetValueOrDefault(account);
                    if (prev != expected)
                    {
                        return $"transfer {seq} links account {account} to {prev}, but its previous transfer is {expected}";
                    }

                    last[account] = seq;
                }
            }
        }

        using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = _tx;
            cmd.CommandText = "SELECT id, COALESCE(last_seq, 0) FROM accounts ORDER BY id";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var expected = last.GetValueOrDefault(r.GetInt64(0));
                if (r.GetInt64(1) != expected)
                {
                    return $"account {r.GetInt64(0)} names {r.GetInt64(1)} as its newest transfer, but it is {expected}";
                }
            }
        }

        return null;
    }

    // ---- savepoints ------------------------------------------------------------------------------

    public ValueTask<ISavepoint> Savepoint()
    {
        var name = "sp" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Exec($"SAVEPOINT {name}");
        return ValueTask.FromResult<ISavepoint>(new SqliteSavepoint(this, name, _logged.Count));
    }

    private void Exec(string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private sealed class SqliteSavepoint(SqliteTx owner, string name, int logged) : ISavepoint
    {
        public ValueTask Rollback()
        {
            owner.Exec($"ROLLBACK TO {name}");
            owner.Exec($"RELEASE {name}");
            owner._sourceNums.Clear();
            owner._heads.Clear();
            // The transfers written after the savepoint are undone: so are their leaves.
            owner._logged.Truncate(logged);
            return ValueTask.CompletedTask;
        }

        public ValueTask Release()
        {
            owner.Exec($"RELEASE {name}");
            return ValueTask.CompletedTask;
        }
    }
}
