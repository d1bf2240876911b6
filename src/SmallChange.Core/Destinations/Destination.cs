using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;

namespace SmallChange.Core.Destinations;

/// <summary>
/// A holder's stored payout destination. <see cref="Value"/>, <see cref="AccountHolderName"/> and
/// <see cref="Institution"/> are personal data: <see cref="ToString"/> shows only the masked form.
/// </summary>
public sealed record Destination(
    DestinationId Id,
    HolderId Holder,
    DestinationKind Kind,
    string SubType,
    string Country,
    Currency Currency,
    string Masked,
    string Fingerprint,
    string Value,
    string? Institution,
    string? AccountHolderName,
    string? Network,
    string? Asset,
    DateTimeOffset CreatedAt)
{
    /// <summary>The payout method that serves this kind of destination.</summary>
    public PayoutMethod Method => Kind switch
    {
        DestinationKind.BankAccount => PayoutMethod.BankTransfer,
        DestinationKind.DigitalWallet => PayoutMethod.DigitalWallet,
        DestinationKind.PrepaidCard => PayoutMethod.PrepaidCard,
        _ => PayoutMethod.Crypto,
    };

    public override string ToString() => $"Destination {{ Id = {Id}, Kind = {Kind}, {Masked} }}";

    public static Destination From(DestinationId id, HolderId holder, ValidatedDestination v, string country, Currency currency, DateTimeOffset now) =>
        new(id, holder, v.Kind, v.SubType, country, currency, v.Masked, v.Fingerprint, v.NormalizedValue, v.Institution, v.AccountHolderName, v.Network, v.Asset, now);

    /// <summary>The usual payout currency of a country, when the client does not name one.</summary>
    public static Currency? DefaultCurrency(string country) => country switch
    {
        "KR" => Currencies.KRW,
        "US" or "PR" or "GU" or "VI" or "AS" or "MP" => Currencies.USD,
        "JP" => Currencies.JPY,
        "GB" or "IM" or "JE" or "GG" => Currencies.GBP,
        "PH" => Currencies.PHP,
        "AT" or "BE" or "CY" or "DE" or "EE" or "ES" or "FI" or "FR" or "GR" or "HR" or "IE" or "IT" or "LT" or "LU" or "LV" or "MT" or "NL" or "PT" or "SI" or "SK" => Currencies.EUR,
        _ => null,
    };
}
