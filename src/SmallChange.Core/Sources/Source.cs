using SmallChange.Core.Common;
using SmallChange.Core.Money;

namespace SmallChange.Core.Sources;

/// <summary>What kind of balance a source credits. Stored by its snake_case name.</summary>
public enum SourceType
{
    CarrierRefund,
    CreatorEarnings,
    GiftCardCredit,
    EWallet,
    Other,
}

/// <summary>A registered source of credits (a carrier, creator platform, gift-card issuer or e-wallet).</summary>
public sealed record Source(SourceId Id, string Name, SourceType Type, IReadOnlyList<Currency> Currencies, DateTimeOffset CreatedAt)
{
    public bool Accepts(Currency currency) => Currencies.Contains(currency);
}

public static class SourceTypes
{
    public static string ToWire(SourceType t) => t switch
    {
        SourceType.CarrierRefund => "carrier_refund",
        SourceType.CreatorEarnings => "creator_earnings",
        SourceType.GiftCardCredit => "gift_card_credit",
        SourceType.EWallet => "e_wallet",
        _ => "other",
    };

    public static SourceType? FromWire(string? s) => s switch
    {
        "carrier_refund" => SourceType.CarrierRefund,
        "creator_earnings" => SourceType.CreatorEarnings,
        "gift_card_credit" => SourceType.GiftCardCredit,
        "e_wallet" => SourceType.EWallet,
        "other" => SourceType.Other,
        _ => null,
    };
}
