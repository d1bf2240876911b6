using SmallChange.Core.Audit;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;

namespace SmallChange.Core.Tests.Audit;

public sealed class LedgerLogTests
{
    private static Transfer T(long seq, string reason = "credit") => new(
        new TransferId(Guid.CreateVersion7()), new AccountId(1), new AccountId(2 + seq), 1_000 + seq, Currencies.USD, TransferKind.Single,
        null, null, reason, null, null, seq, DateTimeOffset.UnixEpoch.AddDays(20_000).AddTicks(seq * 10));

    [Fact]
    public void LeafHash_FastPath_EqualsHashOfTheEncoding()
    {
        foreach (var t in new[] { T(1), T(2, "cashout_return"), T(3) with { PendingId = TransferId.New(), Kind = TransferKind.PostPending, Reference = Guid.NewGuid() }, T(4, new string('é', 400)) })
        {
            Assert.Equal(Merkle.LeafHash(LeafEncoding.Encode(t)), LeafEncoding.LeafHash(t));
        }
    }

    [Fact]
    public async Task LeafPipeline_SlicesHashedAheadAndTruncated_SameHashesAsDirect()
    {
        var all = Enumerable.Range(1, (LeafPipeline.Slice * 3) + 17).Select(i => T(i)).ToList();
        var pipeline = new LeafPipeline();
        foreach (var t in all)
        {
            pipeline.Add(t);
        }

        // A savepoint rolled back in the middle of the second slice, then other transfers written.
        var keep = LeafPipeline.Slice + 100;
        pipeline.Truncate(keep);
        var after = Enumerable.Range(1, LeafPipeline.Slice * 2).Select(i => T(keep + i)).ToList();
        foreach (var t in after)
        {
            pipeline.Add(t);
        }

        var expected = LedgerLog.LeafHashes(all.Take(keep).Concat(after).ToList());
        Assert.Equal(expected, await pipeline.Hashes());
    }

    [Fact]
    public void Append_InBatches_SameRootAsOneTreeAndStoresOnlyHighLevels()
    {
        var leaves = Enumerable.Range(1, 1_000).Select(i => T(i)).ToList();
        var frontier = new MerkleFrontier();
        var stored = new List<LogNode>();
        LogBatch? last = null;
        foreach (var chunk in leaves.Chunk(333))
        {
            var (batch, nodes) = LedgerLog.Append(frontier, chunk, DateTimeOffset.UnixEpoch);
            stored.AddRange(nodes);
            last = batch;
        }

        var hashes = LedgerLog.LeafHashes(leaves);
        Assert.Equal(Merkle.SubtreeRoot(0, 1_000, (level, index) => Fold(hashes, level, index)), last!.Root);
        Assert.All(stored, n => Assert.True(n.Level >= LedgerLog.StoredLevel));
        Assert.Equal([(8, 0L), (8, 1L), (8, 2L), (9, 0L)], stored.Select(n => (n.Level, n.Index)).OrderBy(x => x));
    }

    [Fact]
    public void InclusionProof_TenMillionLeaves_AtMost1KB()
    {
        var longest = new long[] { 0, 1, 4_999_999, 8_388_607, 8_388_608, 9_999_999 }
            .Max(i => Merkle.InclusionProof(i, 10_000_000, (_, _) => Merkle.EmptyRoot).Count);

        Assert.Equal(24, longest);
        Assert.True(longest * 32 <= 1024);
    }

    private static Hash32 Fold(Hash32[] leaves, int level, long index)
    {
        if (level == 0)
        {
            return leaves[index];
        }

        return Merkle.NodeHash(Fold(leaves, level - 1, index * 2), Fold(leaves, level - 1, (index * 2) + 1));
    }
}
