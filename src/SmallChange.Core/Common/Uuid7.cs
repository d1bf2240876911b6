using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SmallChange.Core.Common;

/// <summary>
/// UUIDv7 ids that are strictly increasing within a process, also within one millisecond. <see cref="Uuid7.New()"/>
/// fills the 12 bits after the version with random bits, so two ids of one millisecond come out in random order, and a
/// listing "oldest first by id" then disagrees with creation order. Here those 12 bits are a counter (RFC 9562, section
/// 6.2, method 1, "fixed-length dedicated counter"): each new millisecond starts it at a random value below 2,048, and
/// each id of the same millisecond takes the next value. When more than the remaining values are needed within one
/// millisecond the timestamp runs ahead by a millisecond (the RFC allows it), so order holds at any rate. The last 62
/// bits stay random, so ids from different processes do not collide.
/// </summary>
public sealed class Uuid7
{
    private static readonly Uuid7 Shared = new();

    // The last issued (unix milliseconds << 12 | counter); 0 before the first id.
    private long _last;

    /// <summary>The next id of the process-wide sequence.</summary>
    public static Guid New() => Shared.Next(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>The next id of this sequence for the given clock reading (tests use their own sequence).</summary>
    internal Guid Next(long unixMilliseconds)
    {
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var start = unixMilliseconds << 12;
            var next = start > last ? start + RandomNumberGenerator.GetInt32(2048) : last + 1;
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return Build(next);
            }
        }
    }

    private static Guid Build(long stamp)
    {
        Span<byte> b = stackalloc byte[16];
        // Bytes 0-5: the 48-bit milliseconds; 6-7: version 7 and the 12-bit counter; 8-15: the variant and 62 random bits.
        var high = (ulong)(stamp >> 12) << 16 | 0x7000UL | (ulong)(stamp & 0xFFF);
        BinaryPrimitives.WriteUInt64BigEndian(b, high);
        RandomNumberGenerator.Fill(b[8..]);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b, bigEndian: true);
    }
}
