using System.Text;
using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>The supported chains and their accepted spellings.</summary>
public static class CryptoNetworks
{
    public const string Bitcoin = "bitcoin";
    public const string Ethereum = "ethereum";

    /// <summary>Maps <c>bitcoin</c>/<c>btc</c> and <c>ethereum</c>/<c>eth</c> (any case) to the canonical name.</summary>
    internal static string? Normalize(string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "bitcoin" or "btc" => Bitcoin,
        "ethereum" or "eth" => Ethereum,
        _ => null,
    };
}

/// <summary>A validated address: its canonical form, sub-type and whether it belongs to a test network.</summary>
internal sealed record CryptoAddressInfo(string Normalized, string SubType, bool IsTestnet);

/// <summary>Bitcoin addresses: native segwit (Bech32/Bech32m, HRP bc or tb) and legacy Base58Check (P2PKH, P2SH).</summary>
internal static class BitcoinAddress
{
    private static readonly string[] Hrps = ["bc", "tb"];

    internal static Result<CryptoAddressInfo> Parse(string raw)
    {
        var error = new Error(DestinationErrorCodes.BtcAddress, "The value is not a valid Bitcoin address.", DestinationFields.Address);
        var address = raw.Trim();

        if (address.StartsWith("bc1", StringComparison.OrdinalIgnoreCase) || address.StartsWith("tb1", StringComparison.OrdinalIgnoreCase))
        {
            var segwit = Bech32.DecodeSegwit(address, Hrps);
            if (segwit is null)
            {
                return error;
            }

            var subType = segwit.Encoding == Bech32Encoding.Bech32 ? DestinationSubTypes.BtcBech32 : DestinationSubTypes.BtcBech32m;
            return new CryptoAddressInfo(address.ToLowerInvariant(), subType, segwit.Hrp == "tb");
        }

        var payload = Base58Check.Decode(address);
        if (payload is not { Length: 21 })
        {
            return error;
        }

        // 0x00 P2PKH and 0x05 P2SH on mainnet; 0x6f and 0xc4 on testnet.
        return payload[0] switch
        {
            0x00 or 0x05 => new CryptoAddressInfo(address, DestinationSubTypes.BtcBase58, IsTestnet: false),
            0x6f or 0xc4 => new CryptoAddressInfo(address, DestinationSubTypes.BtcBase58, IsTestnet: true),
            _ => error,
        };
    }
}

/// <summary>Ethereum addresses: <c>0x</c> and 40 hex digits, with the EIP-55 mixed-case checksum.</summary>
internal static class EthereumAddress
{
    internal static Result<CryptoAddressInfo> Parse(string raw)
    {
        const string field = DestinationFields.Address;
        var address = raw.Trim();
        if (address.Length != 42 || !address.StartsWith("0x", StringComparison.Ordinal) || !IsHex(address.AsSpan(2)))
        {
            return new Error(DestinationErrorCodes.EthAddress, "An Ethereum address is 0x followed by 40 hexadecimal digits.", field);
        }

        var hex = address[2..];
        var lower = hex.ToLowerInvariant();
        if (lower.AsSpan().IndexOfAnyExcept('0') < 0)
        {
            return new Error(DestinationErrorCodes.EthAddress, "The zero address burns whatever is sent to it.", field);
        }

        var checksummed = ToChecksumAddress(lower);
        var mixedCase = hex.AsSpan().IndexOfAnyInRange('a', 'f') >= 0 && hex.AsSpan().IndexOfAnyInRange('A', 'F') >= 0;
        if (mixedCase && !string.Equals(checksummed, address, StringComparison.Ordinal))
        {
            return new Error(DestinationErrorCodes.EthChecksum, "The address's upper/lower-case checksum (EIP-55) does not match; please copy it again.", field);
        }

        return new CryptoAddressInfo(checksummed, DestinationSubTypes.Eth, IsTestnet: false);
    }

    /// <summary>EIP-55: a letter is upper case when the matching nibble of Keccak-256(lower-case hex) is 8 or more.</summary>
    internal static string ToChecksumAddress(string lowerHex40)
    {
        var hash = Keccak256.HashData(Encoding.ASCII.GetBytes(lowerHex40));
        var result = new StringBuilder("0x", 42);
        for (var i = 0; i < lowerHex40.Length; i++)
        {
            var c = lowerHex40[i];
            var nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
            result.Append(c is >= 'a' and <= 'f' && nibble >= 8 ? char.ToUpperInvariant(c) : c);
        }

        return result.ToString();
    }

    private static bool IsHex(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
