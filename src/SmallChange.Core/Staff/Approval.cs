using SmallChange.Core.Common;

namespace SmallChange.Core.Staff;

public readonly record struct ApprovalId(Guid Value)
{
    public static ApprovalId New() => new(Uuid7.New());

    public override string ToString() => Value.ToString();
}

/// <summary>What a four-eyes request asks for. Stored by its snake_case name.</summary>
public enum ApprovalKind
{
    /// <summary>Release a case's held cash-outs, one of which is above the threshold. Subject: the case id.</summary>
    CashoutRelease,

    /// <summary>Replace a provider's fee schedule for one method. Subject: <c>provider/method</c>.</summary>
    FeeSchedule,
}

/// <summary>A request is pending until a second person approves or rejects it, or it is cancelled (the case was decided otherwise).</summary>
public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
    Cancelled,
}

public static class ApprovalWire
{
    public static string ToWire(this ApprovalKind k) => k switch
    {
        ApprovalKind.CashoutRelease => "cashout_release",
        ApprovalKind.FeeSchedule => "fee_schedule",
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };

    public static ApprovalKind? KindFromWire(string? s) => s switch
    {
        "cashout_release" => ApprovalKind.CashoutRelease,
        "fee_schedule" => ApprovalKind.FeeSchedule,
        _ => null,
    };

    public static string ToWire(this ApprovalStatus s) => s switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Rejected => "rejected",
        ApprovalStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static ApprovalStatus? StatusFromWire(string? s) => s switch
    {
        "pending" => ApprovalStatus.Pending,
        "approved" => ApprovalStatus.Approved,
        "rejected" => ApprovalStatus.Rejected,
        "cancelled" => ApprovalStatus.Cancelled,
        _ => null,
    };
}

/// <summary>
/// A four-eyes request: who asked for what and why, and who decided it, when. At most one request per kind and subject
/// is pending (a unique index); deciding it is a conditional update from pending, so two approvers racing each other
/// produce one decision. The requester can never approve their own request (compared on the principal).
/// </summary>
/// <param name="Payload">What exactly is approved: for a fee schedule, the new fees as JSON (the providers.json form).</param>
/// <param name="Summary">One line for lists: amounts above the threshold, or the fee change.</param>
public sealed record Approval(
    ApprovalId Id,
    ApprovalKind Kind,
    string Subject,
    string Payload,
    string Summary,
    string RequestedBy,
    string RequestedByDisplay,
    string Reason,
    DateTimeOffset RequestedAt,
    ApprovalStatus Status,
    string? DecidedBy,
    string? DecidedByDisplay,
    string? DecisionNote,
    DateTimeOffset? DecidedAt)
{
    public override string ToString() => $"Approval {{ {Id} {Kind.ToWire()} {Subject} {Status.ToWire()} }}";
}

/// <summary>An approved fee schedule that replaces the configured one of a provider's offering, on every node.</summary>
/// <param name="Version">1, 2, 3 … in the order of approval (across all providers).</param>
/// <param name="FeesJson">The fees in the providers.json form.</param>
public sealed record FeeOverride(long Version, string ProviderId, Providers.PayoutMethod Method, string FeesJson, ApprovalId Approval, DateTimeOffset EffectiveAt);
