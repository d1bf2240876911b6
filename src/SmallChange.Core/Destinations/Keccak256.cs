using System.Buffers.Binary;
using System.Numerics;

namespace SmallChange.Core.Destinations;

/// <summary>
/// Keccak-256 as Ethereum uses it: Keccak-f[1600], rate 136 bytes, the original Keccak padding
/// (<c>0x01 … 0x80</c>). This is not FIPS 202 SHA3-256, which pads with <c>0x06</c> and so gives
/// different digests; <see cref="System.Security.Cryptography.SHA3_256"/> cannot stand in for it.
/// </summary>
public static class Keccak256
{
    /// <summary>Digest size in bytes (32).</summary>
    public const int HashSizeInBytes = 32;

    private const int RateBytes = 136;
    private const byte KeccakPadding = 0x01;

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808AUL, 0x8000000080008000UL,
        0x000000000000808BUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008AUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000AUL,
        0x000000008000808BUL, 0x800000000000008BUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800AUL, 0x800000008000000AUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    // ρ rotation offsets, in the order the π step visits the lanes (starting from lane 1).
    private static readonly int[] RhoOffsets =
    [
        1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
    ];

    // π lane order (index x + 5y), following lane 1 around the permutation cycle.
    private static readonly int[] PiLanes =
    [
        10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
    ];

    /// <summary>Keccak-256 of <paramref name="source"/>; returns a new 32-byte array.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> source)
    {
        var digest = new byte[HashSizeInBytes];
        HashCore(source, digest, KeccakPadding);
        return digest;
    }

    /// <summary>Writes Keccak-256 of <paramref name="source"/> into the first 32 bytes of <paramref name="destination"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < HashSizeInBytes)
        {
            throw new ArgumentException("The destination must hold at least 32 bytes.", nameof(destination));
        }

        HashCore(source, destination, KeccakPadding);
    }

    /// <summary>
    /// The sponge with a chosen domain padding byte: <c>0x01</c> is Keccak-256, <c>0x06</c> is SHA3-256.
    /// Exposed to tests so the permutation can be cross-checked against the platform's SHA3-256.
    /// </summary>
    internal static void HashCore(ReadOnlySpan<byte> source, Span<byte> destination, byte paddingByte)
    {
        Span<ulong> state = stackalloc ulong[25];
        state.Clear();

        while (source.Length >= RateBytes)
        {
            Absorb(state, source[..RateBytes]);
            Permute(state);
            source = source[RateBytes..];
        }

        Span<byte> last = stackalloc byte[RateBytes];
        last.Clear();
        source.CopyTo(last);
        last[source.Length] ^= paddingByte;
        last[RateBytes - 1] ^= 0x80;
        Absorb(state, last);
        Permute(state);

        for (var i = 0; i < HashSizeInBytes / 8; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(i * 8, 8), state[i]);
        }
    }

    private static void Absorb(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        for (var i = 0; i < RateBytes / 8; i++)
        {
            state[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(block.Slice(i * 8, 8));
        }
    }

    /// <summary>Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι over 25 64-bit lanes.</summary>
    private static void Permute(Span<ulong> a)
    {
        Span<ulong> c = stackalloc ulong[5];
        for (var round = 0; round < 24; round++)
        {
            // θ
            for (var x = 0; x < 5; x++)
            {
                c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
            }

            for (var x = 0; x < 5; x++)
            {
                var d = c[(x + 4) % 5] ^ BitOperations.RotateLeft(c[(x + 1) % 5], 1);
                for (var y = 0; y < 25; y += 5)
                {
                    a[y + x] ^= d;
                }
            }

            // ρ and π
            var carried = a[1];
            for (var i = 0; i < 24; i++)
            {
                var lane = PiLanes[i];
                var next = a[lane];
                a[lane] = BitOperations.RotateLeft(carried, RhoOffsets[i]);
                carried = next;
            }

            // χ
            for (var y = 0; y < 25; y += 5)
            {
                for (var x = 0; x < 5; x++)
                {
                    c[x] = a[y + x];
                }

                for (var x = 0; x < 5; x++)
                {
                    a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
                }
            }

            // ι
            a[0] ^= RoundConstants[round];
        }
    }
}
