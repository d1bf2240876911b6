using System.Security.Cryptography;
using System.Text;

namespace SmallChange.Core.Destinations;

/// <summary>
/// A destination whose format has been checked, in canonical form. Only <see cref="DestinationValidator"/>
/// creates one. Carries account numbers and names, so <see cref="ToString"/> shows only kind, sub-type
/// and <see cref="Masked"/>.
/// </summary>
public sealed class ValidatedDestination
{
    private string? _fingerprint;

    internal ValidatedDestination(DestinationKind kind, string subType, string normalizedValue, string? institution, string masked)
    {
        Kind = kind;
        SubType = subType;
        NormalizedValue = normalizedValue;
        Institution = institution;
        Masked = masked;
    }

    public DestinationKind Kind { get; }

    /// <summary>The format validated; one of <see cref="DestinationSubTypes"/>.</summary>
    public string SubType { get; }

    /// <summary>
    /// The account identifier in canonical form: IBAN without spaces in upper case; domestic account
    /// digits; lower-case e-mail; <c>+</c> and phone digits; PAN digits; lower-case Bech32 or Base58
    /// as given; EIP-55 checksummed Ethereum address.
    /// </summary>
    public string NormalizedValue { get; }

    /// <summary>The institution that, with <see cref="NormalizedValue"/>, identifies the account: Korean bank code or US routing number; otherwise null.</summary>
    public string? Institution { get; }

    /// <summary>Display name of <see cref="Institution"/> where known (Korean banks).</summary>
    public string? InstitutionName { get; internal init; }

    /// <summary>The BIC given with an IBAN, upper case.</summary>
    public string? Bic { get; internal init; }

    /// <summary>ISO 3166-1 alpha-2, upper case; null only for crypto given without a country.</summary>
    public string? Country { get; internal init; }

    /// <summary>Trimmed, runs of white space collapsed; null only for crypto given without a name.</summary>
    public string? AccountHolderName { get; internal init; }

    /// <summary><see cref="CryptoNetworks.Bitcoin"/> or <see cref="CryptoNetworks.Ethereum"/> for crypto; otherwise null.</summary>
    public string? Network { get; internal init; }

    /// <summary>Upper-case asset symbol for crypto (the network's native asset unless another was asked for).</summary>
    public string? Asset { get; internal init; }

    /// <summary>True for a Bitcoin testnet address (HRP <c>tb</c>, Base58 versions 0x6f/0xc4).</summary>
    public bool IsTestnet { get; internal init; }

    /// <summary>Safe to display: <c>•••• 1234</c> (last four characters), or <c>j•••@example.com</c> for e-mail.</summary>
    public string Masked { get; }

    /// <summary>
    /// Lower-case hex SHA-256 of <c>v1|kind|sub-type|institution|value</c>: equal for the same account
    /// however it was typed, for spotting one destination shared by many holders. It is unkeyed, so for
    /// small value spaces (card numbers, phone numbers) it can be reversed by enumeration: persist
    /// <see cref="KeyedFingerprint"/> instead wherever it could leak.
    /// </summary>
    public string Fingerprint => _fingerprint ??= Convert.ToHexStringLower(SHA256.HashData(FingerprintMaterial()));

    /// <summary>Lower-case hex HMAC-SHA-256 of the same material as <see cref="Fingerprint"/> under a secret key.</summary>
    public string KeyedFingerprint(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("The fingerprint key must not be empty.", nameof(key));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, FingerprintMaterial()));
    }

    public override string ToString() => $"ValidatedDestination {{ Kind = {Kind}, SubType = {SubType}, Masked = {Masked} }}";

    /// <summary>
    /// <see cref="Fingerprint"/> of a stored destination from its parts (kind, sub-type, institution and canonical value):
    /// the store keeps only a keyed form of it and computes this again when it reads a destination.
    /// </summary>
    public static string FingerprintOf(DestinationKind kind, string subType, string? institution, string normalizedValue) =>
        Convert.ToHexStringLower(SHA256.HashData(FingerprintMaterial(kind, subType, institution, normalizedValue)));

    private byte[] FingerprintMaterial() => FingerprintMaterial(Kind, SubType, Institution, NormalizedValue);

    private static byte[] FingerprintMaterial(DestinationKind kind, string subType, string? institution, string normalizedValue)
    {
        var k = kind switch
        {
            DestinationKind.BankAccount => "bank_account",
            DestinationKind.DigitalWallet => "digital_wallet",
            DestinationKind.PrepaidCard => "prepaid_card",
            DestinationKind.Crypto => "crypto",
            _ => throw new InvalidOperationException("Unknown destination kind."),
        };
        return Encoding.UTF8.GetBytes($"v1|{k}|{subType}|{institution}|{normalizedValue}");
    }
}
