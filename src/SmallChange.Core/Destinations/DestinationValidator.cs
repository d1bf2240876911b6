using System.Text;
using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>
/// Pure format validation of payout destinations: no I/O, no clock. Every expected failure is an
/// <see cref="Error"/> whose code is one of <see cref="DestinationErrorCodes"/> and whose field is one
/// of <see cref="DestinationFields"/>; messages never echo the submitted value.
/// </summary>
public static class DestinationValidator
{
    /// <summary>Longest accepted holder name after white space is collapsed.</summary>
    public const int MaxHolderNameLength = 140;

    /// <summary>Longest value accepted in any field (UTF-16 code units).</summary>
    public const int MaxFieldLength = TextRules.MaxLength;

    private static readonly string[] UsAchCountries = ["US", "AS", "GU", "MP", "PR", "VI"];

    /// <summary>Validates and normalises a destination; Bitcoin testnet addresses are refused.</summary>
    public static Result<ValidatedDestination> Validate(DestinationInput input) => Validate(input, allowTestnet: false);

    /// <summary>Validates and normalises a destination; <paramref name="allowTestnet"/> admits Bitcoin testnet addresses (sandbox only).</summary>
    public static Result<ValidatedDestination> Validate(DestinationInput input, bool allowTestnet)
    {
        ArgumentNullException.ThrowIfNull(input);

        if (!Enum.IsDefined(input.Kind))
        {
            return new Error(DestinationErrorCodes.Kind, "Unknown destination kind.", DestinationFields.Kind);
        }

        foreach (var (field, value) in input.TextFields())
        {
            if (TextRules.CheckRaw(value, field) is { } hygiene)
            {
                return hygiene;
            }
        }

        return input.Kind switch
        {
            DestinationKind.BankAccount => ValidateBankAccount(input),
            DestinationKind.DigitalWallet => ValidateWallet(input),
            DestinationKind.PrepaidCard => ValidateCard(input),
            DestinationKind.Crypto => ValidateCrypto(input, allowTestnet),
            _ => throw new InvalidOperationException("Unreachable: kind checked above."),
        };
    }

    private static Result<ValidatedDestination> ValidateBankAccount(DestinationInput input)
    {
        var hasIban = TextRules.IsPresent(input.Iban);
        var hasKr = TextRules.IsPresent(input.BankCode);
        var hasUs = TextRules.IsPresent(input.RoutingNumber);

        if (hasIban && (hasKr || hasUs))
        {
            return DestinationErrors.Conflicting(hasKr ? DestinationFields.BankCode : DestinationFields.RoutingNumber);
        }

        if (hasKr && hasUs)
        {
            return DestinationErrors.Conflicting(DestinationFields.RoutingNumber);
        }

        if (hasIban)
        {
            return ValidateIban(input);
        }

        if (hasKr)
        {
            return ValidateKoreanAccount(input);
        }

        if (hasUs)
        {
            return ValidateUsAch(input);
        }

        var country = TextRules.IsPresent(input.Country) ? CountryCodes.Normalize(input.Country!) : null;
        return country switch
        {
            "KR" => DestinationErrors.Missing(DestinationFields.BankCode, "A Korean bank account needs the bank code."),
            "US" => DestinationErrors.Missing(DestinationFields.RoutingNumber, "A US bank account needs the routing number."),
            _ => DestinationErrors.Missing(DestinationFields.Iban, "A bank account needs an IBAN, or a Korean bank code or US routing number with the account number."),
        };
    }

    private static Result<ValidatedDestination> ValidateIban(DestinationInput input)
    {
        if (RejectOtherFields(input, DestinationFields.Iban, DestinationFields.Bic) is { } unexpected)
        {
            return unexpected;
        }

        if (!RequireParty(input).TryGet(out var party, out var partyError))
        {
            return partyError;
        }

        if (!Iban.Normalize(input.Iban!).TryGet(out var iban, out var ibanError))
        {
            return ibanError;
        }

        string? bic = null;
        if (TextRules.IsPresent(input.Bic) && !Iban.NormalizeBic(input.Bic!).TryGet(out bic, out var bicError))
        {
            return bicError;
        }

        if (!Iban.CountryMatches(iban[..2], party.Country))
        {
            return new Error(DestinationErrorCodes.CountryMismatch, "The country does not match the IBAN's country code.", DestinationFields.Country);
        }

        return new ValidatedDestination(DestinationKind.BankAccount, DestinationSubTypes.Iban, iban, institution: null, TextRules.MaskTail(iban))
        {
            Bic = bic,
            Country = party.Country,
            AccountHolderName = party.Holder,
        };
    }

