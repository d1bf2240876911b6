using System.Security.Cryptography;

namespace SmallChange.Core.Identity;

/// <summary>
/// Time-based one-time passwords as authenticator apps compute them (RFC 6238 over RFC 4226): HMAC-SHA1 of the
/// 30-second time step since the Unix epoch, 6 decimal digits. The shared secret travels as RFC 4648 base32.
/// </summary>
public static class Totp
{
    /// <summary>Seconds per time step.</summary>
    public const int StepSeconds = 30;

    public const int Digits = 6;

    /// <summary>The time step containing <paramref name="at"/>.</summary>
    public static long StepAt(DateTimeOffset at) => Math.DivRem(at.ToUnixTimeSeconds(), StepSeconds, out var rem) - (rem < 0 ? 1 : 0);

    /// <summary>The code for one time step (RFC 4226 dynamic truncation, modulo 10^6).</summary>
    public static int Code(ReadOnlySpan<byte> secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(secret, counter, mac);
        var offset = mac[^1] & 0x0f;
        var binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
        return binary % 1_000_000;
    }

    /// <summary>
    /// The time step, within <paramref name="window"/> steps either side of <paramref name="now"/>, whose code is
    /// <paramref name="code"/>; null when none is. Spaces and hyphens in the code are ignored; anything else that is not
    /// 6 digits matches nothing. Every step in the window is computed and compared, so the time taken does not depend on
    /// which one matched.
    /// </summary>
    public static long? MatchStep(ReadOnlySpan<byte> secret, string? code, DateTimeOffset now, int window = 1)
    {
        if (Parse(code) is not { } presented)
        {
            return null;
        }

        var current = StepAt(now);
        long? found = null;
        for (var d = -window; d <= window; d++)
        {
            var step = current + d;
            // Compare as fixed-size byte values so the comparison itself takes the same time whatever the digits.
            if (CryptographicOperations.FixedTimeEquals(BitConverter.GetBytes(Code(secret, step)), BitConverter.GetBytes(presented)))
            {
                found ??= step;
            }
        }

        return found;
    }

    private static int? Parse(string? code)
    {
        if (code is null || code.Length > 16)
        {
            return null;
        }

        var value = 0;
        var digits = 0;
        foreach (var c in code)
        {
            if (c is ' ' or '-')
            {
                continue;
            }

            if (c is < '0' or > '9' || ++digits > Digits)
            {
                return null;
            }

            value = (value * 10) + (c - '0');
        }

        return digits == Digits ? value : null;
    }
}

/// <summary>RFC 4648 base32 (the alphabet A–Z, 2–7), as authenticator secrets are written. Decoding ignores case, spaces and padding.</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The bytes of a base32 text, or null when it holds a character outside the alphabet.</summary>
    public static byte[]? Decode(string text)
    {
        var output = new List<byte>(text.Length * 5 / 8);
        var buffer = 0;
        var bits = 0;
        foreach (var raw in text)
        {
            if (raw is ' ' or '=' or '-')
            {
                continue;
            }

            var v = Alphabet.IndexOf(char.ToUpperInvariant(raw), StringComparison.Ordinal);
            if (v < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)((buffer >> bits) & 0xff));
            }

            buffer &= (1 << bits) - 1;
        }

        return output.ToArray();
    }

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var sb = new System.Text.StringBuilder((data.Length * 8 / 5) + 1);
        var buffer = 0;
        var bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                sb.Append(Alphabet[(buffer >> bits) & 31]);
            }

            buffer &= (1 << bits) - 1;
        }

        if (bits > 0)
        {
            sb.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return sb.ToString();
    }
}
