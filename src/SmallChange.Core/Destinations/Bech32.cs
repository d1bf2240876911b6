namespace SmallChange.Core.Destinations;

/// <summary>Which checksum constant a Bech32 string verified against.</summary>
internal enum Bech32Encoding
{
    /// <summary>BIP-173, constant 1; segwit version 0.</summary>
    Bech32,

    /// <summary>BIP-350, constant 0x2bc830a3; segwit version 1 and above.</summary>
    Bech32m,
}

/// <summary>A decoded segwit address: witness version (0–16) and witness program (2–40 bytes).</summary>
internal sealed record SegwitAddress(string Hrp, int WitnessVersion, byte[] WitnessProgram, Bech32Encoding Encoding);

/// <summary>Bech32 and Bech32m (BIP-173, BIP-350) decoding and the segwit address rules on top of them.</summary>
internal static class Bech32
{
    internal const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    internal const int MaxLength = 90;
    internal const int ChecksumLength = 6;

    private const uint Bech32Constant = 1;
    private const uint Bech32mConstant = 0x2bc830a3;

    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    /// <summary>
    /// Decodes a Bech32 or Bech32m string: printable ASCII, one case only, at most 90 characters, a
    /// non-empty HRP before the last <c>1</c>, at least six data characters, and a valid checksum.
    /// Returns the lower-case HRP and the data values without the checksum.
    /// </summary>
    internal static bool TryDecode(string value, out string hrp, out byte[] data, out Bech32Encoding encoding)
    {
        hrp = string.Empty;
        data = [];
        encoding = default;

        if (value.Length > MaxLength)
        {
            return false;
        }

        bool hasLower = false, hasUpper = false;
        foreach (var c in value)
        {
            if (c < 33 || c > 126)
            {
                return false;
            }

            hasLower |= char.IsAsciiLetterLower(c);
            hasUpper |= char.IsAsciiLetterUpper(c);
        }

        if (hasLower && hasUpper)
        {
            return false;
        }

        var lower = value.ToLowerInvariant();
        var separator = lower.LastIndexOf('1');
        if (separator < 1 || separator + ChecksumLength + 1 > lower.Length)
        {
            return false;
        }

        var values = new byte[lower.Length - separator - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var index = Charset.IndexOf(lower[separator + 1 + i], StringComparison.Ordinal);
            if (index < 0)
            {
                return false;
            }

            values[i] = (byte)index;
        }

        var hrpPart = lower[..separator];
        var check = Polymod(HrpExpand(hrpPart), values);
        if (check == Bech32Constant)
        {
            encoding = Bech32Encoding.Bech32;
        }
        else if (check == Bech32mConstant)
        {
            encoding = Bech32Encoding.Bech32m;
        }
        else
        {
            return false;
        }

        hrp = hrpPart;
        data = values[..^ChecksumLength];
        return true;
    }

    /// <summary>
    /// Decodes a segwit address for one of <paramref name="allowedHrps"/>: witness version 0–16, program
    /// 2–40 bytes (20 or 32 for version 0), Bech32 for version 0 and Bech32m otherwise, and padding of at
    /// most four zero bits in the 5-to-8-bit conversion.
    /// </summary>
    internal static SegwitAddress? DecodeSegwit(string value, IReadOnlyCollection<string> allowedHrps)
    {
        if (!TryDecode(value, out var hrp, out var data, out var encoding) || !allowedHrps.Contains(hrp) || data.Length == 0)
        {
            return null;
        }

        var version = data[0];
        if (version > 16)
        {
            return null;
        }

        var program = ConvertBits5To8(data.AsSpan(1));
        if (program is null || program.Length is < 2 or > 40)
        {
            return null;
        }

        if (version == 0 && program.Length is not (20 or 32))
        {
            return null;
        }

        var expected = version == 0 ? Bech32Encoding.Bech32 : Bech32Encoding.Bech32m;
        return encoding == expected ? new SegwitAddress(hrp, version, program, encoding) : null;
    }

    internal static uint Polymod(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        uint chk = 1;
        Step(first, ref chk);
        Step(second, ref chk);
        return chk;

        static void Step(ReadOnlySpan<byte> values, ref uint chk)
        {
            foreach (var v in values)
            {
                var top = chk >> 25;
                chk = ((chk & 0x1ffffff) << 5) ^ v;
                for (var i = 0; i < 5; i++)
                {
                    if (((top >> i) & 1) != 0)
                    {
                        chk ^= Generator[i];
                    }
                }
            }
        }
    }

    private static byte[] HrpExpand(string hrp)
    {
        var expanded = new byte[(hrp.Length * 2) + 1];
        for (var i = 0; i < hrp.Length; i++)
        {
            expanded[i] = (byte)(hrp[i] >> 5);
            expanded[hrp.Length + 1 + i] = (byte)(hrp[i] & 31);
        }

        return expanded;
    }

    /// <summary>Regroups 5-bit values into bytes without padding: leftover bits must be fewer than five and zero.</summary>
    private static byte[]? ConvertBits5To8(ReadOnlySpan<byte> values)
    {
        var result = new List<byte>((values.Length * 5) / 8);
        var accumulator = 0;
        var bits = 0;
        foreach (var v in values)
        {
            accumulator = ((accumulator << 5) | v) & 0xfff;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                result.Add((byte)((accumulator >> bits) & 0xff));
            }
        }

        if (bits >= 5 || ((accumulator << (8 - bits)) & 0xff) != 0)
        {
            return null;
        }

        return [.. result];
    }
}
