using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Destinations;

namespace SmallChange.Core.Tests.Destinations;

public class DestinationValidatorTests
{
    public static TheoryData<DestinationInput, string> InputsWithSecrets => new()
    {
        { Dest.Iban("GB82 WEST 1234 5698 7654 32"), "12345698765432" },
        { Dest.Kr("004", "123-45-6789-012"), "6789" },
        { Dest.Us("021000021", "000123456789"), "123456789" },
        { Dest.Card("4111 1111 1111 1111"), "1111 1111 1111" },
        { Dest.Phone("+821012345678"), "1012345678" },
        { Dest.Email("jane.doe@example.com"), "jane.doe" },
    };

    [Theory]
    [MemberData(nameof(InputsWithSecrets))]
    public void ToString_Input_ContainsNeitherAccountNumberNorHolderName(DestinationInput input, string secret)
    {
        var text = input.ToString();

        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Dest.Holder, text, StringComparison.Ordinal);
        Assert.Contains(input.Kind.ToString(), text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InputsWithSecrets))]
    public void ToString_ValidatedDestination_ContainsOnlyMaskedValue(DestinationInput input, string secret)
    {
        var destination = Dest.Ok(input);
        var text = destination.ToString();

        Assert.DoesNotContain(destination.NormalizedValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Dest.Holder, text, StringComparison.Ordinal);
        Assert.Contains(destination.Masked, text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_ValidatedIban_DoesNotContainAccountNumber()
    {
        var destination = Dest.Ok(Dest.Iban("DE89370400440532013000"));

        Assert.DoesNotContain("0532013000", destination.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("DE89370400440532013000", destination.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("0532013000", Dest.Iban("DE89370400440532013000").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullInput_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => DestinationValidator.Validate(null!));
    }

    [Fact]
    public void Validate_UndefinedKind_FailsKind()
    {
        var input = Dest.Iban("DE89370400440532013000") with { Kind = (DestinationKind)42 };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.Kind, DestinationFields.Kind);
    }

    [Theory]
    [InlineData("\u0000")]
    [InlineData("\n")]
    [InlineData("\t")]
    [InlineData("\u007F")]
    [InlineData("\u0085")] // next line (C1 control)
    [InlineData("\u2028")] // line separator
    [InlineData("\u202E")] // right-to-left override
    [InlineData("\u200B")] // zero-width space
    [InlineData("\uFEFF")] // byte-order mark
    public void Validate_IbanWithControlOrInvisibleCharacter_FailsControlCharacter(string injected)
    {
        var error = Dest.Fail(Dest.Iban("DE89370400440532" + injected + "013000", country: "DE"));

        Dest.AssertError(error, DestinationErrorCodes.ControlCharacter, DestinationFields.Iban);
    }

    [Fact]
    public void Validate_IbanWithLoneSurrogate_FailsControlCharacter()
    {
        // Built in code: xunit would serialise a lone surrogate in InlineData as U+FFFD.
        foreach (var injected in new[] { "\uD800", "\uDC00", "\uDC00\uD800" })
        {
            var error = Dest.Fail(Dest.Iban("DE89370400440532" + injected + "013000", country: "DE"));

            Dest.AssertError(error, DestinationErrorCodes.ControlCharacter, DestinationFields.Iban);
        }
    }

    [Fact]
    public void Validate_HolderNameWithControlCharacter_FailsControlCharacter()
    {
        var input = Dest.Iban("DE89370400440532013000") with { AccountHolderName = "Jane\u0007Doe" };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.ControlCharacter, DestinationFields.AccountHolderName);
    }

    [Fact]
    public void Validate_UnusedFieldWithControlCharacter_FailsControlCharacter()
    {
        // Hygiene applies to every field, even one that will then be refused as unexpected.
        var input = Dest.Iban("DE89370400440532013000") with { Asset = "\u0000" };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.ControlCharacter, DestinationFields.Asset);
    }

    [Fact]
    public void Validate_HolderNameWithJoinerAndAstralLetters_Succeeds()
    {
        // ZWNJ is part of Persian spelling; 𠮷 is a supplementary-plane (surrogate pair) letter.
        var input = Dest.Iban("DE89370400440532013000") with { AccountHolderName = "می\u200Cخواهم 𠮷野" };

        Assert.Equal("می\u200Cخواهم 𠮷野", Dest.Ok(input).AccountHolderName);
    }

    [Theory]
    [InlineData(DestinationFields.Iban)]
    [InlineData(DestinationFields.AccountHolderName)]
    [InlineData(DestinationFields.Bic)]
    public void Validate_FieldLongerThan256_FailsTooLong(string field)
    {
        var longValue = new string('1', DestinationValidator.MaxFieldLength + 1);
        var input = Dest.Iban("DE89370400440532013000");
        input = field switch
        {
            DestinationFields.Iban => input with { Iban = longValue },
            DestinationFields.AccountHolderName => input with { AccountHolderName = longValue },
            _ => input with { Bic = longValue },
        };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.TooLong, field);
    }

    [Fact]
    public void Validate_CryptoAddressOfMegabyte_FailsTooLongWithoutDecoding()
    {
        var input = Dest.Crypto("bitcoin", "1" + new string('z', 1_000_000));

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.TooLong, DestinationFields.Address);
    }

    [Fact]
    public void Validate_BankAccountWithoutCountry_FailsMissingField()
    {
        var input = Dest.Iban("DE89370400440532013000") with { Country = null };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.MissingField, DestinationFields.Country);
    }

    [Theory]
    [InlineData("ZZ")]
    [InlineData("KOR")]
    [InlineData("D")]
    [InlineData("1A")]
    [InlineData("ＤＥ")] // full-width letters
    public void Validate_UnknownCountry_FailsCountry(string country)
    {
        Dest.AssertError(Dest.Fail(Dest.Card("4111111111111111") with { Country = country }), DestinationErrorCodes.Country, DestinationFields.Country);
    }

    [Fact]
    public void Validate_LowerCaseCountry_ReturnsUpperCaseCountry()
    {
        Assert.Equal("US", Dest.Ok(Dest.Card("4111111111111111") with { Country = " us " }).Country);
    }

    [Fact]
    public void Validate_WithoutHolderName_FailsMissingField()
    {
        var input = Dest.Card("4111111111111111") with { AccountHolderName = " " };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.MissingField, DestinationFields.AccountHolderName);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("- . -")]
    public void Validate_HolderNameWithoutLetters_FailsHolderName(string name)
    {
        var input = Dest.Card("4111111111111111") with { AccountHolderName = name };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.HolderName, DestinationFields.AccountHolderName);
    }

    [Fact]
    public void Validate_HolderNameOver140_FailsHolderName()
    {
        var input = Dest.Card("4111111111111111") with { AccountHolderName = new string('a', DestinationValidator.MaxHolderNameLength + 1) };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.HolderName, DestinationFields.AccountHolderName);
    }

    [Fact]
    public void Validate_HolderNameWithExtraSpaces_CollapsesWhiteSpace()
    {
        var input = Dest.Card("4111111111111111") with { AccountHolderName = "  Jane \u00A0  van   Doe " };

        Assert.Equal("Jane van Doe", Dest.Ok(input).AccountHolderName);
    }

    [Fact]
    public void Validate_CryptoWithoutCountryOrName_Succeeds()
    {
        var destination = Dest.Ok(Dest.Crypto("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));

        Assert.Null(destination.Country);
        Assert.Null(destination.AccountHolderName);
    }

    [Fact]
    public void Validate_CryptoWithBadOptionalCountry_FailsCountry()
    {
        var input = Dest.Crypto("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") with { Country = "XX" };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.Country, DestinationFields.Country);
    }

    [Theory]
    [InlineData("KR", DestinationFields.BankCode)]
    [InlineData("US", DestinationFields.RoutingNumber)]
    [InlineData("DE", DestinationFields.Iban)]
    public void Validate_BankAccountWithoutScheme_FailsMissingFieldForCountry(string country, string field)
    {
        var input = new DestinationInput { Kind = DestinationKind.BankAccount, Country = country, AccountHolderName = Dest.Holder, AccountNumber = "12345678901" };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.MissingField, field);
    }

    [Fact]
    public void Validate_IbanAndRoutingNumber_FailsConflictingFields()
    {
        var input = Dest.Iban("DE89370400440532013000") with { RoutingNumber = "021000021" };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.ConflictingFields, DestinationFields.RoutingNumber);
    }

    [Fact]
    public void Validate_BankCodeAndRoutingNumber_FailsConflictingFields()
    {
        var input = Dest.Kr("004", "12345678901") with { RoutingNumber = "021000021" };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.ConflictingFields, DestinationFields.RoutingNumber);
    }

    [Theory]
    [InlineData(DestinationKind.PrepaidCard, DestinationFields.Email)]
    [InlineData(DestinationKind.Crypto, DestinationFields.Iban)]
    [InlineData(DestinationKind.DigitalWallet, DestinationFields.CardNumber)]
    public void Validate_FieldOfAnotherKind_FailsUnexpectedField(DestinationKind kind, string strayField)
    {
        DestinationInput input = kind switch
        {
            DestinationKind.PrepaidCard => Dest.Card("4111111111111111") with { Email = "jane@example.com" },
            DestinationKind.Crypto => Dest.Crypto("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") with { Iban = "DE89370400440532013000" },
            _ => Dest.Email("jane@example.com") with { CardNumber = "4111111111111111" },
        };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.UnexpectedField, strayField);
    }

    [Fact]
    public void Fingerprint_SameIbanTypedDifferently_IsEqual()
    {
        var compact = Dest.Ok(Dest.Iban("DE89370400440532013000"));
        var spaced = Dest.Ok(Dest.Iban(" de89 3704 0044 0532 0130 00") with { AccountHolderName = "Someone Else" });

        Assert.Equal(compact.Fingerprint, spaced.Fingerprint);
    }

    [Fact]
    public void Fingerprint_SameEthereumAddressInAnyCase_IsEqual()
    {
        var mixed = Dest.Ok(Dest.Crypto("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        var lower = Dest.Ok(Dest.Crypto("eth", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));

        Assert.Equal(mixed.Fingerprint, lower.Fingerprint);
    }

    [Fact]
    public void Fingerprint_SameAccountNumberAtDifferentBanks_Differs()
    {
        var kookmin = Dest.Ok(Dest.Kr("004", "12345678901"));
        var shinhan = Dest.Ok(Dest.Kr("088", "12345678901"));

        Assert.NotEqual(kookmin.Fingerprint, shinhan.Fingerprint);
    }

    [Fact]
    public void Fingerprint_Iban_IsLowerHexSha256OfVersionKindSubTypeAndValue()
    {
        var destination = Dest.Ok(Dest.Iban("DE89370400440532013000"));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("v1|bank_account|iban||DE89370400440532013000")));

        Assert.Equal(expected, destination.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", destination.Fingerprint);
    }

    [Fact]
    public void KeyedFingerprint_DifferentKeys_GiveDifferentStableValues()
    {
        var destination = Dest.Ok(Dest.Card("4111111111111111"));
        byte[] keyA = [1, 2, 3, 4];
        byte[] keyB = [4, 3, 2, 1];

        Assert.Equal(destination.KeyedFingerprint(keyA), Dest.Ok(Dest.Card("4111-1111-1111-1111")).KeyedFingerprint(keyA));
        Assert.NotEqual(destination.KeyedFingerprint(keyA), destination.KeyedFingerprint(keyB));
        Assert.NotEqual(destination.Fingerprint, destination.KeyedFingerprint(keyA));
        Assert.Throws<ArgumentException>(() => destination.KeyedFingerprint([]));
    }

    public static TheoryData<DestinationInput, string> InvalidInputsWithSecrets => new()
    {
        { Dest.Iban("GB82WEST12345698765433"), "12345698765433" },
        { Dest.Kr("004", "123456789"), "123456789" },
        { Dest.Us("021000021", "12345X789"), "12345X789" },
        { Dest.Us("021000022", "123456789"), "021000022" },
        { Dest.Card("4111111111111112"), "4111111111111112" },
        { Dest.Phone("+1234567"), "1234567" },
        { Dest.Email("jane doe@example.com"), "jane doe" },
        { Dest.Crypto("ethereum", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), "5AAeb6053F3E94C9" },
    };

    [Theory]
    [MemberData(nameof(InvalidInputsWithSecrets))]
    public void Validate_InvalidValue_ErrorNeverEchoesValue(DestinationInput input, string secret)
    {
        var error = Dest.Fail(input);

        Assert.DoesNotContain(secret, error.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Dest.Holder, error.ToString(), StringComparison.Ordinal);
    }
}
