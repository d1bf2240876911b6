using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Money;

namespace SmallChange.Core.Ports;

// Bounded reads of a holder's records for one period (statements, tax-year summaries): the period's rows and sums,
// never the whole history. No migration: credits are walked along the holder's wallet chains in SQL (as CreditTotals
// does), cash-outs by holder.

/// <summary>How much a holder's records moved the available balance of one currency, in ledger units (see <see cref="IStoreReader.RecordMovementsSince"/>).</summary>
public sealed record RecordMovementTotal(Currency Currency, long Units);

public partial interface IStoreReader
{
    /// <summary>The holder's credits that happened (<see cref="Credit.OccurredAt"/>) in [<paramref name="from"/>, <paramref name="to"/>), in no particular order.</summary>
    ValueTask<IReadOnlyList<Credit>> ListCreditsOccurred(HolderId holder, DateTimeOffset from, DateTimeOffset to);

    /// <summary>
    /// The holder's cash-outs requested (<see cref="Cashout.CreatedAt"/>) in [<paramref name="from"/>, <paramref name="to"/>),
    /// and those returned (state returned, <see cref="Cashout.UpdatedAt"/>) in it: each once, in no particular order.
    /// </summary>
    ValueTask<IReadOnlyList<Cashout>> ListCashoutsOfPeriod(HolderId holder, DateTimeOffset from, DateTimeOffset to);

    /// <summary>
    /// Per currency, what the holder's records moved at or after <paramref name="at"/>, as <see cref="Records.RecordBook"/>
    /// counts it: credits by when they happened; minus the gross of cash-outs that held funds (a hold transfer, not failed)
    /// by when they were requested; plus the gross of returned ones by when they were returned. A currency without such a
    /// movement may be missing.
    /// </summary>
    ValueTask<IReadOnlyList<RecordMovementTotal>> RecordMovementsSince(HolderId holder, DateTimeOffset at);

    /// <summary>The UTC months (<c>yyyy-MM</c>) in which the holder has a credit (when it happened) or a cash-out (when requested), each once, in no particular order.</summary>
    ValueTask<IReadOnlyList<string>> RecordMonths(HolderId holder);
}
