using SmallChange.Core.Audit;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;

namespace SmallChange.Core.Ports;

/// <summary>
/// The verifiable log (docs/verifiable-ledger.md). A store appends every transfer a write transaction inserted to the
/// log in that same transaction, just before it commits (leaf order = commit order), using <see cref="LedgerLog"/>:
/// it stores the batch (first leaf, tree size, root) and the perfect subtrees at level
/// <see cref="LedgerLog.StoredLevel"/> and above; lower subtrees are recomputed from the transfers when a proof needs them.
/// </summary>
public partial interface IStoreReader
{
    /// <summary>The newest committed batch (its tree size and root), or null for an empty log.</summary>
    ValueTask<LogBatch?> LastLogBatch();

    /// <summary>Stored perfect subtrees among <paramref name="keys"/> (absent keys are not stored).</summary>
    ValueTask<IReadOnlyDictionary<(int Level, long Index), Hash32>> GetLogNodes(IReadOnlyCollection<(int Level, long Index)> keys);

    /// <summary>The transfers at leaf indexes [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>), in leaf order.</summary>
    ValueTask<IReadOnlyList<Transfer>> LogLeaves(long from, int count);

    /// <summary>The leaf index of a transfer, or null if it is not in the log.</summary>
    ValueTask<long?> LeafIndexOf(TransferId id);

    /// <summary>Every leaf in leaf order, as stored (for the verifier): a leaf whose transfer row is gone has a null transfer.</summary>
    IAsyncEnumerable<(long Index, Transfer? Transfer)> AllLogLeaves();

    /// <summary>Every committed batch, by tree size.</summary>
    IAsyncEnumerable<LogBatch> AllLogBatches();

    /// <summary>Every stored perfect subtree.</summary>
    IAsyncEnumerable<LogNode> AllLogNodes();

    /// <summary>How many transfers the store holds (each must be exactly one leaf).</summary>
    ValueTask<long> TransferCount();

    /// <summary>The checkpoint with the largest tree size (the newest on ties), or null.</summary>
    ValueTask<Checkpoint?> LatestCheckpoint();

    /// <summary>Every signed checkpoint, oldest first.</summary>
    IAsyncEnumerable<Checkpoint> AllCheckpoints();

    /// <summary>Every public key that ever signed checkpoints, oldest first (rotated-out keys stay published).</summary>
    ValueTask<IReadOnlyList<LogKey>> LogKeys();
}

public partial interface IStoreTx
{
    ValueTask InsertCheckpoint(Checkpoint checkpoint);

    /// <summary>Publishes a signing key's public half (once per key id; a second insert of the same id does nothing).</summary>
    ValueTask InsertLogKey(LogKey key);
}

/// <summary>A checkpoint-signing public key as published: SubjectPublicKeyInfo PEM and its key id.</summary>
public sealed record LogKey(string KeyId, string PublicPem, DateTimeOffset CreatedAt);
