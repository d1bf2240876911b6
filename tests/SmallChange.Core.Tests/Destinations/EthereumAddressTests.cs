using SmallChange.Core.Destinations;

namespace SmallChange.Core.Tests.Destinations;

public class EthereumAddressTests
{
    // EIP-55 examples: mixed case, and addresses whose checksummed form happens to be all upper or all lower case.
    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("0x8617E340B3D01FA5F11F306F4090FD50E238070D")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")]
    [InlineData("0x27b1fdb04752bbc536007a920d24acb045561c26")]
    public void Validate_Eip55Example_ReturnsSameChecksummedAddress(string address)
    {
        var destination = Dest.Ok(Dest.Crypto("ethereum", address));

        Assert.Equal(DestinationSubTypes.Eth, destination.SubType);
        Assert.Equal(address, destination.NormalizedValue);
        Assert.Equal(CryptoNetworks.Ethereum, destination.Network);
        Assert.Equal("ETH", destination.Asset);
        Assert.False(destination.IsTestnet);
    }

    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")]
    public void Validate_SingleCaseAddress_NormalisesToChecksummedForm(string checksummed)
    {
        var lower = "0x" + checksummed[2..].ToLowerInvariant();
        var upper = "0x" + checksummed[2..].ToUpperInvariant();

        Assert.Equal(checksummed, Dest.Ok(Dest.Crypto("eth", lower)).NormalizedValue);
        Assert.Equal(checksummed, Dest.Ok(Dest.Crypto("ETH", upper)).NormalizedValue);
    }

    [Theory]
    [InlineData("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")] // second letter upper-cased
    [InlineData("0xfb6916095ca1df60bB79Ce92cE3Ea74c37c5d359")] // first B lower-cased
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6Fb")] // last letter lower-cased
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDB")] // last letter upper-cased
    public void Validate_MixedCaseWithWrongChecksum_FailsEthChecksum(string address)
    {
        var error = Dest.Fail(Dest.Crypto("ethereum", address));

        Dest.AssertError(error, DestinationErrorCodes.EthChecksum, DestinationFields.Address);
        Assert.DoesNotContain(address, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")] // no 0x
    [InlineData("0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")] // upper-case X
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe")] // 39 hex digits
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0")] // 41 hex digits
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg")] // g is not hex
    [InlineData("0x0000000000000000000000000000000000000000")] // burn address
    [InlineData("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")] // a Bitcoin address
    public void Validate_MalformedAddress_FailsEthAddress(string address)
    {
        Dest.AssertError(Dest.Fail(Dest.Crypto("ethereum", address)), DestinationErrorCodes.EthAddress, DestinationFields.Address);
    }

    [Theory]
    [InlineData("bitcoin")]
    [InlineData("btc")]
    [InlineData(" Bitcoin ")]
    [InlineData("BTC")]
    public void Validate_BitcoinNetworkSpellings_AreAccepted(string network)
    {
        Assert.Equal(CryptoNetworks.Bitcoin, Dest.Ok(Dest.Crypto(network, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")).Network);
    }

    [Theory]
    [InlineData("solana")]
    [InlineData("eth2")]
    [InlineData("erc20")]
    public void Validate_UnsupportedNetwork_FailsNetwork(string network)
    {
        Dest.AssertError(Dest.Fail(Dest.Crypto(network, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")), DestinationErrorCodes.Network, DestinationFields.Network);
    }

    [Fact]
    public void Validate_CryptoWithoutNetwork_FailsMissingField()
    {
        var input = Dest.Crypto("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") with { Network = null };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.MissingField, DestinationFields.Network);
    }

    [Fact]
    public void Validate_CryptoWithoutAddress_FailsMissingField()
    {
        Dest.AssertError(Dest.Fail(Dest.Crypto("ethereum", " ")), DestinationErrorCodes.MissingField, DestinationFields.Address);
    }

    [Theory]
    [InlineData("ethereum", "usdc", "USDC")]
    [InlineData("ethereum", "WBTC", "WBTC")]
    [InlineData("ethereum", "eth", "ETH")]
    [InlineData("bitcoin", "btc", "BTC")]
    public void Validate_AssetForNetwork_ReturnsUpperCaseSymbol(string network, string asset, string expected)
    {
        var address = network == "bitcoin" ? "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa" : "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

        Assert.Equal(expected, Dest.Ok(Dest.Crypto(network, address, asset)).Asset);
    }

    [Theory]
    [InlineData("ethereum", "BTC")]
    [InlineData("bitcoin", "USDC")]
    [InlineData("ethereum", "U")]
    [InlineData("ethereum", "US-DC")]
    public void Validate_AssetNotCarriedByNetwork_FailsAsset(string network, string asset)
    {
        var address = network == "bitcoin" ? "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa" : "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

        Dest.AssertError(Dest.Fail(Dest.Crypto(network, address, asset)), DestinationErrorCodes.Asset, DestinationFields.Asset);
    }

    [Fact]
    public void ToChecksumAddress_LowerCaseHex_MatchesEip55()
    {
        Assert.Equal("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", EthereumAddress.ToChecksumAddress("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
    }
}
