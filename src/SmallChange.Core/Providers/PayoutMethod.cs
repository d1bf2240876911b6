using System.Text.Json.Serialization;

namespace SmallChange.Core.Providers;

/// <summary>How a cash-out reaches the holder. Serialised by its snake_case name (e.g. <c>bank_transfer</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PayoutMethod>))]
public enum PayoutMethod
{
    [JsonStringEnumMemberName("bank_transfer")]
    BankTransfer,

    [JsonStringEnumMemberName("digital_wallet")]
    DigitalWallet,

    [JsonStringEnumMemberName("prepaid_card")]
    PrepaidCard,

    [JsonStringEnumMemberName("crypto")]
    Crypto,
}

/// <summary>The stable wire names of <see cref="PayoutMethod"/>.</summary>
public static class PayoutMethods
{
    /// <summary>Every method, in declaration order.</summary>
    public static IReadOnlyList<PayoutMethod> All { get; } =
        [PayoutMethod.BankTransfer, PayoutMethod.DigitalWallet, PayoutMethod.PrepaidCard, PayoutMethod.Crypto];

    /// <summary>The wire name: <c>bank_transfer</c>, <c>digital_wallet</c>, <c>prepaid_card</c>, <c>crypto</c>.</summary>
    public static string ToWireName(this PayoutMethod method) => method switch
    {
        PayoutMethod.BankTransfer => "bank_transfer",
        PayoutMethod.DigitalWallet => "digital_wallet",
        PayoutMethod.PrepaidCard => "prepaid_card",
        PayoutMethod.Crypto => "crypto",
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>Parses a wire name (exact, lower case); null when unknown.</summary>
    public static PayoutMethod? FromWireName(string? name) => name switch
    {
        "bank_transfer" => PayoutMethod.BankTransfer,
        "digital_wallet" => PayoutMethod.DigitalWallet,
        "prepaid_card" => PayoutMethod.PrepaidCard,
        "crypto" => PayoutMethod.Crypto,
        _ => null,
    };
}
