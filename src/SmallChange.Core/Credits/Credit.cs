using SmallChange.Core.Common;

namespace SmallChange.Core.Credits;

/// <summary>
/// A credit as stored: one per (source, source reference). The source reference is the source's own id for
/// the payment and makes the credit idempotent.
/// </summary>
public sealed record Credit(
    SourceId Source,
    string SourceRef,
    HolderId Holder,
    Money.Money Amount,
    DateTimeOffset OccurredAt,
    TransferId TransferId,
    DateTimeOffset CreatedAt);

/// <summary>A credit validated and resolved to accounts, ready to be written.</summary>
public sealed record CreditRow(
    SourceId Source,
    string SourceRef,
    HolderId Holder,
    Money.Money Amount,
    DateTimeOffset OccurredAt,
    AccountId WalletAccount,
    AccountId SettlementAccount,
    TransferId TransferId,
    bool OccurredAtGiven = true);

public enum CreditWriteStatus
{
    Created,

    /// <summary>Same source reference and same content: the original credit is returned.</summary>
    Exists,

    /// <summary>Same source reference, other content: nothing written.</summary>
    Conflict,

    /// <summary>Part of a linked batch in which another item failed: nothing written.</summary>
    LinkedEventFailed,
}

public readonly record struct CreditWriteResult(CreditWriteStatus Status, Credit? Credit);
