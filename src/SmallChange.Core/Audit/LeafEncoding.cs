using System.Buffers.Binary;
using System.Text;
using SmallChange.Core.Ledger;

namespace SmallChange.Core.Audit;

/// <summary>
/// The canonical byte encoding of a transfer as a log leaf (version 1). Fixed field order, integers big-endian,
/// optional fields preceded by a presence byte, text as UTF-8 with a 2-byte length:
/// <code>
/// u8 version=1 | 16 id | i64 sequence | i64 debit account | i64 credit account | i64 amount | 3 currency (ASCII)
/// | u8 kind | opt16 pending id | opt i64 timeout (µs since Unix epoch) | u16+bytes reason | opt16 reverses
/// | opt16 reference | i64 created_at (µs since Unix epoch)
/// </code>
/// UUIDs are written in RFC 9562 byte order (big-endian). Documented in docs/verifiable-ledger.md.
/// </summary>
public static class LeafEncoding
{
    public const byte Version = 1;

    public static byte[] Encode(Transfer t)
    {
        Span<byte> buffer = stackalloc byte[MaxLength(t)];
        return buffer[..Write(t, buffer)].ToArray();
    }

    /// <summary>The RFC 9162 leaf hash, SHA-256(0x00 ‖ encoding), computed without a heap buffer for the encoding.</summary>
    public static Hash32 LeafHash(Transfer t)
    {
        var max = MaxLength(t) + 1;
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        buffer[0] = 0x00;
        var length = Write(t, buffer[1..]) + 1;
        return Merkle.Sha256(buffer[..length]);
    }

    private static int MaxLength(Transfer t)
    {
        var reason = Encoding.UTF8.GetByteCount(t.Reason);
        if (reason > ushort.MaxValue)
        {
            throw new ArgumentException("Reason too long for a leaf.", nameof(t));
        }

        return 1 + 16 + (8 * 4) + 3 + 1 + 17 + 9 + 2 + reason + 17 + 17 + 8;
    }

    private static int Write(Transfer t, Span<byte> buffer)
    {
        var w = new Writer(buffer);
        w.U8(Version);
        w.Guid(t.Id.Value);
        w.I64(t.Sequence);
        w.I64(t.DebitAccount.Value);
        w.I64(t.CreditAccount.Value);
        w.I64(t.Amount);
        w.Ascii3(t.Currency.Code);
        w.U8((byte)t.Kind);
        w.OptGuid(t.PendingId?.Value);
        w.OptI64(t.Timeout is { } to ? Micros(to) : null);
        w.Utf8WithLength(t.Reason);
        w.OptGuid(t.Reverses?.Value);
        w.OptGuid(t.Reference);
        w.I64(Micros(t.CreatedAt));
        return w.Position;
    }

    public static long Micros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Position { get; private set; }

        public void U8(byte v) => _buffer[Position++] = v;

        public void U16(ushort v)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], v);
            Position += 2;
        }

        public void I64(long v)
        {
            BinaryPrimitives.WriteInt64BigEndian(_buffer[Position..], v);
            Position += 8;
        }

        public void Guid(Guid g)
        {
            g.TryWriteBytes(_buffer[Position..], bigEndian: true, out _);
            Position += 16;
        }

        public void Ascii3(string code)
        {
            if (code.Length != 3 || Encoding.ASCII.GetBytes(code, _buffer[Position..]) != 3)
            {
                throw new ArgumentException("A currency code is three ASCII letters.", nameof(code));
            }

            Position += 3;
        }

        public void Utf8WithLength(string text)
        {
            var n = Encoding.UTF8.GetBytes(text, _buffer[(Position + 2)..]);
            U16((ushort)n);
            Position += n;
        }

        public void OptGuid(Guid? g)
        {
            U8(g is null ? (byte)0 : (byte)1);
            if (g is { } v)
            {
                Guid(v);
            }
        }

        public void OptI64(long? v)
        {
            U8(v is null ? (byte)0 : (byte)1);
            if (v is { } x)
            {
                I64(x);
            }
        }
    }
}
