using SmallChange.Core.Destinations;

namespace SmallChange.Core.Tests.Destinations;

public class BitcoinAddressTests
{
    // BIP-350 valid segwit addresses (v0 with Bech32, v1+ with Bech32m).
    [Theory]
    [InlineData("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "btc_bech32", false)]
    [InlineData("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "btc_bech32", true)]
    [InlineData("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "btc_bech32m", false)]
    [InlineData("BC1SW50QGDZ25J", "btc_bech32m", false)]
    [InlineData("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "btc_bech32m", false)]
    [InlineData("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "btc_bech32", true)]
    [InlineData("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "btc_bech32m", true)]
    [InlineData("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "btc_bech32m", false)]
    public void Validate_Bip350ValidAddress_ReturnsLowerCaseAddress(string address, string subType, bool testnet)
    {
        var destination = Dest.Ok(Dest.Crypto("bitcoin", address), allowTestnet: true);

        Assert.Equal(DestinationKind.Crypto, destination.Kind);
        Assert.Equal(subType, destination.SubType);
        Assert.Equal(address.ToLowerInvariant(), destination.NormalizedValue);
        Assert.Equal(testnet, destination.IsTestnet);
        Assert.Equal(CryptoNetworks.Bitcoin, destination.Network);
        Assert.Equal("BTC", destination.Asset);
        Assert.Equal($"•••• {address.ToLowerInvariant()[^4..]}", destination.Masked);
    }

    // BIP-173 and BIP-350 invalid address vectors.
    [Theory]
    [InlineData("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty")] // invalid HRP
    [InlineData("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")] // invalid checksum
    [InlineData("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2")] // invalid witness version
    [InlineData("bc1rw5uspcuh")] // invalid program length
    [InlineData("bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90")] // invalid program length
    [InlineData("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P")] // invalid program length for witness version 0
    [InlineData("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7")] // mixed case
    [InlineData("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du")] // zero padding of more than 4 bits
    [InlineData("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv")] // non-zero padding in 8-to-5 conversion
    [InlineData("bc1gmk9yu")] // empty data section
    [InlineData("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut")] // invalid HRP
    [InlineData("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd")] // Bech32 instead of Bech32m
    [InlineData("tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf")] // Bech32 instead of Bech32m
    [InlineData("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL")] // Bech32 instead of Bech32m
    [InlineData("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh")] // Bech32m instead of Bech32
    [InlineData("tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47")] // Bech32m instead of Bech32
    [InlineData("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4")] // invalid character in checksum
    [InlineData("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R")] // invalid witness version
    [InlineData("bc1pw5dgrnzv")] // invalid program length (1 byte)
    [InlineData("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav")] // program of 41 bytes
    [InlineData("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq")] // mixed case
    [InlineData("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf")] // more than 4 padding bits
    [InlineData("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j")] // non-zero padding in 8-to-5 conversion
    public void Validate_BipInvalidAddress_FailsBtcAddress(string address)
    {
        var error = Dest.Fail(Dest.Crypto("bitcoin", address), allowTestnet: true);

        Dest.AssertError(error, DestinationErrorCodes.BtcAddress, DestinationFields.Address);
        Assert.DoesNotContain(address, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", false)] // P2PKH, version 0x00
    [InlineData("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", false)] // P2PKH
    [InlineData("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", false)] // P2SH, version 0x05
    [InlineData("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", true)] // testnet P2PKH, version 0x6f
    [InlineData("2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", true)] // testnet P2SH, version 0xc4
    public void Validate_Base58CheckAddress_ReturnsAddressUnchanged(string address, bool testnet)
    {
        var destination = Dest.Ok(Dest.Crypto("btc", "  " + address + " "), allowTestnet: true);

        Assert.Equal(DestinationSubTypes.BtcBase58, destination.SubType);
        Assert.Equal(address, destination.NormalizedValue);
        Assert.Equal(testnet, destination.IsTestnet);
    }

    [Theory]
    [InlineData("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")] // last character changed: checksum
    [InlineData("1a1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")] // case changed: checksum
    [InlineData("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0")] // 0 is not in the Base58 alphabet
    [InlineData("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNl")] // neither is l
    [InlineData("LUEweDxDA4WhvWiNXXSxjM9CYzHPJv4QQF")] // valid Base58Check, version 0x30 (Litecoin)
    [InlineData("133VQZmihsauVFjR6XTtJkHs9ZP6Nwkii")] // valid checksum, 19-byte hash
    [InlineData("1goNG9qzSRi5Fr4MWz8gjDCarHFQ5RdDRNL")] // valid checksum, 21-byte hash
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")] // an Ethereum address
    [InlineData("1111")]
    public void Validate_Base58NearMiss_FailsBtcAddress(string address)
    {
        Dest.AssertError(Dest.Fail(Dest.Crypto("bitcoin", address), allowTestnet: true), DestinationErrorCodes.BtcAddress, DestinationFields.Address);
    }

    [Theory]
    [InlineData("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")]
    [InlineData("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn")]
    [InlineData("2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc")]
    public void Validate_TestnetAddressWithoutTestnetAllowed_FailsTestnetAddress(string address)
    {
        Dest.AssertError(Dest.Fail(Dest.Crypto("bitcoin", address)), DestinationErrorCodes.TestnetAddress, DestinationFields.Address);
    }

    // BIP-173 valid Bech32 strings and BIP-350 valid Bech32m strings (not addresses).
    [Theory]
    [InlineData("A12UEL5L", false)]
    [InlineData("a12uel5l", false)]
    [InlineData("an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs", false)]
    [InlineData("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", false)]
    [InlineData("11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j", false)]
    [InlineData("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", false)]
    [InlineData("?1ezyfcl", false)]
    [InlineData("A1LQFN3A", true)]
    [InlineData("a1lqfn3a", true)]
    [InlineData("an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6", true)]
    [InlineData("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", true)]
    [InlineData("11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8", true)]
    [InlineData("split1checkupstagehandshakeupstreamerranterredcaperredlc445v", true)]
    [InlineData("?1v759aa", true)]
    public void TryDecode_ValidChecksumVector_ReportsEncodingAndFailsWhenADataCharacterFlips(string value, bool bech32m)
    {
        Assert.True(Bech32.TryDecode(value, out _, out _, out var encoding));
        Assert.Equal(bech32m ? Bech32Encoding.Bech32m : Bech32Encoding.Bech32, encoding);

        // As in the reference tests: flip the low bit of the first character after the separator.
        var separator = value.LastIndexOf('1');
        var flipped = value[..(separator + 1)] + (char)(value[separator + 1] ^ 1) + value[(separator + 2)..];
        Assert.False(Bech32.TryDecode(flipped, out _, out _, out _));
    }

    [Theory]
    [InlineData(" 1nwldj5")] // HRP character out of range
    [InlineData("\u007F1axkwrx")] // HRP character out of range
    [InlineData("\u00801eym55h")] // HRP character out of range
    [InlineData("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx")] // too long
    [InlineData("pzry9x0s0muk")] // no separator
    [InlineData("1pzry9x0s0muk")] // empty HRP
    [InlineData("x1b4n0q5v")] // invalid data character
    [InlineData("li1dgmt3")] // too short checksum
    [InlineData("de1lg7wt\u00FF")] // invalid character in checksum
    [InlineData("A1G7SGD8")] // checksum calculated with upper-case HRP
    [InlineData("10a06t8")] // empty HRP
    [InlineData("1qzzfhee")] // empty HRP
    [InlineData(" 1xj0phk")]
    [InlineData("\u007F1g6xzxy")]
    [InlineData("\u00801vctc34")]
    [InlineData("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4")]
    [InlineData("qyrz8wqd2c9m")]
    [InlineData("1qyrz8wqd2c9m")]
    [InlineData("y1b0jsk6g")]
    [InlineData("lt1igcx5c0")]
    [InlineData("in1muywd")]
    [InlineData("mm1crxm3i")]
    [InlineData("au1s5cgom")]
    [InlineData("M1VUXWEZ")]
    [InlineData("16plkw9")]
    [InlineData("1p2gdwpf")]
    public void TryDecode_InvalidChecksumVector_Fails(string value)
    {
        Assert.False(Bech32.TryDecode(value, out _, out _, out _));
    }

    [Fact]
    public void Validate_SegwitAddressWithSeparatorCharacterControl_FailsControlCharacter()
    {
        var error = Dest.Fail(Dest.Crypto("bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\u0000"));

        Dest.AssertError(error, DestinationErrorCodes.ControlCharacter, DestinationFields.Address);
    }
}
