using SmallChange.Core.Cashouts;

namespace SmallChange.Core.Audit;

/// <summary>The ledger side of a cash-out as verifiable receipts: one per transfer it made so far.</summary>
public static class CashoutReceipts
{
    /// <summary>
    /// The receipts of the cash-out's transfers (hold, then post and fee, or void, or the reversals of a return), each
    /// with its inclusion proof and a signed checkpoint, checkable offline with <c>smallchange verify receipt</c>.
    /// </summary>
    public static async Task<ReceiptBundle> For(CheckpointService checkpoints, Cashout c, CancellationToken ct = default)
    {
        var receipts = new List<Receipt>();
        if (c.HoldTransfer is { } hold)
        {
            foreach (var t in new[] { hold, c.PostTransferId, c.FeeTransferId, c.VoidTransferId, c.ReturnTransferId, c.FeeReturnTransferId })
            {
                if (await checkpoints.ReceiptFor(t, ct) is { } receipt)
                {
                    receipts.Add(receipt);
                }
            }
        }

        return new ReceiptBundle($"cashout {c.Id}", receipts);
    }
}
