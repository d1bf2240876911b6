namespace SmallChange.Core.Destinations;

/// <summary>
/// A destination as the holder typed it, before validation. Only the fields of one scheme are given:
/// <list type="bullet">
/// <item><see cref="DestinationKind.BankAccount"/>: <see cref="Iban"/> (+ optional <see cref="Bic"/>), or
/// <see cref="BankCode"/> + <see cref="AccountNumber"/> (Korea), or <see cref="RoutingNumber"/> + <see cref="AccountNumber"/> (US ACH).</item>
/// <item><see cref="DestinationKind.DigitalWallet"/>: <see cref="Email"/> or <see cref="Phone"/>.</item>
/// <item><see cref="DestinationKind.PrepaidCard"/>: <see cref="CardNumber"/>.</item>
/// <item><see cref="DestinationKind.Crypto"/>: <see cref="Network"/>, <see cref="Address"/>, optional <see cref="Asset"/>.</item>
/// </list>
/// Blank strings count as absent. Carries account numbers and names, so <see cref="ToString"/> shows only the kind.
/// </summary>
public sealed record DestinationInput
{
    public required DestinationKind Kind { get; init; }

    /// <summary>ISO 3166-1 alpha-2 code of the country where the account is held; required except for crypto.</summary>
    public string? Country { get; init; }

    /// <summary>The name on the account; required except for crypto.</summary>
    public string? AccountHolderName { get; init; }

    public string? Iban { get; init; }

    public string? Bic { get; init; }

    /// <summary>Korean three-digit bank code (e.g. <c>004</c>).</summary>
    public string? BankCode { get; init; }

    /// <summary>ABA routing transit number (nine digits).</summary>
    public string? RoutingNumber { get; init; }

    /// <summary>Domestic account number, with <see cref="BankCode"/> or <see cref="RoutingNumber"/>.</summary>
    public string? AccountNumber { get; init; }

    public string? Email { get; init; }

    /// <summary>E.164: <c>+</c> then the country code and number.</summary>
    public string? Phone { get; init; }

    /// <summary>The card PAN; spaces and hyphens are allowed.</summary>
    public string? CardNumber { get; init; }

    /// <summary><c>bitcoin</c> (or <c>btc</c>) or <c>ethereum</c> (or <c>eth</c>).</summary>
    public string? Network { get; init; }

    public string? Address { get; init; }

    /// <summary>The asset to send (BTC, ETH, USDC …); defaults to the network's native asset.</summary>
    public string? Asset { get; init; }

    public override string ToString() => $"DestinationInput {{ Kind = {Kind} }}";

    /// <summary>Every free-text field with its name, in a fixed order, for the checks that apply to all of them.</summary>
    internal IEnumerable<(string Field, string? Value)> TextFields()
    {
        yield return (DestinationFields.Country, Country);
        yield return (DestinationFields.AccountHolderName, AccountHolderName);
        yield return (DestinationFields.Iban, Iban);
        yield return (DestinationFields.Bic, Bic);
        yield return (DestinationFields.BankCode, BankCode);
        yield return (DestinationFields.RoutingNumber, RoutingNumber);
        yield return (DestinationFields.AccountNumber, AccountNumber);
        yield return (DestinationFields.Email, Email);
        yield return (DestinationFields.Phone, Phone);
        yield return (DestinationFields.CardNumber, CardNumber);
        yield return (DestinationFields.Network, Network);
        yield return (DestinationFields.Address, Address);
        yield return (DestinationFields.Asset, Asset);
    }
}
