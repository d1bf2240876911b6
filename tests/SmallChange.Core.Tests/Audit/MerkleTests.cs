using System.Security.Cryptography;
using SmallChange.Core.Audit;

namespace SmallChange.Core.Tests.Audit;

public sealed class MerkleTests
{
    // Leaves and roots of the reference test vectors used by Certificate Transparency implementations.
    private static readonly string[] VectorLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] VectorRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// <summary>RFC 9162's definition, directly: MTH over a list of leaf hashes.</summary>
    private static Hash32 Reference(IReadOnlyList<Hash32> leaves, int start, int end)
    {
        if (end - start == 1)
        {
            return leaves[start];
        }

        var k = (int)Merkle.SplitPoint(end - start);
        return Merkle.NodeHash(Reference(leaves, start, start + k), Reference(leaves, start + k, end));
    }

    private static (List<Hash32> Leaves, Dictionary<(int, long), Hash32> Nodes) Build(int n)
    {
        var frontier = new MerkleFrontier();
        var leaves = new List<Hash32>();
        var nodes = new Dictionary<(int, long), Hash32>();
        for (var i = 0; i < n; i++)
        {
            var leaf = Merkle.LeafHash(BitConverter.GetBytes(i * 7919));
            leaves.Add(leaf);
            foreach (var (level, index, hash) in frontier.Append(leaf))
            {
                nodes[(level, index)] = hash;
            }
        }

        return (leaves, nodes);
    }

    [Fact]
    public void Root_ReferenceVectors_Match()
    {
        var frontier = new MerkleFrontier();
        for (var i = 0; i < VectorLeaves.Length; i++)
        {
            frontier.Append(Merkle.LeafHash(Convert.FromHexString(VectorLeaves[i])));
            Assert.Equal(VectorRoots[i], frontier.Root().ToHex());
        }
    }

    [Fact]
    public void EmptyRoot_IsSha256OfNothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Merkle.EmptyRoot.ToHex());

    [Fact]
    public void FrontierRoot_EverySizeTo130_EqualsDefinition()
    {
        var frontier = new MerkleFrontier();
        var leaves = new List<Hash32>();
        for (var n = 1; n <= 130; n++)
        {
            var leaf = Merkle.LeafHash([(byte)n, (byte)(n >> 8)]);
            leaves.Add(leaf);
            frontier.Append(leaf);
            Assert.Equal(Reference(leaves, 0, n), frontier.Root());
        }
    }

    [Fact]
    public void Restore_FromStoredNodes_SameRootAndContinues()
    {
        var (leaves, nodes) = Build(77);
        var restored = MerkleFrontier.Restore(77, (l, i) => nodes[(l, i)]);
        Assert.Equal(Reference(leaves, 0, 77), restored.Root());
        var next = Merkle.LeafHash([1, 2, 3]);
        restored.Append(next);
        leaves.Add(next);
        Assert.Equal(Reference(leaves, 0, 78), restored.Root());
    }

    [Fact]
    public void InclusionProof_EveryLeafOfEverySizeTo70_Verifies()
    {
        var (leaves, nodes) = Build(70);
        for (var size = 1; size <= 70; size++)
        {
            var root = Reference(leaves, 0, size);
            for (var index = 0; index < size; index++)
            {
                var path = Merkle.InclusionProof(index, size, (l, i) => nodes[(l, i)]);
                Assert.True(Merkle.VerifyInclusion(index, size, leaves[index], path, root), $"leaf {index} of {size}");
                if (size > 1)
                {
                    Assert.False(Merkle.VerifyInclusion(index, size, leaves[(index + 1) % size], path, root), $"wrong leaf {index} of {size}");
                    Assert.False(Merkle.VerifyInclusion((index + 1) % size, size, leaves[index], path, root), $"wrong index {index} of {size}");
                }
            }
        }
    }

    [Fact]
    public void InclusionProof_TamperedPathOrRoot_Rejected()
    {
        var (leaves, nodes) = Build(37);
        var root = Reference(leaves, 0, 37);
        var path = Merkle.InclusionProof(12, 37, (l, i) => nodes[(l, i)]).ToList();
        var bytes = path[2].Bytes.ToArray();
        bytes[5] ^= 1;
        var tampered = path.ToList();
        tampered[2] = new Hash32(bytes);
        Assert.False(Merkle.VerifyInclusion(12, 37, leaves[12], tampered, root));
        Assert.False(Merkle.VerifyInclusion(12, 37, leaves[12], path.Take(path.Count - 1).ToList(), root));
        Assert.False(Merkle.VerifyInclusion(12, 37, leaves[12], path.Append(path[0]).ToList(), root));
        Assert.False(Merkle.VerifyInclusion(40, 37, leaves[12], path, root));
    }

    [Fact]
    public void ConsistencyProof_EveryPairTo45_VerifiesAndDetectsTampering()
    {
        var (leaves, nodes) = Build(45);
        for (var second = 1; second <= 45; second++)
        {
            var secondRoot = Reference(leaves, 0, second);
            for (var first = 1; first <= second; first++)
            {
                var firstRoot = Reference(leaves, 0, first);
                var proof = Merkle.ConsistencyProof(first, second, (l, i) => nodes[(l, i)]);
                Assert.True(Merkle.VerifyConsistency(first, second, firstRoot, secondRoot, proof), $"{first} → {second}");
                if (first < second)
                {
                    var otherFirst = Merkle.LeafHash([9, 9, 9]);
                    Assert.False(Merkle.VerifyConsistency(first, second, otherFirst, secondRoot, proof), $"forged old root {first} → {second}");
                    Assert.False(Merkle.VerifyConsistency(first, second, firstRoot, otherFirst, proof), $"forged new root {first} → {second}");
                }
            }
        }
    }

    [Fact]
    public void InclusionProof_TenMillionLeaves_AtMostOneKilobyte()
    {
        // A synthetic tree: the proof's size depends only on the shape, so fabricated subtree hashes will do.
        static Hash32 Fake(int level, long index) => new(SHA256.HashData(BitConverter.GetBytes(((long)level << 56) ^ index)));
        const long size = 10_000_000;
        var longest = 0;
        foreach (var index in new long[] { 0, 1, size / 2, size - 2, size - 1, 8_388_607, 8_388_608 })
        {
            longest = Math.Max(longest, Merkle.InclusionProof(index, size, Fake).Count * 32);
        }

        Assert.True(longest <= 1024, $"{longest} bytes");
    }
}
