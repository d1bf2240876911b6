using System.Security.Cryptography;

namespace SmallChange.Core.Destinations;

/// <summary>Base58Check as Bitcoin uses it: payload then the first four bytes of SHA-256(SHA-256(payload)).</summary>
internal static class Base58Check
{
    internal const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>Longest input decoded; a legacy address is 25 bytes, at most 35 characters. Bounds the work.</summary>
    internal const int MaxEncodedLength = 50;

    /// <summary>Decodes and verifies the checksum; returns the payload (without the checksum) or <c>null</c>.</summary>
    internal static byte[]? Decode(string value)
    {
        if (value.Length is 0 or > MaxEncodedLength)
        {
            return null;
        }

        var leadingZeros = 0;
        while (leadingZeros < value.Length && value[leadingZeros] == '1')
        {
            leadingZeros++;
        }

        // Big-endian base-256 number, built by multiplying by 58 and adding each digit.
        var number = new byte[value.Length];
        var used = 0;
        foreach (var c in value)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return null;
            }

            var carry = digit;
            for (var i = 0; i < used || carry != 0; i++)
            {
                var index = number.Length - 1 - i;
                carry += 58 * number[index];
                number[index] = (byte)(carry & 0xff);
                carry >>= 8;
                if (i >= used)
                {
                    used = i + 1;
                }
            }
        }

        var decoded = new byte[leadingZeros + used];
        Array.Copy(number, number.Length - used, decoded, leadingZeros, used);
        if (decoded.Length < 5)
        {
            return null;
        }

        var payload = decoded.AsSpan(0, decoded.Length - 4);
        var checksum = decoded.AsSpan(decoded.Length - 4);
        var hash = SHA256.HashData(SHA256.HashData(payload));
        return CryptographicOperations.FixedTimeEquals(hash.AsSpan(0, 4), checksum) ? payload.ToArray() : null;
    }
}
