using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;

namespace SmallChange.Core.Compliance.Cases;

/// <summary>
/// What an officer's decision did: the closed case, the cash-outs it released or refused, and the report it filed. A
/// release that needs a second person (four-eyes, <see cref="ReleaseThresholds"/>) closes nothing yet: the case stays
/// open and <see cref="PendingApproval"/> is the request waiting for a different staff member's approval.
/// </summary>
public sealed record CaseDecisionResult(Case Case, IReadOnlyList<CashoutId> Released, IReadOnlyList<CashoutId> Rejected, StoredReport? Report, Approval? PendingApproval = null);

/// <summary>
/// Cases: alerts are filed into the holder's open case (opened for them when there is none); an officer assigns, notes
/// and decides. Every action is appended to the case's audit trail with its actor and time, in the same transaction as
/// its effect. A decision moves the case's held cash-outs: release sends them to the provider through the outbox;
/// reject and file-report refuse them and void their holds, so the funds return to the wallet.
/// Four-eyes: a release of a case holding a cash-out above its currency's threshold (<paramref name="fourEyes"/>, default
/// <see cref="ReleaseThresholds.Default"/>) only files a pending request, whoever asks (console, API or CLI); the
/// release happens when a different staff member approves it (<see cref="FourEyesService"/>).
/// </summary>
public sealed class CaseService(IStore store, LedgerEngine engine, ReportService reports, TimeProvider clock, ReleaseThresholds? fourEyes = null)
{
    /// <summary>The thresholds above which a release needs a second person.</summary>
    public ReleaseThresholds Thresholds => fourEyes ?? ReleaseThresholds.Default;

    public const int MaxNoteLength = 4000;
    public const int MaxReasonLength = 4000;

    /// <summary>
    /// Files alerts about one holder into the holder's open case, opening one if there is none. Runs inside the caller's
    /// transaction, so the alerts commit with what raised them. Returns the alerts as filed (empty when none).
    /// </summary>
    public static async ValueTask<IReadOnlyList<Alert>> File(IStoreTx tx, HolderId holder, IReadOnlyList<AlertDraft> drafts, DateTimeOffset now)
    {
        if (drafts.Count == 0)
        {
            return [];
        }

        var open = await tx.FindOpenCase(holder) ?? await Open(tx, holder, now);
        var filed = new List<Alert>(drafts.Count);
        foreach (var d in drafts)
        {
            var alert = new Alert(AlertId.New(), holder, open.Id, d.RuleId, d.RuleVersion, d.Outcome, d.Explanation, d.Figures, d.Subject, now);
            if (!await tx.InsertAlert(alert))
            {
                // An officer decided the case since it was read: the alert opens the holder's next case.
                open = await Open(tx, holder, now);
                alert = alert with { Case = open.Id };
                if (!await tx.InsertAlert(alert))
                {
                    throw new InvalidOperationException($"Case {open.Id} was opened in this transaction but refuses alerts.");
                }
            }

            await tx.AppendCaseEvent(open.Id, CaseAction.AlertAdded, Actors.System, $"{alert.Id} {d.RuleId}@{d.RuleVersion} {Aml.AmlOutcomes.ToWire(d.Outcome)} on {d.Subject}", now);
            filed.Add(alert);
        }

        return filed;
    }

