using SmallChange.Core.Common;

namespace SmallChange.Core.Compliance.Cases;

/// <summary>A case is open until an officer decides it. Stored by its snake_case name.</summary>
public enum CaseStatus
{
    Open,
    Closed,
}

/// <summary>
/// An officer's decision on a case: <see cref="Release"/> sends the held cash-outs on; <see cref="Reject"/> refuses them
/// and returns the held funds; <see cref="FileReport"/> files a suspicious activity report and refuses them too.
/// </summary>
public enum CaseDecision
{
    Release,
    Reject,
    FileReport,
}

/// <summary>Everything that happens to a case, in the audit trail. Stored by its snake_case name.</summary>
public enum CaseAction
{
    Opened,
    AlertAdded,
    Assigned,
    Noted,
    Decided,
    CashoutReleased,
    CashoutRejected,
    ReportFiled,
}

public static class CaseWire
{
    public static string ToWire(this CaseStatus s) => s == CaseStatus.Open ? "open" : "closed";

    public static CaseStatus? StatusFromWire(string? s) => s switch
    {
        "open" => CaseStatus.Open,
        "closed" => CaseStatus.Closed,
        _ => null,
    };

    public static string ToWire(this CaseDecision d) => d switch
    {
        CaseDecision.Release => "release",
        CaseDecision.Reject => "reject",
        CaseDecision.FileReport => "file_report",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    public static CaseDecision? DecisionFromWire(string? s) => s switch
    {
        "release" => CaseDecision.Release,
        "reject" => CaseDecision.Reject,
        "file_report" => CaseDecision.FileReport,
        _ => null,
    };

    public static string ToWire(this CaseAction a) => a switch
    {
        CaseAction.Opened => "opened",
        CaseAction.AlertAdded => "alert_added",
        CaseAction.Assigned => "assigned",
        CaseAction.Noted => "noted",
        CaseAction.Decided => "decided",
        CaseAction.CashoutReleased => "cashout_released",
        CaseAction.CashoutRejected => "cashout_rejected",
        CaseAction.ReportFiled => "report_filed",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static CaseAction? ActionFromWire(string? s) => s switch
    {
        "opened" => CaseAction.Opened,
        "alert_added" => CaseAction.AlertAdded,
        "assigned" => CaseAction.Assigned,
        "noted" => CaseAction.Noted,
        "decided" => CaseAction.Decided,
        "cashout_released" => CaseAction.CashoutReleased,
        "cashout_rejected" => CaseAction.CashoutRejected,
        "report_filed" => CaseAction.ReportFiled,
        _ => null,
    };
}

/// <summary>
/// A holder's case: it groups the alerts raised while it is open (a holder has at most one open case), has an assignee,
/// and ends with one decision and its reason. Its history is the append-only list of <see cref="CaseEvent"/>s.
/// </summary>
/// <param name="Assignee">The officer working the case (a staff login or name, as the operator records it).</param>
public sealed record Case(
    CaseId Id,
    HolderId Holder,
    CaseStatus Status,
    string? Assignee,
    int AlertCount,
    CaseDecision? Decision,
    string? DecisionReason,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The reason may quote personal data: only ids and state are shown.</summary>
    public override string ToString() => $"Case {{ {Id}, Holder = {Holder}, {Status.ToWire()}, {AlertCount} alerts }}";
}

/// <summary>One entry of a case's audit trail: what was done, by whom, when, and the detail (a note's text, the assignee, a reason).</summary>
/// <param name="Sequence">1, 2, 3 … in the order of the trail.</param>
/// <param name="Actor">Who acted: <c>system</c>, <c>key:…</c> (an operator API key) or <c>cli:…</c>.</param>
public sealed record CaseEvent(CaseId Case, int Sequence, CaseAction Action, string Actor, string? Detail, DateTimeOffset At)
{
    /// <summary>A note or reason may quote personal data: the detail is not shown.</summary>
    public override string ToString() => $"CaseEvent {{ {Case} #{Sequence} {Action.ToWire()} by {Actor} }}";
}

/// <summary>Who does something to a case.</summary>
public static class Actors
{
    public const string System = "system";

    public const int MaxLength = 200;
}
