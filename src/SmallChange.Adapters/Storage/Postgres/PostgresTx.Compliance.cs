using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Limits;
using SmallChange.Core.Money;

namespace SmallChange.Adapters.Storage.Postgres;

internal sealed partial class PostgresTx
{
    public async ValueTask<IReadOnlyList<PriorCashout>> CashoutUsage(HolderId holder, DateTimeOffset since) =>
        await Many(r => new PriorCashout(new Money(r.GetInt64(1), CurrencyOf(r.GetString(0))), Time(r, 2)),
            "SELECT currency, gross, created_at FROM cashouts WHERE holder_id = $1 AND created_at >= $2 AND state IN ('approved', 'held', 'submitted', 'paid')",
            holder.Value, Ts(since));

    public async ValueTask LockHolder(HolderId holder) =>
        await Exec("SELECT 1 FROM holders WHERE id = $1 FOR UPDATE", holder.Value);
}
