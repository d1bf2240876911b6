using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>
/// Credits. A credit is stored as its transfer (settlement account → holder wallet) carrying the source's compact
/// key, the source reference and when it happened; a partial unique index on (source_num, source_ref) makes it
/// idempotent. The holder is the owner of the credited wallet.
/// </summary>
internal sealed partial class SqliteTx
{
    /// <summary>Source id → compact key. Sources are never deleted; cleared on rollback (a key read inside a rolled-back insert is gone).</summary>
    private readonly Dictionary<SourceId, long> _sourceNums = [];
    private readonly Dictionary<long, SourceId> _sourceIds = [];
    private CreditWriter? _credits;

    private long? SourceNum(SourceId source)
    {
        if (_sourceNums.TryGetValue(source, out var num))
        {
            return num;
        }

        using var r = Cmd("SELECT num FROM sources WHERE id = $p0", ToBytes(source.Value)).ExecuteReader();
        if (!r.Read())
        {
            return null;
        }

        num = r.GetInt64(0);
        _sourceNums[source] = num;
        return num;
    }

    private SourceId SourceOf(long num)
    {
        if (_sourceIds.TryGetValue(num, out var id))
        {
            return id;
        }

        using var r = Cmd("SELECT id FROM sources WHERE num = $p0", num).ExecuteReader();
        Require(r.Read(), "credit of a missing source");
        id = new SourceId(ToGuid((byte[])r[0]));
        _sourceIds[num] = id;
        return id;
    }

    public ValueTask<Credit?> FindCredit(SourceId source, string sourceRef) => ValueTask.FromResult(ReadCredit(source, sourceRef));

    private Credit? ReadCredit(SourceId source, string sourceRef)
    {
        using var r = Cmd(
            "SELECT a.owner_id, t.amount, t.currency, t.occurred_at, t.id, t.created_at " +
            "FROM sources s JOIN transfers t ON t.source_num = s.num AND t.source_ref = $p1 JOIN accounts a ON a.id = t.credit_account_id " +
            "WHERE s.id = $p0", ToBytes(source.Value), sourceRef).ExecuteReader();
        return r.Read()
            ? new Credit(source, sourceRef, new HolderId(ToGuid((byte[])r[0])), new Money(r.GetInt64(1), CurrencyOf(r.GetString(2))),
                FromMicros(r.GetInt64(3)), new TransferId(ToGuid((byte[])r[4])), FromMicros(r.GetInt64(5)))
            : null;
    }

