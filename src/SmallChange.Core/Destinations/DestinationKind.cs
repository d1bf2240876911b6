namespace SmallChange.Core.Destinations;

/// <summary>Where a cash-out can be paid.</summary>
public enum DestinationKind
{
    /// <summary>A bank account: IBAN, Korean domestic (bank code + account) or US ACH (routing + account).</summary>
    BankAccount,

    /// <summary>A wallet addressed by a provider-independent handle: an e-mail address or an E.164 phone number.</summary>
    DigitalWallet,

    /// <summary>A prepaid card addressed by its PAN.</summary>
    PrepaidCard,

    /// <summary>A Bitcoin or Ethereum address.</summary>
    Crypto,
}
