using SmallChange.Core.Destinations;

namespace SmallChange.Core.Tests.Destinations;

public class WalletAndCardTests
{
    [Theory]
    [InlineData("jane@example.com", "jane@example.com", "j•••@example.com")]
    [InlineData("  Jane.Doe+payouts@Example.COM ", "jane.doe+payouts@example.com", "j•••@example.com")]
    [InlineData("o'brien@mail.example.co.kr", "o'brien@mail.example.co.kr", "o•••@mail.example.co.kr")]
    [InlineData("x@xn--bcher-kva.example", "x@xn--bcher-kva.example", "x•••@xn--bcher-kva.example")]
    public void Validate_WalletWithValidEmail_ReturnsLowerCaseEmail(string email, string expected, string masked)
    {
        var destination = Dest.Ok(Dest.Email(email));

        Assert.Equal(DestinationKind.DigitalWallet, destination.Kind);
        Assert.Equal(DestinationSubTypes.Email, destination.SubType);
        Assert.Equal(expected, destination.NormalizedValue);
        Assert.Equal(masked, destination.Masked);
    }

    [Theory]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("jane@")]
    [InlineData("jane@example")]
    [InlineData("jane@@example.com")]
    [InlineData("jane@doe@example.com")]
    [InlineData("jane doe@example.com")]
    [InlineData(".jane@example.com")]
    [InlineData("jane.@example.com")]
    [InlineData("ja..ne@example.com")]
    [InlineData("jane@-example.com")]
    [InlineData("jane@example-.com")]
    [InlineData("jane@example..com")]
    [InlineData("jane@.example.com")]
    [InlineData("jane@example.com.")]
    [InlineData("jane@192.168.0.1")]
    [InlineData("jane@exa_mple.com")]
    [InlineData("jäne@example.com")]
    [InlineData("\"jane\"@example.com")]
    [InlineData("jane@[127.0.0.1]")]
    public void Validate_WalletWithMalformedEmail_FailsEmail(string email)
    {
        var error = Dest.Fail(Dest.Email(email));

        Dest.AssertError(error, DestinationErrorCodes.Email, DestinationFields.Email);
        Assert.DoesNotContain(email, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WalletWithLocalPartOver64_FailsEmail()
    {
        Assert.Equal(76, Dest.Ok(Dest.Email(new string('a', 64) + "@example.com")).NormalizedValue.Length);
        Dest.AssertError(Dest.Fail(Dest.Email(new string('a', 65) + "@example.com")), DestinationErrorCodes.Email, DestinationFields.Email);
    }

    [Fact]
    public void Validate_WalletWithEmailOver254_FailsEmail()
    {
        var label = new string('d', 60);
        var email = $"jane@{label}.{label}.{label}.{label}.com";
        Assert.Equal(252, Dest.Ok(Dest.Email(email)).NormalizedValue.Length);

        var longer = "jan" + email; // 255 characters
        Dest.AssertError(Dest.Fail(Dest.Email(longer)), DestinationErrorCodes.Email, DestinationFields.Email);
    }

    [Theory]
    [InlineData("+821012345678", "+821012345678")]
    [InlineData("+82 10-1234-5678", "+821012345678")]
    [InlineData("+1 (415) 555.2671", "+14155552671")]
    [InlineData("+12345678", "+12345678")]
    [InlineData("+123456789012345", "+123456789012345")]
    public void Validate_WalletWithE164Phone_ReturnsPlusAndDigits(string phone, string expected)
    {
        var destination = Dest.Ok(Dest.Phone(phone));

        Assert.Equal(DestinationSubTypes.Phone, destination.SubType);
        Assert.Equal(expected, destination.NormalizedValue);
        Assert.Equal($"•••• {expected[^4..]}", destination.Masked);
    }

    [Theory]
    [InlineData("01012345678")] // national form, no +
    [InlineData("+0101234567")] // country codes never start with 0
    [InlineData("+1234567")] // 7 digits
    [InlineData("+1234567890123456")] // 16 digits
    [InlineData("+82 10 1234 567a")]
    [InlineData("++821012345678")]
    [InlineData("+")]
    [InlineData("82+1012345678")]
    public void Validate_WalletWithMalformedPhone_FailsPhone(string phone)
    {
        Dest.AssertError(Dest.Fail(Dest.Phone(phone)), DestinationErrorCodes.Phone, DestinationFields.Phone);
    }

    [Fact]
    public void Validate_WalletWithEmailAndPhone_FailsConflictingFields()
    {
        var input = Dest.Email("jane@example.com") with { Phone = "+821012345678" };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.ConflictingFields, DestinationFields.Phone);
    }

    [Fact]
    public void Validate_WalletWithoutHandle_FailsMissingField()
    {
        var input = Dest.Email("jane@example.com") with { Email = "  " };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.MissingField, DestinationFields.Email);
    }

    [Theory]
    [InlineData("4111111111111111", "4111111111111111")]
    [InlineData("4111 1111 1111 1111", "4111111111111111")]
    [InlineData("4111-1111-1111-1111", "4111111111111111")]
    [InlineData("5555555555554444", "5555555555554444")]
    [InlineData("378282246310005", "378282246310005")] // 15-digit Amex test number
    [InlineData("6011111111111117", "6011111111111117")]
    public void Validate_CardWithValidLuhn_ReturnsDigits(string card, string expected)
    {
        var destination = Dest.Ok(Dest.Card(card));

        Assert.Equal(DestinationKind.PrepaidCard, destination.Kind);
        Assert.Equal(DestinationSubTypes.Card, destination.SubType);
        Assert.Equal(expected, destination.NormalizedValue);
        Assert.Equal($"•••• {expected[^4..]}", destination.Masked);
    }

    [Theory]
    [InlineData("4111111111111112")]
    [InlineData("4111111111111121")] // adjacent digits transposed
    [InlineData("5555555555554443")]
    public void Validate_CardWithBadCheckDigit_FailsCardLuhn(string card)
    {
        var error = Dest.Fail(Dest.Card(card));

        Dest.AssertError(error, DestinationErrorCodes.CardLuhn, DestinationFields.CardNumber);
        Assert.DoesNotContain(card, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("41111111111")] // 11 digits
    [InlineData("41111111111111111111")] // 20 digits
    [InlineData("4111x11111111111")]
    [InlineData("4111_1111_1111_1111")]
    public void Validate_CardOfWrongShape_FailsCardFormat(string card)
    {
        Dest.AssertError(Dest.Fail(Dest.Card(card)), DestinationErrorCodes.CardFormat, DestinationFields.CardNumber);
    }

    [Fact]
    public void Validate_CardWithoutNumber_FailsMissingField()
    {
        Dest.AssertError(Dest.Fail(Dest.Card("4111111111111111") with { CardNumber = null }), DestinationErrorCodes.MissingField, DestinationFields.CardNumber);
    }
}
