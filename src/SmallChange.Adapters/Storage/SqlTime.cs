namespace SmallChange.Adapters.Storage;

/// <summary>UTC instants as integer microseconds since the Unix epoch, and ids as big-endian 16-byte UUIDs.</summary>
internal static class SqlTime
{
    public static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);

    public static byte[] ToBytes(Guid g)
    {
        var b = new byte[16];
        g.TryWriteBytes(b, bigEndian: true, out _);
        return b;
    }

    public static Guid ToGuid(byte[] b) => new(b, bigEndian: true);
}
