using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>Bounded reads of one period of a holder's records (statements): only the period's rows and the sums come back.</summary>
internal sealed partial class PostgresTx
{
    public async ValueTask<IReadOnlyList<Credit>> ListCreditsOccurred(HolderId holder, DateTimeOffset from, DateTimeOffset to) =>
        await Many(r => ReadCredit(r, new SourceId(r.GetGuid(8))),
            $"SELECT {CreditColumns}, s.id FROM accounts a JOIN transfers t ON t.credit_account_id = a.id JOIN sources s ON s.num = t.source_num " +
            "WHERE a.kind = $1 AND a.owner_id = $2 AND t.source_ref IS NOT NULL AND t.occurred_at >= $3 AND t.occurred_at < $4",
            (int)AccountKind.HolderWallet, holder.Value, Ts(from), Ts(to));

    public async ValueTask<IReadOnlyList<Cashout>> ListCashoutsOfPeriod(HolderId holder, DateTimeOffset from, DateTimeOffset to) =>
        await Many(ReadCashout,
            $"SELECT {CashoutColumns} FROM cashouts WHERE holder_id = $1 " +
            "AND ((created_at >= $2 AND created_at < $3) OR (state = $4 AND updated_at >= $2 AND updated_at < $3))",
            holder.Value, Ts(from), Ts(to), CashoutState.Returned.ToWire());

    public async ValueTask<IReadOnlyList<RecordMovementTotal>> RecordMovementsSince(HolderId holder, DateTimeOffset at) =>
        await Many(r => new RecordMovementTotal(CurrencyOf(r.GetString(0)), r.GetInt64(1)),
            "SELECT currency, SUM(units)::bigint FROM (" +
            "SELECT t.currency, t.amount AS units FROM accounts a JOIN transfers t ON t.credit_account_id = a.id " +
            "WHERE a.kind = $1 AND a.owner_id = $2 AND t.source_ref IS NOT NULL AND t.occurred_at >= $3 " +
            "UNION ALL SELECT currency, CASE WHEN created_at >= $3 THEN -gross ELSE 0 END + CASE WHEN state = $4 AND updated_at >= $3 THEN gross ELSE 0 END " +
            "FROM cashouts WHERE holder_id = $2 AND hold_transfer_id IS NOT NULL AND state <> $5) m GROUP BY currency ORDER BY currency",
            (int)AccountKind.HolderWallet, holder.Value, Ts(at), CashoutState.Returned.ToWire(), CashoutState.Failed.ToWire());

    public async ValueTask<IReadOnlyList<string>> RecordMonths(HolderId holder) =>
        await Many(r => r.GetString(0),
            "SELECT to_char(t.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') FROM accounts a JOIN transfers t ON t.credit_account_id = a.id " +
            "WHERE a.kind = $1 AND a.owner_id = $2 AND t.source_ref IS NOT NULL " +
            "UNION SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') FROM cashouts WHERE holder_id = $2",
            (int)AccountKind.HolderWallet, holder.Value);
}
