using System.Threading.Channels;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Audit;

/// <summary>The outcome of recomputing the log: the first violation found (naming the batch), or none.</summary>
public sealed record LogReport(bool Ok, string? FirstViolation, long Leaves, int Batches, int Checkpoints);

/// <summary>
/// Recomputes the whole Merkle tree from the stored transfers, in leaf order, and compares it with everything the
/// store recorded about it: every batch's tree size and root, every stored subtree, every checkpoint (root and
/// signature under a published key). Any transfer changed, removed, reordered or slipped in after the fact changes a
/// leaf and so the root of the first batch that contains it; that batch is named.
/// </summary>
public static class LogVerifier
{
    private const int Chunk = 8192;

    public static Task<LogReport> Verify(IStore store, CancellationToken ct = default) => store.ReadAsync(r => Verify(r, null, ct), ct);

    /// <summary>As <see cref="Verify(IStore, CancellationToken)"/>, also summing every account's totals into <paramref name="totals"/> on the way (one pass for the balances too).</summary>
    public static Task<LogReport> Verify(IStore store, TransferTotals totals, CancellationToken ct = default) => store.ReadAsync(r => Verify(r, totals, ct), ct);

    public static async ValueTask<LogReport> Verify(IStoreReader r, TransferTotals? totals, CancellationToken ct = default)
    {
        var batches = new List<LogBatch>();
        await foreach (var b in r.AllLogBatches().WithCancellation(ct))
        {
            batches.Add(b);
        }

        var stored = new Dictionary<(int, long), Hash32>();
        await foreach (var n in r.AllLogNodes().WithCancellation(ct))
        {
            stored[(n.Level, n.Index)] = n.Hash;
        }

        var frontier = new MerkleFrontier();
        var completed = new List<(int Level, long Index, Hash32 Hash)>();
        var roots = new Dictionary<long, Hash32> { [0] = Merkle.EmptyRoot };
        var next = 0; // the next batch to reach
        var seen = 0L;
        string? violation = null;
        var chunk = new List<Transfer>(Chunk);

        string Batch(long leaf)
        {
            var i = batches.FindIndex(b => leaf >= b.FirstIndex && leaf < b.TreeSize);
            return i < 0
                ? $"after the last batch (tree size {(batches.Count == 0 ? 0 : batches[^1].TreeSize)})"
                : $"batch {i + 1} (leaves {batches[i].FirstIndex}..{batches[i].TreeSize - 1}, committed {batches[i].CommittedAt:O})";
        }

        // This task only reads; another hashes the leaves, appends them to the tree in order and sums the totals. (No
        // parallel loop here: with both cores busy, it would wait for the thread pool to grow.)
        var chunks = Channel.CreateBounded<List<Transfer>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        var consumer = Task.Run(async () =>
        {
            await foreach (var list in chunks.Reader.ReadAllAsync(ct))
            {
                var hashes = new Hash32[list.Count];
                for (var i = 0; i < hashes.Length; i++)
                {
                    hashes[i] = LeafEncoding.LeafHash(list[i]);
                }

                Apply(hashes);
                if (totals is not null)
                {
                    foreach (var t in list)
                    {
                        totals.Add(t);
                    }
                }
            }
        }, ct);

        async Task Process()
        {
            if (chunk.Count > 0)
            {
                await chunks.Writer.WriteAsync(chunk, ct);
                chunk = new List<Transfer>(Chunk);
            }
        }

        async Task Drain()
        {
            chunks.Writer.TryComplete();
            await consumer;
        }

        void Apply(Hash32[] hashes)
        {
            foreach (var h in hashes)
            {
                completed.Clear();
                frontier.Append(h, LedgerLog.StoredLevel, completed);
                foreach (var (level, index, hash) in completed)
                {
                    if (violation is null && (!stored.Remove((level, index), out var s) || s != hash))
                    {
                        violation = $"stored subtree ({level}, {index}) does not match the transfers: first differing {Batch(index << level)}";
                    }
                }

                while (violation is null && next < batches.Count && batches[next].TreeSize == frontier.Size)
                {
                    var root = frontier.Root();
                    if (root != batches[next].Root)
                    {
                        violation = $"batch {next + 1} (leaves {batches[next].FirstIndex}..{batches[next].TreeSize - 1}, committed {batches[next].CommittedAt:O}) " +
                                    "has a root that the stored transfers do not produce: a transfer in it or before it was changed, removed, reordered or inserted";
                    }

                    roots[frontier.Size] = root;
                    next++;
                }
            }
        }

        await foreach (var (index, transfer) in r.AllLogLeaves().WithCancellation(ct))
        {
            if (index != seen)
            {
                await Process();
                await Drain();
                return Fail(violation ?? $"leaf {seen} is missing: its transfer was removed ({Batch(seen)})");
            }

            if (transfer is null)
            {
                await Process();
                await Drain();
                return Fail(violation ?? $"leaf {index} has no transfer any more: it was removed ({Batch(index)})");
            }

            chunk.Add(transfer);
            seen++;
            if (chunk.Count == Chunk)
            {
                await Process();
                if (Volatile.Read(ref violation) is { } early)
                {
                    await Drain();
                    return Fail(early);
                }
            }
        }

        await Process();
        await Drain();
        if (violation is not null)
        {
            return Fail(violation);
        }

        var logSize = batches.Count == 0 ? 0 : batches[^1].TreeSize;
        if (next < batches.Count)
        {
            return Fail($"batch {next + 1} claims leaves up to {batches[next].TreeSize - 1}, but only {seen} transfers are in the log: transfers were removed");
        }

        if (seen > logSize)
        {
            return Fail($"leaf {logSize} and {seen - logSize - 1} more follow the last batch: transfers were written outside the log");
        }

        var transfers = await r.TransferCount();
        if (transfers != seen)
        {
            return Fail($"{transfers} transfers are stored but the log has {seen} leaves: {Math.Abs(transfers - seen)} transfers are outside the log");
        }

        if (stored.Count > 0)
        {
            var (level, index) = stored.Keys.Min();
            return Fail($"stored subtree ({level}, {index}) is not part of the tree the transfers produce");
        }

        var keys = new CheckpointVerifier();
        foreach (var key in await r.LogKeys())
        {
            keys.Trust(key.PublicPem);
        }

        var checkpoints = 0;
        await foreach (var c in r.AllCheckpoints().WithCancellation(ct))
        {
            checkpoints++;
            if (!roots.TryGetValue(c.TreeSize, out var root) || root != c.Root)
            {
                return Fail($"checkpoint of tree size {c.TreeSize} signed {c.Timestamp:O} does not match the log's root at that size");
            }

            if (keys.Check(c) is { } why)
            {
                return Fail($"checkpoint of tree size {c.TreeSize} signed {c.Timestamp:O}: {why}");
            }
        }

        return new LogReport(true, null, seen, batches.Count, checkpoints);

        LogReport Fail(string why) => new(false, why, seen, batches.Count, 0);
    }
}
