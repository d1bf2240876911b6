using SmallChange.Core.Destinations;

namespace SmallChange.Core.Tests.Destinations;

public class DomesticBankAccountTests
{
    [Theory]
    [InlineData("002")] [InlineData("003")] [InlineData("004")] [InlineData("011")] [InlineData("020")]
    [InlineData("023")] [InlineData("027")] [InlineData("031")] [InlineData("032")] [InlineData("034")]
    [InlineData("035")] [InlineData("037")] [InlineData("039")] [InlineData("045")] [InlineData("048")]
    [InlineData("071")] [InlineData("081")] [InlineData("088")] [InlineData("089")] [InlineData("090")]
    [InlineData("092")]
    public void Validate_KoreanAccountAtKnownBank_Succeeds(string bankCode)
    {
        var destination = Dest.Ok(Dest.Kr(bankCode, "12345678901"));

        Assert.Equal(DestinationSubTypes.KrAccount, destination.SubType);
        Assert.Equal(bankCode, destination.Institution);
        Assert.False(string.IsNullOrEmpty(destination.InstitutionName));
    }

    [Fact]
    public void Validate_KoreanAccountWithHyphens_ReturnsDigitsOnly()
    {
        var destination = Dest.Ok(Dest.Kr("004", "123-45-6789-012"));

        Assert.Equal("123456789012", destination.NormalizedValue);
        Assert.Equal("•••• 9012", destination.Masked);
        Assert.Equal("KB Kookmin Bank", destination.InstitutionName);
        Assert.Equal("KR", destination.Country);
    }

    [Theory]
    [InlineData("999")]
    [InlineData("001")] // Bank of Korea: no retail accounts
    [InlineData("04")]
    [InlineData("0004")]
    [InlineData("abc")]
    [InlineData("０８８")] // full-width digits
    public void Validate_KoreanAccountWithUnknownBankCode_FailsKrBankCode(string bankCode)
    {
        Dest.AssertError(Dest.Fail(Dest.Kr(bankCode, "12345678901")), DestinationErrorCodes.KrBankCode, DestinationFields.BankCode);
    }

    [Theory]
    [InlineData("123456789")] // 9 digits
    [InlineData("123456789012345")] // 15 digits
    [InlineData("1234567890a")]
    [InlineData("123_456_7890")]
    [InlineData("１２３４５６７８９０１")] // full-width digits
    public void Validate_KoreanAccountNumberOfWrongShape_FailsKrAccountShape(string account)
    {
        Dest.AssertError(Dest.Fail(Dest.Kr("088", account)), DestinationErrorCodes.KrAccountShape, DestinationFields.AccountNumber);
    }

    [Theory]
    [InlineData("1234567890")]
    [InlineData("12345678901234")]
    public void Validate_KoreanAccountNumberAtLengthBounds_Succeeds(string account)
    {
        Assert.Equal(account, Dest.Ok(Dest.Kr("088", account)).NormalizedValue);
    }

    [Fact]
    public void Validate_KoreanAccountDeclaredInOtherCountry_FailsCountryMismatch()
    {
        Dest.AssertError(Dest.Fail(Dest.Kr("004", "12345678901", country: "US")), DestinationErrorCodes.CountryMismatch, DestinationFields.Country);
    }

    [Fact]
    public void Validate_KoreanBankCodeWithoutAccountNumber_FailsMissingField()
    {
        var input = Dest.Kr("004", "12345678901") with { AccountNumber = null };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.MissingField, DestinationFields.AccountNumber);
    }

    [Theory]
    [InlineData("011000015")] // Federal Reserve Bank of Boston
    [InlineData("021000021")] // JPMorgan Chase
    [InlineData("026009593")] // Bank of America
    [InlineData("121000248")] // Wells Fargo
    public void Validate_UsAchWithValidRoutingNumber_Succeeds(string routing)
    {
        var destination = Dest.Ok(Dest.Us(routing, "000123456789"));

        Assert.Equal(DestinationSubTypes.UsAch, destination.SubType);
        Assert.Equal(routing, destination.Institution);
        Assert.Equal("000123456789", destination.NormalizedValue);
        Assert.Equal("•••• 6789", destination.Masked);
    }

    [Theory]
    [InlineData("021000022")]
    [InlineData("011000016")]
    [InlineData("120000021")] // transposed digits
    public void Validate_UsAchWithRoutingDigitChanged_FailsRoutingChecksum(string routing)
    {
        Dest.AssertError(Dest.Fail(Dest.Us(routing, "123456789")), DestinationErrorCodes.RoutingChecksum, DestinationFields.RoutingNumber);
    }

    [Theory]
    [InlineData("02100002")]
    [InlineData("0210000211")]
    [InlineData("02100002a")]
    [InlineData("000000000")] // passes the checksum, but is no institution
    [InlineData("500000005")] // passes the checksum, prefix 50 is unassigned
    public void Validate_UsAchWithMalformedRoutingNumber_FailsRoutingFormat(string routing)
    {
        Dest.AssertError(Dest.Fail(Dest.Us(routing, "123456789")), DestinationErrorCodes.RoutingFormat, DestinationFields.RoutingNumber);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("123456789012345678")] // 18 digits
    [InlineData("12345X789")]
    public void Validate_UsAchWithAccountOfWrongShape_FailsUsAccountShape(string account)
    {
        Dest.AssertError(Dest.Fail(Dest.Us("021000021", account)), DestinationErrorCodes.UsAccountShape, DestinationFields.AccountNumber);
    }

    [Theory]
    [InlineData("1234", "1234")]
    [InlineData("12345678901234567", "12345678901234567")]
    [InlineData("12-34 56", "123456")]
    public void Validate_UsAchAccountWithinBounds_ReturnsDigits(string account, string expected)
    {
        Assert.Equal(expected, Dest.Ok(Dest.Us("021000021", account)).NormalizedValue);
    }

    [Fact]
    public void Validate_UsAchDeclaredOutsideUs_FailsCountryMismatch()
    {
        Dest.AssertError(Dest.Fail(Dest.Us("021000021", "123456789", country: "DE")), DestinationErrorCodes.CountryMismatch, DestinationFields.Country);
    }

    [Fact]
    public void Validate_UsAchInPuertoRico_Succeeds()
    {
        Assert.Equal("PR", Dest.Ok(Dest.Us("021000021", "123456789", country: "PR")).Country);
    }
}
