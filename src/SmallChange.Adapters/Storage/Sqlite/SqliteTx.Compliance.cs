using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Limits;
using SmallChange.Core.Money;
using static SmallChange.Adapters.Storage.SqlTime;

namespace SmallChange.Adapters.Storage.Sqlite;

internal sealed partial class SqliteTx
{
    public ValueTask<IReadOnlyList<PriorCashout>> CashoutUsage(HolderId holder, DateTimeOffset since)
    {
        var list = new List<PriorCashout>();
        using var r = Cmd("SELECT currency, gross, created_at FROM cashouts WHERE holder_id = $p0 AND created_at >= $p1 AND state IN ('approved', 'held', 'submitted', 'paid')",
            ToBytes(holder.Value), ToMicros(since)).ExecuteReader();
        while (r.Read())
        {
            list.Add(new PriorCashout(new Money(r.GetInt64(1), Currencies.Find(r.GetString(0)) ?? throw new InvalidDataException("unknown currency in cashouts")), FromMicros(r.GetInt64(2))));
        }

        return ValueTask.FromResult<IReadOnlyList<PriorCashout>>(list);
    }

    /// <summary>Nothing to do: a SQLite write transaction holds the database's only write lock (BEGIN IMMEDIATE).</summary>
    public ValueTask LockHolder(HolderId holder) => ValueTask.CompletedTask;
}