    /// <summary>
    /// <see cref="File"/> for many holders at once (a round of the credit monitor), with the same cases, alerts and trails
    /// as filing each item in turn, in a number of store calls that does not grow with the items: the open cases are
    /// read together, the missing ones opened together, the alerts filed together, and the trail entries appended
    /// together. Returns the alerts as filed, in item order.
    /// </summary>
    public static async ValueTask<IReadOnlyList<Alert>> FileMany(IStoreTx tx, IReadOnlyList<(HolderId Holder, IReadOnlyList<AlertDraft> Drafts)> items, DateTimeOffset now)
    {
        var holders = items.Where(i => i.Drafts.Count > 0).Select(i => i.Holder).Distinct().ToList();
        if (holders.Count == 0)
        {
            return [];
        }

        var open = new Dictionary<HolderId, Case>(await tx.FindOpenCases(holders));
        var opened = holders.Where(h => !open.ContainsKey(h)).Select(h => NewCase(h, now)).ToList();
        await tx.InsertCases(opened);
        var events = opened.Select(c => new CaseEventDraft(c.Id, CaseAction.Opened, Actors.System, null, now)).ToList();
        foreach (var c in opened)
        {
            open[c.Holder] = c;
        }

        var filed = items.SelectMany(i => i.Drafts.Select(d =>
            (Draft: d, Alert: new Alert(AlertId.New(), i.Holder, open[i.Holder].Id, d.RuleId, d.RuleVersion, d.Outcome, d.Explanation, d.Figures, d.Subject, now)))).ToList();
        var refused = await tx.InsertAlerts(filed.Select(f => f.Alert).ToList());
        if (refused.Count > 0)
        {
            // An officer decided these holders' cases since they were read: their alerts open the holders' next cases.
            var next = filed.Where(f => refused.Contains(f.Alert.Id)).Select(f => f.Alert.Holder).Distinct().Select(h => NewCase(h, now)).ToDictionary(c => c.Holder);
            await tx.InsertCases(next.Values.ToList());
            events.AddRange(next.Values.Select(c => new CaseEventDraft(c.Id, CaseAction.Opened, Actors.System, null, now)));
            filed = filed.Select(f => refused.Contains(f.Alert.Id) ? f with { Alert = f.Alert with { Case = next[f.Alert.Holder].Id } } : f).ToList();
            if ((await tx.InsertAlerts(filed.Where(f => refused.Contains(f.Alert.Id)).Select(f => f.Alert).ToList())).Count > 0)
            {
                throw new InvalidOperationException("Cases opened in this transaction refuse alerts.");
            }
        }

        events.AddRange(filed.Select(f => new CaseEventDraft(f.Alert.Case, CaseAction.AlertAdded, Actors.System,
            $"{f.Alert.Id} {f.Draft.RuleId}@{f.Draft.RuleVersion} {Aml.AmlOutcomes.ToWire(f.Draft.Outcome)} on {f.Draft.Subject}", now)));
        await tx.AppendCaseEvents(events);
        return filed.Select(f => f.Alert).ToList();
    }

    private static Case NewCase(HolderId holder, DateTimeOffset now) => new(CaseId.New(), holder, CaseStatus.Open, null, 0, null, null, null, null, now, now);

    private static async ValueTask<Case> Open(IStoreTx tx, HolderId holder, DateTimeOffset now)
    {
        var c = new Case(CaseId.New(), holder, CaseStatus.Open, null, 0, null, null, null, null, now, now);
        await tx.InsertCase(c);
        await tx.AppendCaseEvent(c.Id, CaseAction.Opened, Actors.System, null, now);
        return c;
    }

    /// <summary>Assigns an open case to an officer (null or blank: unassigns).</summary>
    public async Task<Result<Case>> Assign(CaseId id, string? assignee, string actor, CancellationToken ct = default)
    {
        assignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim();
        if (assignee is not null && (assignee.Length > Actors.MaxLength || assignee.Any(char.IsControl)))
        {
            return new Error("case.assignee_invalid", $"assignee is 1 to {Actors.MaxLength} characters without control characters.", "assignee");
        }

        if (CheckActor(actor) is { } bad)
        {
            return bad;
        }

        var now = clock.GetUtcNow();
        return await store.WriteAsync<Result<Case>>(async tx =>
        {
            if (await tx.GetCase(id) is null)
            {
                return NotFound;
            }

            if (!await tx.AssignCase(id, assignee, now))
            {
                return Closed;
            }

            await tx.AppendCaseEvent(id, CaseAction.Assigned, actor, assignee ?? "(unassigned)", now);
            return (await tx.GetCase(id))!;
        }, ct);
    }

    /// <summary>Adds a note to a case (open or closed: a note after the decision is still part of the record).</summary>
    public async Task<Result<CaseEvent>> Note(CaseId id, string? text, string actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxNoteLength)
        {
            return new Error("case.note_invalid", $"text is 1 to {MaxNoteLength} characters.", "text");
        }

        if (CheckActor(actor) is { } bad)
        {
            return bad;
        }