    private static Result<ValidatedDestination> ValidateKoreanAccount(DestinationInput input)
    {
        if (RejectOtherFields(input, DestinationFields.BankCode, DestinationFields.AccountNumber) is { } unexpected)
        {
            return unexpected;
        }

        if (!TextRules.IsPresent(input.AccountNumber))
        {
            return DestinationErrors.Missing(DestinationFields.AccountNumber);
        }

        if (!RequireParty(input).TryGet(out var party, out var partyError))
        {
            return partyError;
        }

        if (!KoreanBankAccount.NormalizeBankCode(input.BankCode!).TryGet(out var bankCode, out var codeError))
        {
            return codeError;
        }

        if (!KoreanBankAccount.NormalizeAccountNumber(input.AccountNumber!).TryGet(out var account, out var accountError))
        {
            return accountError;
        }

        if (party.Country != "KR")
        {
            return new Error(DestinationErrorCodes.CountryMismatch, "A Korean domestic account is held in KR.", DestinationFields.Country);
        }

        KoreanBanks.TryGetName(bankCode, out var bankName);
        return new ValidatedDestination(DestinationKind.BankAccount, DestinationSubTypes.KrAccount, account, bankCode, TextRules.MaskTail(account))
        {
            InstitutionName = bankName,
            Country = party.Country,
            AccountHolderName = party.Holder,
        };
    }

    private static Result<ValidatedDestination> ValidateUsAch(DestinationInput input)
    {
        if (RejectOtherFields(input, DestinationFields.RoutingNumber, DestinationFields.AccountNumber) is { } unexpected)
        {
            return unexpected;
        }

        if (!TextRules.IsPresent(input.AccountNumber))
        {
            return DestinationErrors.Missing(DestinationFields.AccountNumber);
        }

        if (!RequireParty(input).TryGet(out var party, out var partyError))
        {
            return partyError;
        }

        if (!UsAchAccount.NormalizeRoutingNumber(input.RoutingNumber!).TryGet(out var routing, out var routingError))
        {
            return routingError;
        }

        if (!UsAchAccount.NormalizeAccountNumber(input.AccountNumber!).TryGet(out var account, out var accountError))
        {
            return accountError;
        }

        if (!UsAchCountries.Contains(party.Country))
        {
            return new Error(DestinationErrorCodes.CountryMismatch, "An ACH account is held in the United States or its territories.", DestinationFields.Country);
        }

        return new ValidatedDestination(DestinationKind.BankAccount, DestinationSubTypes.UsAch, account, routing, TextRules.MaskTail(account))
        {
            Country = party.Country,
            AccountHolderName = party.Holder,
        };
    }

    private static Result<ValidatedDestination> ValidateWallet(DestinationInput input)
    {
        var hasEmail = TextRules.IsPresent(input.Email);
        var hasPhone = TextRules.IsPresent(input.Phone);
        if (hasEmail && hasPhone)
        {
            return DestinationErrors.Conflicting(DestinationFields.Phone);
        }

        if (!hasEmail && !hasPhone)
        {
            return DestinationErrors.Missing(DestinationFields.Email, "A wallet needs an e-mail address or a phone number.");
        }

        if (RejectOtherFields(input, hasEmail ? DestinationFields.Email : DestinationFields.Phone) is { } unexpected)
        {
            return unexpected;
        }

        if (!RequireParty(input).TryGet(out var party, out var partyError))
        {
            return partyError;
        }

        ValidatedDestination destination;
        if (hasEmail)
        {
            if (!ContactHandle.NormalizeEmail(input.Email!).TryGet(out var email, out var emailError))
            {
                return emailError;
            }

            destination = new ValidatedDestination(DestinationKind.DigitalWallet, DestinationSubTypes.Email, email, institution: null, ContactHandle.MaskEmail(email))
            {
                Country = party.Country,
                AccountHolderName = party.Holder,
            };
        }
        else
        {
            if (!ContactHandle.NormalizePhone(input.Phone!).TryGet(out var phone, out var phoneError))
            {
                return phoneError;
            }

            destination = new ValidatedDestination(DestinationKind.DigitalWallet, DestinationSubTypes.Phone, phone, institution: null, TextRules.MaskTail(phone))
            {
                Country = party.Country,
                AccountHolderName = party.Holder,
            };
        }

        return destination;
    }

    private static Result<ValidatedDestination> ValidateCard(DestinationInput input)
    {
        if (!TextRules.IsPresent(input.CardNumber))
        {
            return DestinationErrors.Missing(DestinationFields.CardNumber);
        }

        if (RejectOtherFields(input, DestinationFields.CardNumber) is { } unexpected)
        {
            return unexpected;
        }

        if (!RequireParty(input).TryGet(out var party, out var partyError))
        {
            return partyError;
        }

        if (!PaymentCard.NormalizePan(input.CardNumber!).TryGet(out var pan, out var panError))
        {
            return panError;
        }

        return new ValidatedDestination(DestinationKind.PrepaidCard, DestinationSubTypes.Card, pan, institution: null, TextRules.MaskTail(pan))
        {
            Country = party.Country,
            AccountHolderName = party.Holder,
        };
    }

