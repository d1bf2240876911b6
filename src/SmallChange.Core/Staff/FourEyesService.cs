using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;

namespace SmallChange.Core.Staff;

/// <summary>
/// The second pair of eyes. A request (a case release above the threshold, filed by <see cref="CaseService"/>; a fee
/// schedule change, proposed here by an operator admin) waits until a different staff member decides it: a compliance
/// officer for releases, an operator admin for fee schedules. Approving is a conditional update from pending in the
/// same transaction as its effect (the release, or the new schedule), so of two approvers racing each other exactly one
/// approves and the effect happens once. The requester can never approve their own request; only signed-in staff
/// (not an API key, not the CLI) approve. Every request and decision is in the staff trail.
/// </summary>
public sealed class FourEyesService(IStore store, CaseService cases, EffectiveCatalog catalog, TimeProvider clock)
{
    public const int MaxReasonLength = 4000;

    /// <summary>Approves a pending request as <paramref name="approver"/> and carries it out.</summary>
    public async Task<Result<Approval>> Approve(ApprovalId id, StaffUser approver, string? note, CancellationToken ct = default)
    {
        if (CheckNote(note) is { } badNote)
        {
            return badNote;
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        var now = clock.GetUtcNow();
        var configured = catalog.Configured;
        return await store.WriteAsync<Result<Approval>>(async tx =>
        {
            if (await tx.GetApproval(id) is not { } a)
            {
                return NotFound;
            }

            if (CheckDecider(a, approver) is { } refused)
            {
                return refused;
            }

            if (a.Status != ApprovalStatus.Pending)
            {
                return Decided;
            }

            if (a.RequestedBy == approver.Principal)
            {
                return new Error("approval.self_approval", "You asked for this yourself: a different staff member must approve it.", "approval_id");
            }

            var actor = approver.Actor;
            if (a.Kind == ApprovalKind.CashoutRelease)
            {
                var caseId = new CaseId(Guid.Parse(a.Subject));
                if (await tx.GetCase(caseId) is not { Status: CaseStatus.Open })
                {
                    return new Error("approval.conflict", "The case is no longer open.", "approval_id");
                }

                if (!await tx.DecideApproval(id, ApprovalStatus.Approved, actor.Principal, actor.Display, note, now))
                {
                    return Decided;
                }

                var decided = await cases.DecideIn(tx, caseId, CaseDecision.Release, a.Reason, actor, a, now);
                if (!decided.IsOk)
                {
                    // Checked above in this transaction: only a bug gets here, and throwing rolls the approval back.
                    throw new InvalidOperationException($"Approved release of case {caseId} failed: {decided.Error}");
                }

                await tx.InsertStaffAudit(StaffAuditEntry.Of(actor, StaffActions.ReleaseApproved, id.ToString(),
                    $"case {caseId.Reference}: released {decided.Value.Released.Count} cash-out(s); requested by {a.RequestedByDisplay}", now));
            }
            else
            {
                if (!ParseFeeSubject(a.Subject, configured, out var provider, out var offering) || !FeeScheduleJson.Parse(provider.Id, offering, a.Payload).IsOk)
                {
                    return new Error("approval.conflict", "The provider's configuration no longer accepts this schedule; reject it and propose it again.", "approval_id");
                }

                if (!await tx.DecideApproval(id, ApprovalStatus.Approved, actor.Principal, actor.Display, note, now))
                {
                    return Decided;
                }

                var fee = await tx.InsertFeeOverride(provider.Id, offering.Method, a.Payload, id, now);
                await tx.InsertStaffAudit(StaffAuditEntry.Of(actor, StaffActions.FeeApproved, id.ToString(),
                    $"{a.Subject} version {fee.Version}: {a.Summary}; proposed by {a.RequestedByDisplay}", now));
            }

            return (await tx.GetApproval(id))!;
        }, ct);
    }

    /// <summary>Rejects a pending request (the requester may withdraw their own); nothing else changes, a case stays open.</summary>
    public async Task<Result<Approval>> Reject(ApprovalId id, StaffUser decider, string? note, CancellationToken ct = default)
    {
        if (CheckNote(note) is { } badNote)
        {
            return badNote;
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        var now = clock.GetUtcNow();
        return await store.WriteAsync<Result<Approval>>(async tx =>
        {
            if (await tx.GetApproval(id) is not { } a)
            {
                return NotFound;
            }

            if (CheckDecider(a, decider) is { } refused)
            {
                return refused;
            }

            var actor = decider.Actor;
            if (!await tx.DecideApproval(id, ApprovalStatus.Rejected, actor.Principal, actor.Display, note, now))
            {
                return Decided;
            }

            var action = a.Kind == ApprovalKind.CashoutRelease ? StaffActions.ReleaseRejected : StaffActions.FeeRejected;
            await tx.InsertStaffAudit(StaffAuditEntry.Of(actor, action, id.ToString(), $"{a.Subject}: {a.Summary}{(note is null ? "" : $"; note: {note}")}", now));
            if (a.Kind == ApprovalKind.CashoutRelease && await tx.GetCase(new CaseId(Guid.Parse(a.Subject))) is { Status: CaseStatus.Open } open)
            {
                await tx.AppendCaseEvent(open.Id, CaseAction.Noted, actor.Display, $"four-eyes: release request {id} rejected{(note is null ? "" : $": {note}")}", now);
            }

            return (await tx.GetApproval(id))!;
        }, ct);
    }

    /// <summary>
    /// Proposes a new fee schedule for one offering of a configured provider, in the <c>providers.json</c> form; it is in
    /// force for quotes only once a different operator admin approves it. One pending proposal per offering.
    /// </summary>
    public async Task<Result<Approval>> ProposeFees(string? providerId, string? method, string? feesJson, string? reason, StaffUser proposer, CancellationToken ct = default)
    {
        if (!proposer.IsActive || proposer.Role != StaffRole.OperatorAdmin)
        {
            return new Error("auth.forbidden", "Only an operator admin proposes fee schedules.");
        }

        var subject = $"{providerId}/{method}";
        if (!ParseFeeSubject(subject, catalog.Configured, out var provider, out var offering))
        {
            return new Error("provider.not_found", "No such provider offering this method in the configuration.", "provider_id");
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            return new Error("approval.reason_required", $"reason is 1 to {MaxReasonLength} characters: say why the fees change.", "reason");
        }

        if (!FeeScheduleJson.Parse(provider.Id, offering, feesJson).TryGet(out var fees, out var invalid))
        {
            return invalid;
        }

        var effective = (await catalog.Current(ct)).Find(provider.Id)?.OfferingFor(offering.Method)?.Fees ?? offering.Fees;
        var payload = FeeScheduleJson.Write(fees);
        if (payload == FeeScheduleJson.Write(effective))
        {
            return new Error("fees.unchanged", "This is the schedule in force already.", "fees");
        }

        var now = clock.GetUtcNow();
        var actor = proposer.Actor;
        var approval = new Approval(ApprovalId.New(), ApprovalKind.FeeSchedule, subject, payload,
            $"{FeeScheduleJson.Summary(effective)} → {FeeScheduleJson.Summary(fees)}", actor.Principal, actor.Display, reason.Trim(), now,
            ApprovalStatus.Pending, null, null, null, null);
        return await store.WriteAsync<Result<Approval>>(async tx =>
        {
            if (!await tx.InsertApproval(approval))
            {
                return new Error("approval.pending_exists", "A change of this schedule is waiting for approval already: approve or reject it first.", "provider_id");
            }

            await tx.InsertStaffAudit(StaffAuditEntry.Of(actor, StaffActions.FeeProposed, approval.Id.ToString(), $"{subject}: {approval.Summary}", now));
            return approval;
        }, ct);
    }

    /// <summary>Who may decide a request of this kind: an active compliance officer for releases, an active operator admin for fee schedules.</summary>
    public static bool MayDecide(StaffUser who, ApprovalKind kind) =>
        who.IsActive && who.Role == (kind == ApprovalKind.CashoutRelease ? StaffRole.ComplianceOfficer : StaffRole.OperatorAdmin);

    private static Error? CheckDecider(Approval a, StaffUser who) =>
        MayDecide(who, a.Kind)
            ? null
            : new Error("auth.forbidden", a.Kind == ApprovalKind.CashoutRelease ? "Only a compliance officer decides a release." : "Only an operator admin decides a fee schedule.");

    private static Error? CheckNote(string? note) =>
        note is { Length: > MaxReasonLength } ? new Error("approval.note_invalid", $"note is at most {MaxReasonLength} characters.", "note") : null;

    /// <summary>Reads a fee request's subject <c>provider/method</c> against the configuration.</summary>
    private static bool ParseFeeSubject(string subject, ProviderCatalog configured, out Provider provider, out Offering offering)
    {
        provider = null!;
        offering = null!;
        var slash = subject.LastIndexOf('/');
        if (slash <= 0 || configured.Find(subject[..slash]) is not { } p || PayoutMethods.FromWireName(subject[(slash + 1)..]) is not { } m || p.OfferingFor(m) is not { } o)
        {
            return false;
        }

        provider = p;
        offering = o;
        return true;
    }

    private static Error NotFound => new("approval.not_found", "No such request.", "approval_id");

    private static Error Decided => new("approval.conflict", "The request was decided already.", "approval_id");
}