    /// <summary>
    /// Walks the chains of the holder's wallets backwards, merging them newest first and keeping the credits.
    /// The cursor is the sequence of the last credit returned: its own wallet resumes right after it, any other
    /// wallet skips its newer transfers first (in SQL).
    /// </summary>
    public ValueTask<Page<Credit>> ListCredits(HolderId holder, SourceId? source, string? cursor, int limit)
    {
        var list = new List<Credit>(limit + 1);
        long? onlySource = null;
        if (source is { } wanted && (onlySource = SourceNum(wanted)) is null)
        {
            return ValueTask.FromResult(new Page<Credit>(list, null));
        }

        var before = Cursor.ToLong(cursor);
        var wallets = new List<(long Account, long? Next)>();
        using (var r = Cmd("SELECT id, last_seq FROM accounts WHERE kind = $p1 AND owner_id = $p0 ORDER BY id", ToBytes(holder.Value), (int)AccountKind.HolderWallet).ExecuteReader())
        {
            while (r.Read())
            {
                wallets.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1)));
            }
        }

        if (before is { } c)
        {
            var found = false;
            var credited = CreditedAccount(c);
            for (var w = 0; w < wallets.Count; w++)
            {
                var (account, head) = wallets[w];
                if (credited == account)
                {
                    wallets[w] = (account, PrevInChain(c, new AccountId(account)));
                    found = true;
                }
                else if (head is not null)
                {
                    wallets[w] = (account, FirstBefore(account, head.Value, c));
                }
            }

            if (!found)
            {
                throw new InvalidCursorException();
            }
        }

        var seqs = new List<long>(limit + 1);
        while (list.Count <= limit)
        {
            var pick = -1;
            for (var w = 0; w < wallets.Count; w++)
            {
                if (wallets[w].Next is { } n && (pick < 0 || n > wallets[pick].Next!.Value))
                {
                    pick = w;
                }
            }

            if (pick < 0)
            {
                break;
            }

            var (wallet, seq) = (wallets[pick].Account, wallets[pick].Next!.Value);
            using var r = Cmd(
                "SELECT debit_account_id, debit_prev, credit_prev, credit_account_id, source_num, source_ref, amount, currency, occurred_at, id, created_at " +
                "FROM transfers WHERE seq = $p0", seq).ExecuteReader();
            Require(r.Read(), "broken account chain");
            var debit = r.GetInt64(0);
            wallets[pick] = (wallet, debit == wallet ? (r.IsDBNull(1) ? null : r.GetInt64(1)) : (r.IsDBNull(2) ? null : r.GetInt64(2)));
            if (r.GetInt64(3) != wallet || r.IsDBNull(4) || (onlySource is { } only && r.GetInt64(4) != only))
            {
                continue;
            }

            list.Add(new Credit(SourceOf(r.GetInt64(4)), r.GetString(5), holder, new Money(r.GetInt64(6), CurrencyOf(r.GetString(7))),
                FromMicros(r.GetInt64(8)), new TransferId(ToGuid((byte[])r[9])), FromMicros(r.GetInt64(10))));
            seqs.Add(seq);
        }

        if (list.Count > limit)
        {
            list.RemoveAt(limit);
            return ValueTask.FromResult(new Page<Credit>(list, Cursor.FromLong(seqs[limit - 1])));
        }

        return ValueTask.FromResult(new Page<Credit>(list, null));
    }

    /// <summary>The account a transfer credits (0 if there is no such transfer).</summary>
    private long CreditedAccount(long seq)
    {
        using var r = Cmd("SELECT credit_account_id FROM transfers WHERE seq = $p0", seq).ExecuteReader();
        return r.Read() ? r.GetInt64(0) : 0;
    }

    /// <summary>The newest transfer in the account's chain older than <paramref name="before"/>, walking from <paramref name="head"/>.</summary>
    private long? FirstBefore(long account, long head, long before)
    {
        using var r = Cmd(
            "WITH RECURSIVE chain(s) AS (SELECT $p0 UNION ALL " +
            "SELECT CASE WHEN t.debit_account_id = $p1 THEN t.debit_prev ELSE t.credit_prev END FROM chain JOIN transfers t ON t.seq = chain.s WHERE chain.s >= $p2) " +
            "SELECT s FROM chain WHERE s IS NULL OR s < $p2 LIMIT 1", head, account, before).ExecuteReader();
        return r.Read() && !r.IsDBNull(0) ? r.GetInt64(0) : null;
    }

    public ValueTask<IReadOnlyList<CreditTotal>> CreditTotals(HolderId holder)
    {
        var list = new List<CreditTotal>();
        using var r = Cmd(
            WalletChain +
            "SELECT src.id, t.currency, SUM(t.amount), COUNT(*) FROM chain JOIN transfers t ON t.seq = chain.s JOIN sources src ON src.num = t.source_num " +
            "WHERE t.credit_account_id = chain.a GROUP BY src.id, t.currency ORDER BY t.currency, src.id",
            ToBytes(holder.Value), (int)AccountKind.HolderWallet).ExecuteReader();
        while (r.Read())
        {
            list.Add(new CreditTotal(new SourceId(ToGuid((byte[])r[0])), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        }

        return ValueTask.FromResult<IReadOnlyList<CreditTotal>>(list);
    }

    public async ValueTask<IReadOnlyList<CreditWriteResult>> InsertCredits(IReadOnlyList<CreditRow> rows, DateTimeOffset now, bool linked)
    {
        var results = new CreditWriteResult[rows.Count];
        var savepoint = linked ? await Savepoint() : null;
        _credits ??= new CreditWriter(this, conn);
        var failed = _credits.Write(rows, ToMicros(now), linked, results);
        if (failed >= 0)
        {
            await savepoint!.Rollback();
            for (var j = 0; j < results.Length; j++)
            {
                if (j != failed)
                {
                    results[j] = new CreditWriteResult(CreditWriteStatus.LinkedEventFailed, null);
                }
            }

            return results;
        }

        if (savepoint is not null)
        {
            await savepoint.Release();
        }

        return results;
    }

    private static Currency CurrencyOf(string code) => Currencies.Find(code) ?? throw new InvalidDataException("unknown currency in transfers");
}