    private static Result<ValidatedDestination> ValidateCrypto(DestinationInput input, bool allowTestnet)
    {
        if (RejectOtherFields(input, DestinationFields.Network, DestinationFields.Address, DestinationFields.Asset) is { } unexpected)
        {
            return unexpected;
        }

        if (!TextRules.IsPresent(input.Network))
        {
            return DestinationErrors.Missing(DestinationFields.Network);
        }

        if (!TextRules.IsPresent(input.Address))
        {
            return DestinationErrors.Missing(DestinationFields.Address);
        }

        var network = CryptoNetworks.Normalize(input.Network!);
        if (network is null)
        {
            return new Error(DestinationErrorCodes.Network, "The network must be bitcoin (btc) or ethereum (eth).", DestinationFields.Network);
        }

        string? country = null;
        if (TextRules.IsPresent(input.Country) && !NormalizeCountry(input.Country!).TryGet(out country, out var countryError))
        {
            return countryError;
        }

        string? holder = null;
        if (TextRules.IsPresent(input.AccountHolderName) && !NormalizeHolderName(input.AccountHolderName!).TryGet(out holder, out var holderError))
        {
            return holderError;
        }

        var parsed = network == CryptoNetworks.Bitcoin ? BitcoinAddress.Parse(input.Address!) : EthereumAddress.Parse(input.Address!);
        if (!parsed.TryGet(out var address, out var addressError))
        {
            return addressError;
        }

        if (address.IsTestnet && !allowTestnet)
        {
            return new Error(DestinationErrorCodes.TestnetAddress, "This is a test-network address; it cannot receive real funds.", DestinationFields.Address);
        }

        if (!NormalizeAsset(input.Asset, network).TryGet(out var asset, out var assetError))
        {
            return assetError;
        }

        return new ValidatedDestination(DestinationKind.Crypto, address.SubType, address.Normalized, institution: null, TextRules.MaskTail(address.Normalized))
        {
            Network = network,
            Asset = asset,
            IsTestnet = address.IsTestnet,
            Country = country,
            AccountHolderName = holder,
        };
    }

    /// <summary>The native asset when none is given; Bitcoin carries only BTC; an Ethereum token symbol is 2–10 letters or digits, not BTC.</summary>
    private static Result<string> NormalizeAsset(string? raw, string network)
    {
        var native = network == CryptoNetworks.Bitcoin ? "BTC" : "ETH";
        if (!TextRules.IsPresent(raw))
        {
            return native;
        }

        var trimmed = raw!.Trim();
        if (trimmed.Length is < 2 or > 10 || !TextRules.IsAsciiLettersOrDigits(trimmed))
        {
            return new Error(DestinationErrorCodes.Asset, "An asset symbol has 2 to 10 letters or digits.", DestinationFields.Asset);
        }

        var asset = trimmed.ToUpperInvariant();
        var fits = network == CryptoNetworks.Bitcoin ? asset == "BTC" : asset != "BTC";
        return fits ? asset : new Error(DestinationErrorCodes.Asset, "This asset cannot be sent on this network.", DestinationFields.Asset);
    }

    private static Result<(string Country, string Holder)> RequireParty(DestinationInput input)
    {
        if (!TextRules.IsPresent(input.Country))
        {
            return DestinationErrors.Missing(DestinationFields.Country);
        }

        if (!NormalizeCountry(input.Country!).TryGet(out var country, out var countryError))
        {
            return countryError;
        }

        if (!TextRules.IsPresent(input.AccountHolderName))
        {
            return DestinationErrors.Missing(DestinationFields.AccountHolderName);
        }

        if (!NormalizeHolderName(input.AccountHolderName!).TryGet(out var holder, out var holderError))
        {
            return holderError;
        }

        return (country, holder);
    }

    private static Result<string> NormalizeCountry(string raw) =>
        CountryCodes.Normalize(raw) is { } country
            ? country
            : new Error(DestinationErrorCodes.Country, "The country must be an ISO 3166-1 alpha-2 code such as DE or KR.", DestinationFields.Country);

    /// <summary>Trims and collapses runs of white space; at most 140 characters and at least one letter.</summary>
    private static Result<string> NormalizeHolderName(string raw)
    {
        var builder = new StringBuilder(raw.Length);
        var pendingSpace = false;
        foreach (var c in raw.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        var name = builder.ToString();
        if (name.Length > MaxHolderNameLength || !name.Any(char.IsLetter))
        {
            return new Error(DestinationErrorCodes.HolderName, $"The account holder's name must contain letters and be at most {MaxHolderNameLength} characters.", DestinationFields.AccountHolderName);
        }

        return name;
    }

    /// <summary>Refuses any field outside the chosen scheme, so nothing given is silently dropped.</summary>
    private static Error? RejectOtherFields(DestinationInput input, params string[] schemeFields)
    {
        foreach (var (field, value) in input.TextFields())
        {
            if (field is DestinationFields.Country or DestinationFields.AccountHolderName || schemeFields.Contains(field))
            {
                continue;
            }

            if (TextRules.IsPresent(value))
            {
                return DestinationErrors.Unexpected(field);
            }
        }

        return null;
    }
}
