using SmallChange.Core.Common;
using SmallChange.Core.Money;

namespace SmallChange.Core.Ledger;

/// <summary>The phase of a transfer. Stored as its integer value: never renumber.</summary>
public enum TransferKind
{
    /// <summary>Posted immediately.</summary>
    Single = 0,

    /// <summary>A hold: reserves funds until posted, voided or expired.</summary>
    Pending = 1,

    /// <summary>Posts a pending transfer (all of it or less; the rest is released).</summary>
    PostPending = 2,

    /// <summary>Voids a pending transfer, releasing the funds.</summary>
    VoidPending = 3,
}

/// <summary>Why money moved. Stable strings stored with each transfer.</summary>
public static class ReasonCodes
{
    public const string Credit = "credit";
    public const string CashoutHold = "cashout_hold";
    public const string CashoutPost = "cashout_post";
    public const string CashoutVoid = "cashout_void";
    public const string CashoutFee = "cashout_fee";
    public const string CashoutReturn = "cashout_return";
    public const string HoldExpired = "hold_expired";
    public const string Reversal = "reversal";
    public const string Correction = "correction";

    private static readonly HashSet<string> Known =
    [
        Credit, CashoutHold, CashoutPost, CashoutVoid, CashoutFee, CashoutReturn, HoldExpired, Reversal, Correction,
    ];

    public static bool IsKnown(string code) => Known.Contains(code);
}

/// <summary>
/// An immutable, committed movement between two accounts of the same currency. Never updated or deleted;
/// a correction is a reversing transfer (<see cref="Reverses"/>).
/// </summary>
public sealed record Transfer(
    TransferId Id,
    AccountId DebitAccount,
    AccountId CreditAccount,
    long Amount,
    Currency Currency,
    TransferKind Kind,
    TransferId? PendingId,
    DateTimeOffset? Timeout,
    string Reason,
    TransferId? Reverses,
    Guid? Reference,
    long Sequence,
    DateTimeOffset CreatedAt)
{
    public Money.Money Money => new(Amount, Currency);
}

/// <summary>
/// What a client asks the ledger to do. The id is client-supplied: a retry with the same id and content
/// returns the original transfer; the same id with other content is a conflict.
/// For <see cref="TransferKind.PostPending"/> and <see cref="TransferKind.VoidPending"/> accounts are taken
/// from the pending transfer and may be left default; <see cref="Amount"/> 0 means "the full pending amount".
/// </summary>
public sealed record TransferRequest(
    TransferId Id,
    TransferKind Kind,
    AccountId DebitAccount,
    AccountId CreditAccount,
    long Amount,
    string Reason,
    TransferId? PendingId = null,
    TimeSpan? Timeout = null,
    TransferId? Reverses = null,
    Guid? Reference = null)
{
    public static TransferRequest Single(TransferId id, AccountId debit, AccountId credit, long amount, string reason, Guid? reference = null) =>
        new(id, TransferKind.Single, debit, credit, amount, reason, Reference: reference);

    public static TransferRequest Hold(TransferId id, AccountId debit, AccountId credit, long amount, string reason, TimeSpan timeout, Guid? reference = null) =>
        new(id, TransferKind.Pending, debit, credit, amount, reason, Timeout: timeout, Reference: reference);

    public static TransferRequest Post(TransferId id, TransferId pending, string reason, long amount = 0, Guid? reference = null) =>
        new(id, TransferKind.PostPending, default, default, amount, reason, PendingId: pending, Reference: reference);

    public static TransferRequest Void(TransferId id, TransferId pending, string reason, Guid? reference = null) =>
        new(id, TransferKind.VoidPending, default, default, 0, reason, PendingId: pending, Reference: reference);

    /// <summary>A reversing transfer: the same amount back from the original credit account to its debit account.</summary>
    public static TransferRequest Reversal(TransferId id, Transfer original, string reason, Guid? reference = null) =>
        new(id, TransferKind.Single, original.CreditAccount, original.DebitAccount, original.Amount, reason, Reverses: original.Id, Reference: reference);
}

/// <summary>The outcome of one transfer request. Outcomes are values; exceptions are bugs.</summary>
public enum TransferStatus
{
    Created = 0,

    /// <summary>A replay: a transfer with this id and the same content exists; <see cref="TransferResult.Transfer"/> is the original.</summary>
    Exists,

    /// <summary>A transfer with this id exists with different content. Nothing was written.</summary>
    ExistsWithDifferentContent,
    AmountMustBePositive,
    AccountsMustBeDifferent,
    AccountNotFound,
    CurrencyMismatch,
    InsufficientFunds,
    ReasonUnknown,
    PendingNotFound,
    PendingNotPending,
    PendingAlreadyPosted,
    PendingAlreadyVoided,
    PendingExpired,
    AmountExceedsPending,
    TimeoutRequired,
    ReversalTargetNotFound,
    ReversalMismatch,
    AlreadyReversed,

    /// <summary>In a linked batch, another item failed, so this one was not applied.</summary>
    LinkedEventFailed,
}

public readonly record struct TransferResult(TransferStatus Status, Transfer? Transfer)
{
    public bool Succeeded => Status is TransferStatus.Created or TransferStatus.Exists;
}
