using System.Security.Cryptography;

namespace SmallChange.Core.Audit;

/// <summary>A 32-byte SHA-256 hash, compared by value.</summary>
public readonly struct Hash32 : IEquatable<Hash32>
{
    private readonly byte[] _bytes;

    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException("A hash is 32 bytes.", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public static Hash32 FromBase64(string s) => new(Convert.FromBase64String(s));

    public static bool TryFromBase64(string? s, out Hash32 hash)
    {
        hash = default;
        Span<byte> buffer = stackalloc byte[33];
        if (s is null || s.Length != 44 || !Convert.TryFromBase64String(s, buffer, out var n) || n != 32)
        {
            return false;
        }

        hash = new Hash32(buffer[..32]);

        // Canonical encoding only: unused low bits in the last character would let two texts mean one hash.
        return hash.ToBase64() == s;
    }

    public string ToBase64() => Convert.ToBase64String(_bytes);

    public string ToHex() => Convert.ToHexStringLower(_bytes);

    public bool Equals(Hash32 other) => _bytes is not null && other._bytes is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is Hash32 h && Equals(h);

    public override int GetHashCode() => _bytes is null ? 0 : BitConverter.ToInt32(_bytes, 0);

    public override string ToString() => ToHex();

    public static bool operator ==(Hash32 a, Hash32 b) => a.Equals(b);

    public static bool operator !=(Hash32 a, Hash32 b) => !a.Equals(b);
}

/// <summary>
/// Merkle tree hashing as in RFC 9162 (Certificate Transparency 2.0) §2.1: SHA-256, leaves prefixed 0x00,
/// interior nodes 0x01; the tree over n leaves splits at the largest power of two below n. Inclusion and
/// consistency proofs are generated from a source of subtree hashes and verified without any store.
/// </summary>
public static class Merkle
{
    /// <summary>The hash of the empty tree: SHA-256 of the empty string.</summary>
    public static readonly Hash32 EmptyRoot = new(SHA256.HashData([]));

    public static Hash32 LeafHash(ReadOnlySpan<byte> leaf)
    {
        Span<byte> prefixed = leaf.Length <= 1024 ? stackalloc byte[leaf.Length + 1] : new byte[leaf.Length + 1];
        prefixed[0] = 0x00;
        leaf.CopyTo(prefixed[1..]);
        return new Hash32(SHA256.HashData(prefixed));
    }

    public static Hash32 NodeHash(Hash32 left, Hash32 right)
    {
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 0x01;
        left.Bytes.CopyTo(buffer[1..]);
        right.Bytes.CopyTo(buffer[33..]);
        return Sha256(buffer);
    }

    /// <summary>SHA-256 of a short input (a leaf or a node): OpenSSL's direct digest where available, see <see cref="Sha256Native"/>.</summary>
    internal static Hash32 Sha256(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256Native.Hash(data, hash);
        return new Hash32(hash);
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    public static long SplitPoint(long n)
    {
        var k = 1L;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }

    /// <summary>
    /// The root of leaves [start, end) given the hashes of perfect, aligned subtrees:
    /// <paramref name="perfect"/>(level, index) covers leaves [index·2^level, (index+1)·2^level).
    /// </summary>
    public static Hash32 SubtreeRoot(long start, long end, Func<int, long, Hash32> perfect)
    {
        var size = end - start;
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(end), "A subtree has at least one leaf.");
        }

        if ((size & (size - 1)) == 0 && start % size == 0)
        {
            return perfect(System.Numerics.BitOperations.Log2((ulong)size), start / size);
        }

        var k = SplitPoint(size);
        return NodeHash(SubtreeRoot(start, start + k, perfect), SubtreeRoot(start + k, end, perfect));
    }

    /// <summary>RFC 9162 §2.1.3.1: the audit path of leaf <paramref name="index"/> in the tree of the first <paramref name="size"/> leaves.</summary>
    public static IReadOnlyList<Hash32> InclusionProof(long index, long size, Func<int, long, Hash32> perfect)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var path = new List<Hash32>();
        Path(index, 0, size, perfect, path);
        return path;
    }

    private static void Path(long m, long start, long end, Func<int, long, Hash32> perfect, List<Hash32> path)
    {
        var n = end - start;
        if (n == 1)
        {
            return;
        }

        var k = SplitPoint(n);
        if (m < k)
        {
            Path(m, start, start + k, perfect, path);
            path.Add(SubtreeRoot(start + k, end, perfect));
        }
        else
        {
            Path(m - k, start + k, end, perfect, path);
            path.Add(SubtreeRoot(start, start + k, perfect));
        }
    }

    /// <summary>RFC 9162 §2.1.4.1: proof that the tree of <paramref name="first"/> leaves is a prefix of the tree of <paramref name="second"/>.</summary>
    public static IReadOnlyList<Hash32> ConsistencyProof(long first, long second, Func<int, long, Hash32> perfect)
    {
        if (first < 0 || first > second)
        {
            throw new ArgumentOutOfRangeException(nameof(first));
        }

        var proof = new List<Hash32>();
        if (first > 0 && first < second)
        {
            SubProof(first, 0, second, true, perfect, proof);
        }

        return proof;
    }

    private static void SubProof(long m, long start, long end, bool complete, Func<int, long, Hash32> perfect, List<Hash32> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(SubtreeRoot(start, end, perfect));
            }

            return;
        }

        var k = SplitPoint(n);
        if (m <= k)
        {
            SubProof(m, start, start + k, complete, perfect, proof);
            proof.Add(SubtreeRoot(start + k, end, perfect));
        }
        else
        {
            SubProof(m - k, start + k, end, false, perfect, proof);
            proof.Add(SubtreeRoot(start, start + k, perfect));
        }
    }

    /// <summary>RFC 9162 §2.1.3.2: does <paramref name="path"/> prove leaf <paramref name="index"/> with hash <paramref name="leaf"/> in the tree with <paramref name="root"/>?</summary>
    public static bool VerifyInclusion(long index, long size, Hash32 leaf, IReadOnlyList<Hash32> path, Hash32 root)
    {
        if (index < 0 || index >= size)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        var r = leaf;
        foreach (var p in path)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r == root;
    }

    /// <summary>RFC 9162 §2.1.4.2: does <paramref name="proof"/> show the tree (<paramref name="first"/>, <paramref name="firstRoot"/>) is a prefix of (<paramref name="second"/>, <paramref name="secondRoot"/>)?</summary>
    public static bool VerifyConsistency(long first, long second, Hash32 firstRoot, Hash32 secondRoot, IReadOnlyList<Hash32> proof)
    {
        if (first < 0 || first > second)
        {
            return false;
        }

        if (first == second)
        {
            return proof.Count == 0 && firstRoot == secondRoot;
        }

        if (first == 0)
        {
            return proof.Count == 0 && firstRoot == EmptyRoot;
        }

        var path = new List<Hash32>(proof.Count + 1);
        if ((first & (first - 1)) == 0)
        {
            path.Add(firstRoot);
        }

        path.AddRange(proof);
        if (path.Count == 0)
        {
            return false;
        }

        var fn = first - 1;
        var sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return fr == firstRoot && sr == secondRoot && sn == 0;
    }
}

