using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Limits;

namespace SmallChange.Core.Ports;

public partial interface IStoreReader
{
    /// <summary>The holder's cash-outs created at or after <paramref name="since"/> that count against limits (approved, held, submitted, paid).</summary>
    ValueTask<IReadOnlyList<PriorCashout>> CashoutUsage(HolderId holder, DateTimeOffset since);
}

public partial interface IStoreTx
{
    /// <summary>
    /// Serialises this transaction with every other one that locks the same holder, until it ends. Checks that read
    /// the holder's history (limits) call it first, so two cash-outs on two nodes cannot both pass a limit that only
    /// one fits. A store whose transactions are already serial (SQLite) does nothing.
    /// </summary>
    ValueTask LockHolder(HolderId holder);
}
