using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Limits;

namespace SmallChange.Core.Ports;

public partial interface IStoreReader
{
    /// <summary>The holder's cash-outs created at or after <paramref name="since"/> that count against limits (approved, held, submitted, paid).</summary>
    ValueTask<IReadOnlyList<PriorCashout>> CashoutUsage(HolderId holder, DateTimeOffset since);
}
