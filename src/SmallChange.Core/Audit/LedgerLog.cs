using System.Collections.Concurrent;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Audit;

/// <summary>What one committed write added to the log: leaves [<see cref="FirstIndex"/>, <see cref="TreeSize"/>) and the root after it.</summary>
public sealed record LogBatch(long FirstIndex, long TreeSize, Hash32 Root, DateTimeOffset CommittedAt);

/// <summary>A stored perfect subtree: leaves [Index·2^Level, (Index+1)·2^Level).</summary>
public readonly record struct LogNode(int Level, long Index, Hash32 Hash);

/// <summary>
/// The ledger as an RFC 9162 Merkle tree of transfers (leaves encoded by <see cref="LeafEncoding"/>). Stores call
/// <see cref="Append"/> inside each write transaction; proofs and the verifier read back through <see cref="IStoreReader"/>.
/// Only perfect subtrees of 2^<see cref="StoredLevel"/> leaves or more are stored (1 row per 128 leaves); a proof
/// recomputes the lower levels from at most 256 transfers, which keeps the write path cheap.
/// </summary>
public static class LedgerLog
{
    public const int StoredLevel = 8;

    public const int TileLeaves = 1 << StoredLevel;

    /// <summary>Appends <paramref name="leaves"/> (in commit order) to <paramref name="frontier"/>; returns the batch and the nodes to store.</summary>
    public static (LogBatch Batch, List<LogNode> Stored) Append(MerkleFrontier frontier, IReadOnlyList<Transfer> leaves, DateTimeOffset at) =>
        Append(frontier, LeafHashes(leaves), at);

    /// <summary>Appends leaves already hashed (see <see cref="LeafPipeline"/>).</summary>
    public static (LogBatch Batch, List<LogNode> Stored) Append(MerkleFrontier frontier, Hash32[] hashes, DateTimeOffset at)
    {
        var first = frontier.Size;
        var completed = new List<(int Level, long Index, Hash32 Hash)>();
        foreach (var h in hashes)
        {
            frontier.Append(h, StoredLevel, completed);
        }

        return (new LogBatch(first, frontier.Size, frontier.Root(), at), completed.Select(c => new LogNode(c.Level, c.Index, c.Hash)).ToList());
    }

    /// <summary>Leaf hashes, computed on every core for a large batch (hashing is independent per leaf).</summary>
    public static Hash32[] LeafHashes(IReadOnlyList<Transfer> leaves)
    {
        var hashes = new Hash32[leaves.Count];
        if (leaves.Count < 1024)
        {
            for (var i = 0; i < hashes.Length; i++)
            {
                hashes[i] = LeafEncoding.LeafHash(leaves[i]);
            }

            return hashes;
        }

        Parallel.ForEach(Partitioner.Create(0, leaves.Count, 512), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                hashes[i] = LeafEncoding.LeafHash(leaves[i]);
            }
        });
        return hashes;
    }

    /// <summary>Rebuilds the frontier of the committed log (stores call it when they have none or theirs may be stale).</summary>
    public static async ValueTask<MerkleFrontier> Restore(IStoreReader r)
    {
        var size = (await r.LastLogBatch())?.TreeSize ?? 0;
        var edge = new List<(int Level, long Index)>();
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((size & (1L << level)) != 0)
            {
                edge.Add((level, start >> level));
                start += 1L << level;
            }
        }

        var hashes = await Perfect(r, edge);
        return MerkleFrontier.Restore(size, (level, index) => hashes[(level, index)]);
    }

    /// <summary>Perfect subtree hashes for <paramref name="keys"/>: stored ones read, lower ones recomputed from their transfers.</summary>
    public static async ValueTask<Dictionary<(int Level, long Index), Hash32>> Perfect(IStoreReader r, IReadOnlyCollection<(int Level, long Index)> keys)
    {
        var result = new Dictionary<(int, long), Hash32>();
        var stored = keys.Where(k => k.Level >= StoredLevel).Distinct().ToList();
        if (stored.Count > 0)
        {
            var found = await r.GetLogNodes(stored);
            foreach (var k in stored)
            {
                result[k] = found.TryGetValue(k, out var h) ? h : throw new InvalidOperationException($"The log has no stored node ({k.Level}, {k.Index}).");
            }
        }

        // Lower subtrees: read each tile of leaves once and fold.
        foreach (var tile in keys.Where(k => k.Level < StoredLevel).GroupBy(k => (k.Index << k.Level) >> StoredLevel))
        {
            var from = tile.Min(k => k.Index << k.Level);
            var to = tile.Max(k => (k.Index + 1) << k.Level);
            var leaves = await r.LogLeaves(from, checked((int)(to - from)));
            if (leaves.Count != to - from)
            {
                throw new InvalidOperationException($"The log lacks leaves in [{from}, {to}).");
            }

            var hashes = LeafHashes(leaves);
            foreach (var (level, index) in tile)
            {
                result[(level, index)] = Fold(hashes, (int)((index << level) - from), 1 << level);
            }
        }

        return result;
    }

    /// <summary>The root of a perfect subtree of <paramref name="count"/> (a power of two) leaf hashes starting at <paramref name="offset"/>.</summary>
    private static Hash32 Fold(Hash32[] hashes, int offset, int count)
    {
        if (count == 1)
        {
            return hashes[offset];
        }

        var half = count / 2;
        return Merkle.NodeHash(Fold(hashes, offset, half), Fold(hashes, offset + half, half));
    }

    /// <summary>The inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public static async ValueTask<IReadOnlyList<Hash32>> InclusionProof(IStoreReader r, long index, long size)
    {
        var hashes = await Perfect(r, Needed(f => Merkle.InclusionProof(index, size, f)));
        return Merkle.InclusionProof(index, size, (l, i) => hashes[(l, i)]);
    }

    /// <summary>The consistency proof between the trees of <paramref name="first"/> and <paramref name="second"/> leaves.</summary>
    public static async ValueTask<IReadOnlyList<Hash32>> ConsistencyProof(IStoreReader r, long first, long second)
    {
        var hashes = await Perfect(r, Needed(f => Merkle.ConsistencyProof(first, second, f)));
        return Merkle.ConsistencyProof(first, second, (l, i) => hashes[(l, i)]);
    }

    /// <summary>The root of the first <paramref name="size"/> leaves (any size, not only a batch boundary).</summary>
    public static async ValueTask<Hash32> RootAt(IStoreReader r, long size)
    {
        if (size == 0)
        {
            return Merkle.EmptyRoot;
        }

        var hashes = await Perfect(r, Needed(f => [Merkle.SubtreeRoot(0, size, f)]));
        return Merkle.SubtreeRoot(0, size, (l, i) => hashes[(l, i)]);
    }

    /// <summary>Which perfect subtrees a proof computation reads (the indexes it asks for do not depend on the hashes).</summary>
    private static List<(int Level, long Index)> Needed(Func<Func<int, long, Hash32>, IReadOnlyList<Hash32>> compute)
    {
        var keys = new List<(int, long)>();
        compute((l, i) =>
        {
            keys.Add((l, i));
            return Merkle.EmptyRoot;
        });
        return keys;
    }
}
