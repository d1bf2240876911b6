using SmallChange.Core.Common;
using SmallChange.Core.Destinations;

namespace SmallChange.Core.Tests.Destinations;

/// <summary>Builders for destination inputs and assertions on validation results.</summary>
internal static class Dest
{
    internal const string Holder = "Jane Doe";

    internal static DestinationInput Iban(string iban, string? country = null, string? bic = null) => new()
    {
        Kind = DestinationKind.BankAccount,
        Country = country ?? CountryOf(iban),
        AccountHolderName = Holder,
        Iban = iban,
        Bic = bic,
    };

    internal static DestinationInput Kr(string bankCode, string accountNumber, string country = "KR") => new()
    {
        Kind = DestinationKind.BankAccount,
        Country = country,
        AccountHolderName = Holder,
        BankCode = bankCode,
        AccountNumber = accountNumber,
    };

    internal static DestinationInput Us(string routingNumber, string accountNumber, string country = "US") => new()
    {
        Kind = DestinationKind.BankAccount,
        Country = country,
        AccountHolderName = Holder,
        RoutingNumber = routingNumber,
        AccountNumber = accountNumber,
    };

    internal static DestinationInput Email(string email) => new()
    {
        Kind = DestinationKind.DigitalWallet,
        Country = "KR",
        AccountHolderName = Holder,
        Email = email,
    };

    internal static DestinationInput Phone(string phone) => new()
    {
        Kind = DestinationKind.DigitalWallet,
        Country = "KR",
        AccountHolderName = Holder,
        Phone = phone,
    };

    internal static DestinationInput Card(string cardNumber) => new()
    {
        Kind = DestinationKind.PrepaidCard,
        Country = "US",
        AccountHolderName = Holder,
        CardNumber = cardNumber,
    };

    internal static DestinationInput Crypto(string network, string address, string? asset = null) => new()
    {
        Kind = DestinationKind.Crypto,
        Network = network,
        Address = address,
        Asset = asset,
    };

    internal static ValidatedDestination Ok(DestinationInput input, bool allowTestnet = false)
    {
        var result = DestinationValidator.Validate(input, allowTestnet);
        Assert.True(result.IsOk, result.Error?.ToString());
        return result.Value;
    }

    internal static Error Fail(DestinationInput input, bool allowTestnet = false)
    {
        var result = DestinationValidator.Validate(input, allowTestnet);
        Assert.False(result.IsOk, "expected a validation error");
        return result.Error!;
    }

    internal static void AssertError(Error error, string code, string field)
    {
        Assert.Equal(code, error.Code);
        Assert.Equal(field, error.Field);
    }

    private static string CountryOf(string iban)
    {
        var trimmed = iban.Trim();
        return trimmed.Length >= 2 && char.IsAsciiLetter(trimmed[0]) && char.IsAsciiLetter(trimmed[1])
            ? trimmed[..2].ToUpperInvariant()
            : "DE";
    }
}
