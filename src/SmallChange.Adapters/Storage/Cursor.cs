using System.Buffers.Binary;

using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Storage;

/// <summary>Opaque pagination cursors: a base64url encoding of the last key seen.</summary>
internal static class Cursor
{
    public static string FromLong(long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, value);
        return Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static string FromBytes(ReadOnlySpan<byte> value) =>
        Convert.ToBase64String(value).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a cursor; an invalid cursor is an argument error the host maps to 400.</summary>
    public static long? ToLong(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var bytes = Decode(cursor);
        if (bytes is not { Length: 8 })
        {
            throw new InvalidCursorException();
        }

        return BinaryPrimitives.ReadInt64BigEndian(bytes);
    }

    public static byte[]? ToBytes(string? cursor, int length)
    {
        if (cursor is null)
        {
            return null;
        }

        var bytes = Decode(cursor);
        if (bytes is null || bytes.Length != length)
        {
            throw new InvalidCursorException();
        }

        return bytes;
    }

    private static byte[]? Decode(string cursor)
    {
        if (cursor.Length is 0 or > 64)
        {
            return null;
        }

        var s = cursor.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