/// <summary>
/// The right edge of a growing tree: the roots of its perfect subtrees, largest first (one per set bit of the
/// size). Appending a leaf costs O(log n) and yields the perfect subtrees it completes, which a store keeps so
/// any proof can be built later; the root is folded from the edge.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<(int Level, long Index, Hash32 Hash)> _edge = [];

    public long Size { get; private set; }

    public IReadOnlyList<(int Level, long Index, Hash32 Hash)> Edge => _edge;

    /// <summary>Rebuilds the frontier of a tree of <paramref name="size"/> leaves from its stored perfect subtrees.</summary>
    public static MerkleFrontier Restore(long size, Func<int, long, Hash32> perfect)
    {
        var f = new MerkleFrontier { Size = size };
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            var span = 1L << level;
            if ((size & span) != 0)
            {
                f._edge.Add((level, start / span, perfect(level, start / span)));
                start += span;
            }
        }

        return f;
    }

    /// <summary>Appends a leaf hash; returns every perfect subtree (level ≥ 0) completed by it, the leaf included.</summary>
    public IReadOnlyList<(int Level, long Index, Hash32 Hash)> Append(Hash32 leaf)
    {
        var completed = new List<(int, long, Hash32)>();
        Append(leaf, 0, completed);
        return completed;
    }

    /// <summary>Appends a leaf hash, adding to <paramref name="completed"/> the perfect subtrees it completes at <paramref name="minLevel"/> or above.</summary>
    public void Append(Hash32 leaf, int minLevel, List<(int Level, long Index, Hash32 Hash)> completed)
    {
        if (minLevel == 0)
        {
            completed.Add((0, Size, leaf));
        }

        _edge.Add((0, Size, leaf));
        while (_edge.Count >= 2 && _edge[^1].Level == _edge[^2].Level)
        {
            var right = _edge[^1];
            var left = _edge[^2];
            _edge.RemoveRange(_edge.Count - 2, 2);
            var node = (left.Level + 1, left.Index / 2, Merkle.NodeHash(left.Hash, right.Hash));
            _edge.Add(node);
            if (node.Item1 >= minLevel)
            {
                completed.Add(node);
            }
        }

        Size++;
    }

    public Hash32 Root()
    {
        if (_edge.Count == 0)
        {
            return Merkle.EmptyRoot;
        }

        var r = _edge[^1].Hash;
        for (var i = _edge.Count - 2; i >= 0; i--)
        {
            r = Merkle.NodeHash(_edge[i].Hash, r);
        }

        return r;
    }
}
