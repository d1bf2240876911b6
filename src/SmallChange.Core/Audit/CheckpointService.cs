using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Audit;

/// <summary>
/// Signs checkpoints of the log with the operator's current key, and builds receipts. Every node of a deployment
/// signs with the same key (or any key published in the store); a checkpoint is one row, so two nodes signing the
/// same tree head is harmless.
/// </summary>
public sealed class CheckpointService(IStore store, CheckpointKey key, string origin, TimeProvider clock)
{
    private int _published;

    public string Origin => origin;

    public string KeyId => key.KeyId;

    /// <summary>Publishes the current key's public half (old keys stay published, so old receipts keep verifying).</summary>
    public Task PublishKey(CancellationToken ct = default) =>
        store.WriteAsync(async tx =>
        {
            await tx.InsertLogKey(new LogKey(key.KeyId, key.PublicPem(), clock.GetUtcNow()));
            return 0;
        }, ct);

    /// <summary>
    /// The newest checkpoint, signing one of the current tree head first when none covers it yet (or always, with
    /// <paramref name="force"/>).
    /// </summary>
    public async Task<Checkpoint> Latest(bool force = false, CancellationToken ct = default)
    {
        var (head, latest) = await store.ReadAsync(async r => (await r.LastLogBatch(), await r.LatestCheckpoint()), ct);
        var size = head?.TreeSize ?? 0;
        if (!force && latest is not null && latest.TreeSize >= size)
        {
            return latest;
        }

        if (Interlocked.Exchange(ref _published, 1) == 0)
        {
            await PublishKey(ct);
        }

        var checkpoint = key.Sign(origin, size, head?.Root ?? Merkle.EmptyRoot, Truncated(clock.GetUtcNow()));
        await store.WriteAsync(async tx =>
        {
            await tx.InsertCheckpoint(checkpoint);
            return 0;
        }, ct);
        return checkpoint;
    }

    /// <summary>A receipt for a transfer: the transfer, its leaf, the inclusion proof and a checkpoint that covers it; null if the transfer is not in the log.</summary>
    public async Task<Receipt?> ReceiptFor(TransferId id, CancellationToken ct = default)
    {
        var index = await store.ReadAsync(r => r.LeafIndexOf(id), ct);
        if (index is not { } leaf)
        {
            return null;
        }

        var checkpoint = await Latest(ct: ct);
        if (checkpoint.TreeSize <= leaf)
        {
            checkpoint = await Latest(force: true, ct);
        }

        return await store.ReadAsync(async r =>
        {
            var transfer = (await r.GetTransfer(id))!;
            var proof = await LedgerLog.InclusionProof(r, leaf, checkpoint.TreeSize);
            return Receipt.Create(transfer, leaf, proof, checkpoint);
        }, ct);
    }

    /// <summary>Checkpoint times are kept to the microsecond, as stored, so a stored checkpoint's signature still verifies.</summary>
    private static DateTimeOffset Truncated(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);
}
