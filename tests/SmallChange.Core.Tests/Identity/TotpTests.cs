using System.Text;
using SmallChange.Core.Identity;

namespace SmallChange.Core.Tests.Identity;

public sealed class TotpTests
{
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    /// <summary>RFC 6238 appendix B, SHA-1 column, last 6 of the 8 digits.</summary>
    [Theory]
    [InlineData(59L, 287082)]
    [InlineData(1111111109L, 81804)]
    [InlineData(1111111111L, 50471)]
    [InlineData(1234567890L, 5924)]
    [InlineData(2000000000L, 279037)]
    [InlineData(20000000000L, 353130)]
    public void Code_RfcVectors_Match(long unixSeconds, int expected)
    {
        Assert.Equal(expected, Totp.Code(RfcSecret, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds))));
    }

    [Fact]
    public void MatchStep_CodeOfNeighbourStep_ReturnsThatStep()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1111111111);
        var step = Totp.StepAt(now);
        Assert.Equal(step, Totp.MatchStep(RfcSecret, "050471", now));
        Assert.Equal(step - 1, Totp.MatchStep(RfcSecret, Totp.Code(RfcSecret, step - 1).ToString("D6"), now));
        Assert.Equal(step + 1, Totp.MatchStep(RfcSecret, Totp.Code(RfcSecret, step + 1).ToString("D6"), now));
        Assert.Null(Totp.MatchStep(RfcSecret, Totp.Code(RfcSecret, step + 2).ToString("D6"), now));
        Assert.Null(Totp.MatchStep(RfcSecret, Totp.Code(RfcSecret, step - 2).ToString("D6"), now));
    }

    [Theory]
    [InlineData("050 471")]
    [InlineData("050-471")]
    public void MatchStep_SpacesOrHyphen_Ignored(string code)
    {
        Assert.NotNull(Totp.MatchStep(RfcSecret, code, DateTimeOffset.FromUnixTimeSeconds(1111111111)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("50471")]
    [InlineData("0504711")]
    [InlineData("05047a")]
    [InlineData("０５０４７１")]
    public void MatchStep_NotSixAsciiDigits_MatchesNothing(string? code)
    {
        Assert.Null(Totp.MatchStep(RfcSecret, code, DateTimeOffset.FromUnixTimeSeconds(1111111111)));
    }

    [Fact]
    public void Base32_RoundTrip_AndRfc4648Vectors()
    {
        Assert.Equal("MZXW6YTBOI", Base32.Encode("foobar"u8));
        Assert.Equal("foobar"u8.ToArray(), Base32.Decode("mzxw 6ytb oi======"));
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Base32.Encode(RfcSecret));
        var random = System.Security.Cryptography.RandomNumberGenerator.GetBytes(20);
        Assert.Equal(random, Base32.Decode(Base32.Encode(random)));
        Assert.Null(Base32.Decode("not base32!"));
    }
}
