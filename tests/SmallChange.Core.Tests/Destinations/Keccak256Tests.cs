using System.Text;
using SmallChange.Core.Destinations;

namespace SmallChange.Core.Tests.Destinations;

public class Keccak256Tests
{
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    [InlineData("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")]
    public void HashData_PublishedVector_MatchesDigest(string message, string expectedHex)
    {
        var digest = Keccak256.HashData(Encoding.ASCII.GetBytes(message));

        Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void HashData_EmptyInput_DiffersFromSha3_256()
    {
        // SHA3-256("") per FIPS 202; Keccak-256 differs only by the padding byte.
        const string sha3Empty = "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a";

        Assert.NotEqual(sha3Empty, Convert.ToHexStringLower(Keccak256.HashData([])));
    }

    // SHA3-256 digests of bytes (i mod 251) computed with Python's hashlib: with the FIPS 202 padding
    // byte the same sponge must reproduce them, which checks the permutation across block boundaries.
    [Theory]
    [InlineData(0, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")]
    [InlineData(1, "5d53469f20fef4f8eab52b88044ede69c77a6a68a60728609fc4a65ff531e7d0")]
    [InlineData(135, "fded8fd9d6551c601eeb3b7c6bc5e5cfd8aad1d015b7e9aaa9c9b9475231d5e2")]
    [InlineData(136, "cf3ccff92480a29160c2d38317c430e14749bfee1788106957dfe73f8c4930e5")]
    [InlineData(137, "ce9d7dc90913ee5d92745019479a5352c6d6279bef18ed07dc0a83ee8084daca")]
    [InlineData(271, "0153fcdb6825d836b10835ccb3999dc1d8b68492f77e7e38afa31f8e244bd7af")]
    [InlineData(272, "b7ccd55b6c2c3fa144c9e0624059294975a348b02f321abe289701d3012f7794")]
    [InlineData(1000, "48e66a01861d0eadaacdb7a6ae7db6b9ac79242ecced4154a9fbb33c4e3cc571")]
    public void HashCore_Sha3PaddingAcrossBlockBoundaries_MatchesSha3_256(int length, string expectedHex)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)(i % 251);
        }

        var digest = new byte[32];
        Keccak256.HashCore(data, digest, paddingByte: 0x06);

        Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void HashData_SpanOverload_WritesSameDigestAsArrayOverload()
    {
        var message = Encoding.ASCII.GetBytes("abc");
        var destination = new byte[40];

        Keccak256.HashData(message, destination);

        Assert.Equal(Keccak256.HashData(message), destination[..32]);
        Assert.All(destination[32..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void HashData_DestinationShorterThan32Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => Keccak256.HashData([1, 2, 3], new byte[31]));
    }
}