        var now = clock.GetUtcNow();
        return await store.WriteAsync<Result<CaseEvent>>(async tx =>
            await tx.GetCase(id) is null ? NotFound : await tx.AppendCaseEvent(id, CaseAction.Noted, actor, text.Trim(), now), ct);
    }

    /// <summary>
    /// Decides an open case with a reason (for a report, the reason is the report's narrative). Refused without writing
    /// anything when the case is closed already (<c>case.conflict</c>) or a report cannot be built from it. A release
    /// above the four-eyes threshold files a pending request instead (see <see cref="CaseDecisionResult.PendingApproval"/>).
    /// </summary>
    public Task<Result<CaseDecisionResult>> Decide(CaseId id, CaseDecision decision, string? reason, string actor, CancellationToken ct = default) =>
        Decide(id, decision, reason, StaffActor.Named(actor), ct);

    /// <inheritdoc cref="Decide(CaseId, CaseDecision, string?, string, CancellationToken)"/>
    public async Task<Result<CaseDecisionResult>> Decide(CaseId id, CaseDecision decision, string? reason, StaffActor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            return new Error("case.reason_required", $"reason is 1 to {MaxReasonLength} characters: say why (for a report, this is its narrative).", "reason");
        }

        if (CheckActor(actor.Display) is not null || CheckActor(actor.Principal) is not null)
        {
            return new Error("case.actor_invalid", $"The actor is 1 to {Actors.MaxLength} characters without control characters.", "actor");
        }

        reason = reason.Trim();
        var now = clock.GetUtcNow();
        return await store.WriteAsync(tx => DecideIn(tx, id, decision, reason, actor, null, now), ct);
    }

    /// <summary>
    /// <see cref="Decide(CaseId, CaseDecision, string?, StaffActor, CancellationToken)"/> inside the caller's transaction.
    /// <paramref name="approved"/> is the four-eyes request a second person has just approved (then the release goes ahead
    /// whatever the amounts); null for a first decision.
    /// </summary>
    public async ValueTask<Result<CaseDecisionResult>> DecideIn(IStoreTx tx, CaseId id, CaseDecision decision, string reason, StaffActor actor, Approval? approved, DateTimeOffset now)
    {
        var c = await tx.GetCase(id);
        if (c is null)
        {
            return NotFound;
        }

        if (c.Status != CaseStatus.Open)
        {
            return Closed;
        }

        var holder = (await tx.GetHolder(c.Holder))!;
        var alerts = await AllAlerts(tx, id);
        if (decision == CaseDecision.Release && approved is null)
        {
            var above = new List<Cashout>();
            foreach (var cashoutId in HeldCandidates(alerts))
            {
                if (await tx.GetCashout(cashoutId) is { State: CashoutState.Held } held && Thresholds.NeedsSecondApprover(held.Gross))
                {
                    above.Add(held);
                }
            }

            if (above.Count > 0)
            {
                return await RequestRelease(tx, c, above, reason, actor, now);
            }
        }

        // Build the report first: if the case cannot be reported, nothing is written.
        (StoredReport Report, IReadOnlyList<ReportFile> Files)? sar = null;
        if (decision == CaseDecision.FileReport)
        {
            var built = await reports.BuildSar(tx, holder, c, alerts, reason, now);
            if (!built.TryGet(out var b, out var error))
            {
                return error;
            }

            sar = b;
        }

        var by = approved is null ? actor.Display : $"{approved.RequestedByDisplay}; approved by {actor.Display}";
        if (by.Length > Actors.MaxLength)
        {
            by = by[..Actors.MaxLength];
        }

        // Closing first makes a concurrent decision of the same case wait on, then fail, this conditional update.
        if (!await tx.CloseCase(id, decision, reason, by, now))
        {
            return Closed;
        }

        await tx.AppendCaseEvent(id, CaseAction.Decided, by, $"{decision.ToWire()}: {reason}", now);
        await tx.InsertStaffAudit(StaffAuditEntry.Of(actor, StaffActions.CaseDecided, id.Reference, $"{decision.ToWire()}{(approved is null ? "" : $" (four-eyes request {approved.Id})")}", now));
        if (decision != CaseDecision.Release && await tx.FindPendingApproval(ApprovalKind.CashoutRelease, SubjectOf(id)) is { } pending
            && await tx.DecideApproval(pending.Id, ApprovalStatus.Cancelled, actor.Principal, actor.Display, $"the case was decided: {decision.ToWire()}", now))
        {
            await tx.InsertStaffAudit(StaffAuditEntry.Of(actor, StaffActions.ApprovalCancelled, pending.Id.ToString(), $"case {id.Reference} decided {decision.ToWire()}", now));
        }

        var released = new List<CashoutId>();
        var rejected = new List<CashoutId>();
        foreach (var cashoutId in HeldCandidates(alerts))
        {
            var cashout = await tx.GetCashout(cashoutId);
            if (cashout is null || cashout.State != CashoutState.Held)
            {
                continue;
            }

            if (decision == CaseDecision.Release)
            {
                if (await tx.TransitionCashout(cashoutId, CashoutState.Held, CashoutState.Approved, "case.released", null, now))
                {
                    await tx.InsertOutbox(cashoutId, now);
                    await tx.AppendCaseEvent(id, CaseAction.CashoutReleased, by, cashoutId.ToString(), now);
                    await reports.CtrAfterApproval(tx, holder, cashout.CreatedAt, now);
                    released.Add(cashoutId);
                }
            }
            else if (await tx.TransitionCashout(cashoutId, CashoutState.Held, CashoutState.Rejected, "case.rejected", null, now))
            {
                var r = await engine.ApplyOne(tx, TransferRequest.Void(cashout.VoidTransferId, cashout.HoldTransfer!.Value, ReasonCodes.CashoutVoid, cashoutId.Value));
                if (!r.Succeeded && r.Status != TransferStatus.PendingAlreadyVoided)
                {
                    throw new InvalidOperationException($"Cash-out {cashoutId}: void of the hold failed with {r.Status}.");
                }

                await tx.AppendCaseEvent(id, CaseAction.CashoutRejected, by, cashoutId.ToString(), now);
                rejected.Add(cashoutId);
            }
        }

        StoredReport? report = null;
        if (sar is { } s)
        {
            report = await tx.SaveReport(s.Report, s.Files) ?? throw new InvalidOperationException($"Report {s.Report.Reference} exists and was filed.");
            await tx.AppendCaseEvent(id, CaseAction.ReportFiled, by, report.Reference, now);
        }

        return new CaseDecisionResult((await tx.GetCase(id))!, released, rejected, report);
    }

    /// <summary>The subject of a case's four-eyes release request: the case id.</summary>
    public static string SubjectOf(CaseId id) => id.Value.ToString("D");

    /// <summary>
    /// Files the four-eyes request for a release (or finds the pending one: asking twice, by anyone, files one request;
    /// a second release never counts as the approval, which only a staff member other than the requester can give).
    /// </summary>
    private async ValueTask<Result<CaseDecisionResult>> RequestRelease(IStoreTx tx, Case c, List<Cashout> above, string reason, StaffActor actor, DateTimeOffset now)
    {
        var subject = SubjectOf(c.Id);
        if (await tx.FindPendingApproval(ApprovalKind.CashoutRelease, subject) is { } pending)
        {
            return new CaseDecisionResult(c, [], [], null, pending);
        }

        var amounts = string.Join(", ", above.Select(x => x.Gross.ToString()));
        var limits = string.Join(", ", above.Select(x => x.Gross.Currency).Distinct().Select(cur => Thresholds.For(cur)?.ToString() ?? $"{cur.Code} (no threshold: always two)"));
        var summary = $"release {above.Count} held cash-out{(above.Count == 1 ? "" : "s")} of {amounts} (four-eyes above {limits})";
        var payload = System.Text.Json.JsonSerializer.Serialize(above.Select(x => x.Id.Value).ToList());
        var approval = new Approval(ApprovalId.New(), ApprovalKind.CashoutRelease, subject, payload, summary, actor.Principal, actor.Display, reason, now,
            ApprovalStatus.Pending, null, null, null, null);
        if (!await tx.InsertApproval(approval))
        {
            return new CaseDecisionResult(c, [], [], null, await tx.FindPendingApproval(ApprovalKind.CashoutRelease, subject));
        }

        await tx.AppendCaseEvent(c.Id, CaseAction.Noted, actor.Display, $"four-eyes: release requested ({approval.Id}), waiting for a second staff member: {summary}", now);
        await tx.InsertStaffAudit(StaffAuditEntry.Of(actor, StaffActions.ReleaseRequested, approval.Id.ToString(), $"case {c.Id.Reference}: {summary}", now));
        return new CaseDecisionResult(c, [], [], null, approval);
    }

    /// <summary>The cash-outs a case's alerts are about (each once), in alert order.</summary>
    private static IEnumerable<CashoutId> HeldCandidates(IReadOnlyList<Alert> alerts) =>
        alerts.Where(a => a.Subject.Kind == SubjectKind.Cashout).Select(a => new CashoutId(a.Subject.Id)).Distinct();

    /// <summary>Every alert of a case, oldest first.</summary>
    public static async ValueTask<IReadOnlyList<Alert>> AllAlerts(IStoreReader r, CaseId id)
    {
        var all = new List<Alert>();
        string? cursor = null;
        do
        {
            var page = await r.ListAlerts(new AlertFilter(Case: id), cursor, 500);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        all.Reverse();
        return all;
    }

    private static Error NotFound => new("case.not_found", "No such case.", "case_id");

    private static Error Closed => new("case.conflict", "The case is closed: it was decided already.", "case_id");

    private static Error? CheckActor(string actor) =>
        string.IsNullOrWhiteSpace(actor) || actor.Length > Actors.MaxLength || actor.Any(char.IsControl)
            ? new Error("case.actor_invalid", $"The actor is 1 to {Actors.MaxLength} characters without control characters.", "actor")
            : null;
}
