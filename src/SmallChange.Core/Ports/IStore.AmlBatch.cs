using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;

namespace SmallChange.Core.Ports;

/// <summary>The window [<paramref name="Since"/>, <paramref name="Until"/>) a holder's AML history is read over.</summary>
public readonly record struct AmlWindow(DateTimeOffset Since, DateTimeOffset Until);

/// <summary>One holder of a batch read: the holder as the AML rules see it, and its history over its window.</summary>
public sealed record AmlHolderHistory(AmlHolder Holder, AmlWindow Window, AmlHistory History);

/// <summary>An entry for a case's audit trail, numbered when it is appended.</summary>
public sealed record CaseEventDraft(CaseId Case, CaseAction Action, string Actor, string? Detail, DateTimeOffset At);

public partial interface IStoreReader
{
    /// <summary>
    /// The AML reads of many holders at once (a round of the credit monitor): for each of <paramref name="holders"/> that
    /// exists, the holder and <see cref="AmlHistory"/> over the window <paramref name="window"/> chooses once it knows the
    /// holder (the lookback depends on the holder's jurisdiction). Each entry holds what <c>GetHolder</c> and
    /// <c>AmlHistory(holder, window.Since, window.Until)</c> return, read in a number of statements that does not grow
    /// with the number of holders (the per-holder method stays for the cash-out path, one holder at a time).
    /// </summary>
    ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHistories(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window);
}

/// <summary>
/// The writes of a credit-monitor round for many credits at once: each does what the one-row method of the same name does
/// for every item, in a number of statements that does not grow with the number of items (on PostgreSQL; SQLite, in
/// process, runs its one-row statements).
/// </summary>
public partial interface IStoreTx
{
    /// <summary>Archives AML evaluations (<see cref="InsertAmlEvaluation"/> for each, in order).</summary>
    ValueTask InsertAmlEvaluations(IReadOnlyList<AmlEvaluation> evaluations);

    /// <summary>The open case of each of these holders that has one (<see cref="IStoreReader.FindOpenCase"/> for each).</summary>
    ValueTask<IReadOnlyDictionary<HolderId, Case>> FindOpenCases(IReadOnlyCollection<HolderId> holders);

    /// <summary>Opens cases (<see cref="InsertCase"/> for each).</summary>
    ValueTask InsertCases(IReadOnlyList<Case> cases);

    /// <summary>
    /// Files alerts into their cases and counts them there (<see cref="InsertAlert"/> for each). Returns the ids of the
    /// alerts refused, and not written, because their case is not (or no longer) an open case of their holder.
    /// </summary>
    ValueTask<IReadOnlySet<AlertId>> InsertAlerts(IReadOnlyList<Alert> alerts);

    /// <summary>Appends to cases' audit trails (<see cref="AppendCaseEvent"/> for each, in list order within each case).</summary>
    ValueTask AppendCaseEvents(IReadOnlyList<CaseEventDraft> events);
}
