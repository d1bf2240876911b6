using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;

namespace SmallChange.Core.Ports;

/// <summary>Which alerts to list; every given filter must match.</summary>
public sealed record AlertFilter(
    HolderId? Holder = null,
    CaseId? Case = null,
    string? RuleId = null,
    AmlOutcome? Outcome = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null);

/// <summary>Which cases to list; every given filter must match.</summary>
public sealed record CaseFilter(HolderId? Holder = null, CaseStatus? Status = null, string? Assignee = null);

public partial interface IStoreReader
{
    ValueTask<Alert?> GetAlert(AlertId id);

    /// <summary>Alerts newest first (by id, which is time-ordered); the cursor is the last id seen.</summary>
    ValueTask<Page<Alert>> ListAlerts(AlertFilter filter, string? cursor, int limit);

    ValueTask<Case?> GetCase(CaseId id);

    /// <summary>Cases newest first (by id); the cursor is the last id seen.</summary>
    ValueTask<Page<Case>> ListCases(CaseFilter filter, string? cursor, int limit);

    /// <summary>The holder's open case, if any (there is at most one).</summary>
    ValueTask<Case?> FindOpenCase(HolderId holder);

    /// <summary>The case's audit trail in order.</summary>
    ValueTask<IReadOnlyList<CaseEvent>> ListCaseEvents(CaseId id);

    /// <summary>Every archived AML evaluation of a subject, oldest first.</summary>
    ValueTask<IReadOnlyList<AmlEvaluation>> ListAmlEvaluations(AlertSubject subject);
}

public partial interface IStoreTx
{
    /// <summary>
    /// Opens a case. A holder has at most one open case (a unique constraint): a concurrent second open fails with a
    /// unique violation, which the PostgreSQL store retries, so the retry finds the first.
    /// </summary>
    ValueTask InsertCase(Case c);

    /// <summary>
    /// Files an alert into its case and counts it there. False, writing nothing, when the case is not (or no longer) an
    /// open case of the alert's holder: a decision closed it meanwhile.
    /// </summary>
    ValueTask<bool> InsertAlert(Alert alert);

    /// <summary>Sets the assignee of an open case; false (nothing written) when the case is not open.</summary>
    ValueTask<bool> AssignCase(CaseId id, string? assignee, DateTimeOffset at);

    /// <summary>Closes an open case with its decision; false (nothing written) when it is not open (decided already).</summary>
    ValueTask<bool> CloseCase(CaseId id, CaseDecision decision, string reason, string actor, DateTimeOffset at);

    /// <summary>Appends to the case's audit trail (next sequence number); the trail is append-only.</summary>
    ValueTask<CaseEvent> AppendCaseEvent(CaseId id, CaseAction action, string actor, string? detail, DateTimeOffset at);

    /// <summary>Archives one AML evaluation.</summary>
    ValueTask InsertAmlEvaluation(AmlEvaluation evaluation);
}
