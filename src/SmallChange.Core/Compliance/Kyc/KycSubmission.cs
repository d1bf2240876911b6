using SmallChange.Core.Common;

namespace SmallChange.Core.Compliance.Kyc;

/// <summary>A KYC submission; time-ordered (UUIDv7), so the review queue is first come, first served by id.</summary>
public readonly record struct KycSubmissionId(Guid Value)
{
    public static KycSubmissionId New() => new(Uuid7.New());

    public override string ToString() => Value.ToString();
}

/// <summary>Where a submission stands. Stored by its lower-case name.</summary>
public enum KycStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>An officer's or a verifier's decision on a submission.</summary>
public enum KycDecision
{
    Approve,
    Reject,
}

/// <summary>What happened in a holder's KYC history. Stored by its snake_case name.</summary>
public enum KycAction
{
    /// <summary>Identity data submitted for a target tier.</summary>
    Submitted,

    /// <summary>The verifier looked at the submission and left it for an officer (the manual queue always does).</summary>
    Referred,

    Approved,

    Rejected,

    /// <summary>The holder's tier changed: by an approval, or set directly by the operator.</summary>
    TierChanged,
}

public static class KycWire
{
    public static string ToWire(this KycStatus s) => s switch
    {
        KycStatus.Pending => "pending",
        KycStatus.Approved => "approved",
        KycStatus.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static KycStatus? StatusFromWire(string? s) => s switch
    {
        "pending" => KycStatus.Pending,
        "approved" => KycStatus.Approved,
        "rejected" => KycStatus.Rejected,
        _ => null,
    };

    public static string ToWire(this KycAction a) => a switch
    {
        KycAction.Submitted => "submitted",
        KycAction.Referred => "referred",
        KycAction.Approved => "approved",
        KycAction.Rejected => "rejected",
        KycAction.TierChanged => "tier_changed",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static KycAction? ActionFromWire(string? s) => s switch
    {
        "submitted" => KycAction.Submitted,
        "referred" => KycAction.Referred,
        "approved" => KycAction.Approved,
        "rejected" => KycAction.Rejected,
        "tier_changed" => KycAction.TierChanged,
        _ => null,
    };

    public static KycDecision? DecisionFromWire(string? s) => s switch
    {
        "approve" => KycDecision.Approve,
        "reject" => KycDecision.Reject,
        _ => null,
    };
}

/// <summary>
/// A holder's identity data submitted for a target tier, and how it was decided. <see cref="Verifier"/> names the
/// <see cref="Ports.IIdentityVerifier"/> it went to (<c>manual</c>: the officers' queue). Carries personal data:
/// <see cref="ToString"/> redacts (the identity's own ToString does too).
/// </summary>
/// <param name="SubmittedBy">Who submitted it (an actor such as <c>api-key:KEYID</c>).</param>
/// <param name="DecidedBy">Who decided (<c>api-key:KEYID</c>, <c>cli:NAME</c> or <c>verifier:NAME</c>); null while pending.</param>
/// <param name="DecisionReason">Why, in the decider's words; null while pending.</param>
public sealed record KycSubmission(
    KycSubmissionId Id,
    HolderId Holder,
    int TargetTier,
    IdentityData Identity,
    KycStatus Status,
    string Verifier,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason)
{
    public override string ToString() =>
        $"KycSubmission {{ Id = {Id}, Holder = {Holder}, TargetTier = {TargetTier}, Status = {Status}, Verifier = {Verifier}, Identity = [redacted] }}";
}

/// <summary>
/// One step of a holder's KYC history: who (<see cref="Actor"/>), when (<see cref="At"/>), why (<see cref="Reason"/>),
/// and for tier changes the tiers before and after. Append-only; numbered per holder from 1.
/// </summary>
public sealed record KycEvent(
    HolderId Holder,
    int Sequence,
    KycSubmissionId? Submission,
    KycAction Action,
    string Actor,
    string? Reason,
    int? TierFrom,
    int? TierTo,
    DateTimeOffset At);
