using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>
/// Bounded reads of one period of a holder's records (statements). Credits are found by walking the holder's wallet
/// chains in SQL, as <see cref="CreditTotals"/> does (transfers have no index by account here: it would slow every
/// credit write); only the period's rows and the sums come back.
/// </summary>
internal sealed partial class SqliteTx
{
    /// <summary>Every transfer of the holder's wallets (seq s, wallet a): a recursive walk of each wallet's chain from its newest.</summary>
    private const string WalletChain =
        "WITH RECURSIVE chain(s, a) AS (" +
        "SELECT last_seq, id FROM accounts WHERE kind = $p1 AND owner_id = $p0 AND last_seq IS NOT NULL UNION ALL " +
        "SELECT CASE WHEN t.debit_account_id = chain.a THEN t.debit_prev ELSE t.credit_prev END, chain.a FROM chain JOIN transfers t ON t.seq = chain.s) ";

    public ValueTask<IReadOnlyList<Credit>> ListCreditsOccurred(HolderId holder, DateTimeOffset from, DateTimeOffset to)
    {
        var list = new List<Credit>();
        using var r = Cmd(
            WalletChain +
            "SELECT src.id, t.source_ref, t.amount, t.currency, t.occurred_at, t.id, t.created_at FROM chain JOIN transfers t ON t.seq = chain.s " +
            "JOIN sources src ON src.num = t.source_num WHERE t.credit_account_id = chain.a AND t.occurred_at >= $p2 AND t.occurred_at < $p3",
            ToBytes(holder.Value), (int)AccountKind.HolderWallet, ToMicros(from), ToMicros(to)).ExecuteReader();
        while (r.Read())
        {
            list.Add(new Credit(new SourceId(ToGuid((byte[])r[0])), r.GetString(1), holder, new Money(r.GetInt64(2), CurrencyOf(r.GetString(3))),
                FromMicros(r.GetInt64(4)), new TransferId(ToGuid((byte[])r[5])), FromMicros(r.GetInt64(6))));
        }

        return ValueTask.FromResult<IReadOnlyList<Credit>>(list);
    }

    public ValueTask<IReadOnlyList<Cashout>> ListCashoutsOfPeriod(HolderId holder, DateTimeOffset from, DateTimeOffset to)
    {
        var list = new List<Cashout>();
        using var r = Cmd(
            $"SELECT {CashoutColumns} FROM cashouts WHERE holder_id = $p0 " +
            "AND ((created_at >= $p1 AND created_at < $p2) OR (state = $p3 AND updated_at >= $p1 AND updated_at < $p2))",
            ToBytes(holder.Value), ToMicros(from), ToMicros(to), CashoutState.Returned.ToWire()).ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadCashout(r));
        }

        return ValueTask.FromResult<IReadOnlyList<Cashout>>(list);
    }

    public ValueTask<IReadOnlyList<RecordMovementTotal>> RecordMovementsSince(HolderId holder, DateTimeOffset at)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        var since = ToMicros(at);
        using (var r = Cmd(
                   WalletChain +
                   "SELECT t.currency, SUM(t.amount) FROM chain JOIN transfers t ON t.seq = chain.s " +
                   "WHERE t.credit_account_id = chain.a AND t.source_num IS NOT NULL AND t.occurred_at >= $p2 GROUP BY t.currency",
                   ToBytes(holder.Value), (int)AccountKind.HolderWallet, since).ExecuteReader())
        {
            while (r.Read())
            {
                totals[r.GetString(0)] = r.GetInt64(1);
            }
        }

        using (var r = Cmd(
                   "SELECT currency, SUM(CASE WHEN created_at >= $p1 THEN -gross ELSE 0 END) + SUM(CASE WHEN state = $p2 AND updated_at >= $p1 THEN gross ELSE 0 END) " +
                   "FROM cashouts WHERE holder_id = $p0 AND hold_transfer_id IS NOT NULL AND state <> $p3 GROUP BY currency",
                   ToBytes(holder.Value), since, CashoutState.Returned.ToWire(), CashoutState.Failed.ToWire()).ExecuteReader())
        {
            while (r.Read())
            {
                totals[r.GetString(0)] = checked(totals.GetValueOrDefault(r.GetString(0)) + r.GetInt64(1));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<RecordMovementTotal>>(
            totals.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new RecordMovementTotal(CurrencyOf(kv.Key), kv.Value)).ToList());
    }

    public ValueTask<IReadOnlyList<string>> RecordMonths(HolderId holder)
    {
        var months = new List<string>();
        using var r = Cmd(
            WalletChain +
            "SELECT strftime('%Y-%m', t.occurred_at / 1000000, 'unixepoch') FROM chain JOIN transfers t ON t.seq = chain.s " +
            "WHERE t.credit_account_id = chain.a AND t.source_num IS NOT NULL " +
            "UNION SELECT strftime('%Y-%m', created_at / 1000000, 'unixepoch') FROM cashouts WHERE holder_id = $p0",
            ToBytes(holder.Value), (int)AccountKind.HolderWallet).ExecuteReader();
        while (r.Read())
        {
            months.Add(r.GetString(0));
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(months);
    }
}
