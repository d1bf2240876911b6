using SmallChange.Core.Common;

namespace SmallChange.Core.Destinations;

/// <summary>Stable machine-readable codes of destination validation failures. Never change a published value.</summary>
public static class DestinationErrorCodes
{
    public const string Kind = "destination.kind";
    public const string MissingField = "destination.missing_field";
    public const string UnexpectedField = "destination.unexpected_field";
    public const string ConflictingFields = "destination.conflicting_fields";
    public const string TooLong = "destination.too_long";
    public const string ControlCharacter = "destination.control_character";
    public const string Country = "destination.country";
    public const string CountryMismatch = "destination.country_mismatch";
    public const string HolderName = "destination.holder_name";

    public const string IbanFormat = "destination.iban_format";
    public const string IbanCountry = "destination.iban_country";
    public const string IbanLength = "destination.iban_length";
    public const string IbanChecksum = "destination.iban_checksum";
    public const string Bic = "destination.bic";

    public const string KrBankCode = "destination.kr_bank_code";
    public const string KrAccountShape = "destination.kr_account_shape";

    public const string RoutingFormat = "destination.routing_format";
    public const string RoutingChecksum = "destination.routing_checksum";
    public const string UsAccountShape = "destination.us_account_shape";

    public const string Email = "destination.email";
    public const string Phone = "destination.phone";

    public const string CardFormat = "destination.card_format";
    public const string CardLuhn = "destination.card_luhn";

    public const string Network = "destination.network";
    public const string Asset = "destination.asset";
    public const string BtcAddress = "destination.btc_address";
    public const string EthAddress = "destination.eth_address";
    public const string EthChecksum = "destination.eth_checksum";
    public const string TestnetAddress = "destination.testnet_address";
}

/// <summary>Field names carried in <see cref="Error.Field"/>; they match the JSON property names of the request.</summary>
public static class DestinationFields
{
    public const string Kind = "kind";
    public const string Country = "country";
    public const string AccountHolderName = "accountHolderName";
    public const string Iban = "iban";
    public const string Bic = "bic";
    public const string BankCode = "bankCode";
    public const string RoutingNumber = "routingNumber";
    public const string AccountNumber = "accountNumber";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string CardNumber = "cardNumber";
    public const string Network = "network";
    public const string Address = "address";
    public const string Asset = "asset";
}

/// <summary>Sub-types of a <see cref="ValidatedDestination"/>: which format the value was validated as.</summary>
public static class DestinationSubTypes
{
    public const string Iban = "iban";
    public const string KrAccount = "kr_account";
    public const string UsAch = "us_ach";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Card = "card";
    public const string BtcBech32 = "btc_bech32";
    public const string BtcBech32m = "btc_bech32m";
    public const string BtcBase58 = "btc_base58";
    public const string Eth = "eth";
}

/// <summary>Builds the errors. Messages are safe to show: they never echo the submitted value.</summary>
internal static class DestinationErrors
{
    internal static Error Missing(string field, string message) => new(DestinationErrorCodes.MissingField, message, field);

    internal static Error Missing(string field) => Missing(field, "This field is required for this kind of destination.");

    internal static Error Unexpected(string field) =>
        new(DestinationErrorCodes.UnexpectedField, "This field does not belong to this kind of destination.", field);

    internal static Error Conflicting(string field) =>
        new(DestinationErrorCodes.ConflictingFields, "Give exactly one account scheme; this field conflicts with another one given.", field);

    internal static Error TooLong(string field) =>
        new(DestinationErrorCodes.TooLong, $"The value is longer than {TextRules.MaxLength} characters.", field);

    internal static Error ControlCharacter(string field) =>
        new(DestinationErrorCodes.ControlCharacter, "The value contains control, formatting or invalid characters.", field);
}
