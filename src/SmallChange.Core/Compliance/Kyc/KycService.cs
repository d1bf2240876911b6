using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;
using SmallChange.Core.Staff;

namespace SmallChange.Core.Compliance.Kyc;

/// <summary>A submission and whether this call created it or replayed an earlier one with the same idempotency key.</summary>
public sealed record KycSubmitResult(KycSubmission Submission, bool Replayed);

/// <summary>A decision and whether it had already been taken (the same decision and reason sent again).</summary>
public sealed record KycDecideResult(KycSubmission Submission, bool Replayed);

/// <summary>
/// KYC review: a holder's identity data is submitted for a target tier (1 verified identity, 2 enhanced due diligence),
/// goes to the configured <see cref="IIdentityVerifier"/> and, unless that decides, waits in the review queue until an
/// officer approves or rejects it with a reason. Approval raises the holder's tier to the target (never lowers it).
/// Every step is recorded in the holder's KYC history with who, when and why. Nothing here logs: identity data is
/// personal data.
/// </summary>
public sealed class KycService(IStore store, IIdentityVerifier verifier, TimeProvider clock)
{
    public const string IdempotencyScope = "kyc";

    /// <summary>Longest decision reason.</summary>
    public const int MaxReason = 1_000;

    public string VerifierName => verifier.Name;

    /// <summary>
    /// Submits identity data for <paramref name="targetTier"/> on behalf of a holder. Idempotent by
    /// <paramref name="idempotencyKey"/>: a replay returns the original submission; the key with another request is a
    /// conflict. Errors: the validation codes of <see cref="IdentityData.Create"/>, <c>holder.not_found</c>,
    /// <c>kyc.tier_already_held</c>, <c>kyc.pending_exists</c>, <c>idempotency.key_invalid</c>, <c>idempotency.conflict</c>.
    /// </summary>
    public async Task<Result<KycSubmitResult>> Submit(HolderId holder, int targetTier, IdentityInput input, string actor, string idempotencyKey, byte[] requestHash, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 128 || idempotencyKey.Any(char.IsControl))
        {
            return new Error("idempotency.key_invalid", "Send an Idempotency-Key header of 1 to 128 printable characters.", "Idempotency-Key");
        }

        var now = clock.GetUtcNow();
        var (h, existing) = await store.ReadAsync(async r => (await r.GetHolder(holder), await r.FindIdempotency(IdempotencyScope, idempotencyKey)), ct);
        if (existing is not null)
        {
            return await Replay(existing, requestHash, ct);
        }

        if (h is null)
        {
            return new Error("holder.not_found", "No such holder.", "holder_id");
        }

        if (!IdentityData.Create(input, targetTier, now).TryGet(out var identity, out var invalid))
        {
            return invalid;
        }

        var submission = new KycSubmission(KycSubmissionId.New(), holder, targetTier, identity, KycStatus.Pending, verifier.Name, actor, now, null, null, null);
        var written = await store.WriteAsync<Result<KycSubmitResult>>(async tx =>
        {
            await tx.LockHolder(holder);
            if (await tx.FindIdempotency(IdempotencyScope, idempotencyKey) is { } raced)
            {
                return await ReplayIn(tx, raced, requestHash);
            }

            var current = (await tx.GetHolder(holder))!;
            if (current.KycTier >= targetTier)
            {
                return new Error("kyc.tier_already_held", $"The holder is already at tier {current.KycTier}.", "target_tier");
            }

            if (await tx.FindPendingKycSubmission(holder) is { } pending)
            {
                return new Error("kyc.pending_exists", $"The holder has a submission waiting for review ({pending.Id}); it must be decided first.", "holder_id");
            }

            await tx.InsertKycSubmission(submission);
            await tx.AppendKycEvent(new KycEvent(holder, 0, submission.Id, KycAction.Submitted, actor, $"identity submitted for tier {targetTier}", null, null, now));
            await tx.InsertIdempotency(new IdempotencyRecord(IdempotencyScope, idempotencyKey, requestHash, 201, submission.Id.ToString(), now));
            return new KycSubmitResult(submission, false);
        }, ct);
        if (!written.TryGet(out var result, out _) || result.Replayed)
        {
            return written;
        }

        return new KycSubmitResult(await AskVerifier(result.Submission, ct), false);
    }

    /// <summary>
    /// Approves or rejects a pending submission with a reason. Approval raises the holder's tier to the target (when
    /// higher). Deciding again with the same decision and reason returns the stored decision; anything else on a decided
    /// submission is <c>kyc.already_decided</c>. Errors: <c>kyc.not_found</c>, <c>kyc.reason_invalid</c>,
    /// <c>kyc.already_decided</c>.
    /// </summary>
    public Task<Result<KycDecideResult>> Decide(KycSubmissionId id, KycDecision decision, string? reason, string actor, CancellationToken ct = default) =>
        Decide(id, decision, reason, actor, null, ct);

    /// <summary>
    /// A staff member's decision in the console: as <see cref="Decide(KycSubmissionId, KycDecision, string?, string, CancellationToken)"/>
    /// with the staff principal as the decider, and a staff-trail entry in the same transaction.
    /// </summary>
    public Task<Result<KycDecideResult>> Decide(KycSubmissionId id, KycDecision decision, string? reason, StaffActor staff, CancellationToken ct = default) =>
        Decide(id, decision, reason, staff.Principal, staff, ct);

    private async Task<Result<KycDecideResult>> Decide(KycSubmissionId id, KycDecision decision, string? reason, string actor, StaffActor? staff, CancellationToken ct)
    {
        var why = reason?.Trim();
        if (string.IsNullOrEmpty(why) || why.Length > MaxReason || why.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            return new Error("kyc.reason_invalid", $"reason is required: 1 to {MaxReason} characters saying why.", "reason");
        }

        var found = await store.ReadAsync(r => r.GetKycSubmission(id), ct);
        if (found is null)
        {
            return new Error("kyc.not_found", "No such KYC submission.", "id");
        }

        var now = clock.GetUtcNow();
        var status = decision == KycDecision.Approve ? KycStatus.Approved : KycStatus.Rejected;
        return await store.WriteAsync<Result<KycDecideResult>>(async tx =>
        {
            await tx.LockHolder(found.Holder);
            if (!await tx.DecideKycSubmission(id, status, actor, why, now))
            {
                var decided = (await tx.GetKycSubmission(id))!;
                return decided.Status == status && decided.DecisionReason == why
                    ? new KycDecideResult(decided, true)
                    : new Error("kyc.already_decided", $"The submission was already {decided.Status.ToWire()} on {decided.DecidedAt:yyyy-MM-dd HH:mm} UTC by {decided.DecidedBy}.", "id");
            }

            await tx.AppendKycEvent(new KycEvent(found.Holder, 0, id, status == KycStatus.Approved ? KycAction.Approved : KycAction.Rejected, actor, why, null, null, now));
            if (staff is not null)
            {
                await tx.InsertStaffAudit(StaffAuditEntry.Of(staff, StaffActions.KycDecided, id.ToString(), $"{status.ToWire()} for tier {found.TargetTier}", now));
            }

            if (status == KycStatus.Approved && await tx.GetHolder(found.Holder) is { } holder && holder.KycTier < found.TargetTier)
            {
                await tx.SetHolderKycTier(holder.Id, found.TargetTier);
                await tx.AppendKycEvent(new KycEvent(holder.Id, 0, id, KycAction.TierChanged, actor, $"submission approved for tier {found.TargetTier}",
                    holder.KycTier, found.TargetTier, now));
            }

            await TellHolder(tx, found, status, now);

            return new KycDecideResult((await tx.GetKycSubmission(id))!, false);
        }, ct);
    }

    /// <summary>
    /// The decision as the holder sees it, in the decision's transaction (so exactly once): an entry in their activity
    /// log and a message in their portal inbox. The decider's reason is not shown: it is written for the file and may
    /// touch on suspicion the holder must not be told of; a rejection says what the holder can do instead.
    /// </summary>
    private static async ValueTask TellHolder(IStoreTx tx, KycSubmission s, KycStatus status, DateTimeOffset now)
    {
        var approved = status == KycStatus.Approved;
        var (subject, body) = approved
            ? ("Your identity is verified", $"We verified your identity: your account is now at KYC tier {s.TargetTier}, with the limits that go with it.")
            : ("We could not verify your identity", $"We could not verify your identity for KYC tier {s.TargetTier} from the details you sent. " +
                "The Identity page in the portal says why and lets you send them again; or contact support.");
        await tx.InsertActivity(ActivityLog.Entry(s.Holder, approved ? ActivityKinds.KycApproved : ActivityKinds.KycRejected, ClientInfo.System,
            approved ? $"Identity check passed for tier {s.TargetTier}." : $"Identity check for tier {s.TargetTier} not passed.", now));
        await tx.InsertInboxMessage(new InboxMessage(NotificationId.New(), s.Holder, approved ? ActivityKinds.KycApproved : ActivityKinds.KycRejected, subject, body, now, null));
    }

    /// <summary>
    /// Sets a holder's tier directly (0–2), outside the review: an operator override, recorded in the history with who
    /// and why like every other step. Errors: <c>kyc.tier_invalid</c>, <c>holder.not_found</c>.
    /// </summary>
    public async Task<Result<Holder>> SetTier(HolderId holder, int tier, string actor, string? reason, CancellationToken ct = default)
    {
        if (tier is < 0 or > 2)
        {
            return new Error("kyc.tier_invalid", "tier is 0, 1 or 2.", "tier");
        }

        var why = string.IsNullOrWhiteSpace(reason) ? "set directly by the operator" : reason.Trim();
        if (why.Length > MaxReason)
        {
            return new Error("kyc.reason_invalid", $"reason is at most {MaxReason} characters.", "reason");
        }

        var now = clock.GetUtcNow();
        var h = await store.WriteAsync(async tx =>
        {
            await tx.LockHolder(holder);
            var current = await tx.GetHolder(holder);
            if (current is null)
            {
                return null;
            }

            if (current.KycTier != tier)
            {
                await tx.SetHolderKycTier(holder, tier);
                await tx.AppendKycEvent(new KycEvent(holder, 0, null, KycAction.TierChanged, actor, why, current.KycTier, tier, now));
            }

            return await tx.GetHolder(holder);
        }, ct);
        return h is null ? new Error("holder.not_found", "No such holder.", "holder_id") : h;
    }

    /// <summary>The review queue: pending submissions, oldest first.</summary>
    public Task<Page<KycSubmission>> Queue(string? cursor, int limit, CancellationToken ct = default) =>
        store.ReadAsync(r => r.ListKycSubmissions(KycStatus.Pending, null, cursor, limit), ct);

    /// <summary>One submission with its steps, or null.</summary>
    public Task<(KycSubmission Submission, IReadOnlyList<KycEvent> Events)?> Get(KycSubmissionId id, CancellationToken ct = default) =>
        store.ReadAsync<(KycSubmission, IReadOnlyList<KycEvent>)?>(async r =>
            await r.GetKycSubmission(id) is { } s ? (s, await r.ListKycEvents(s.Holder, s.Id)) : null, ct);

    /// <summary>The verifier's look at a freshly stored (or still pending) submission: recorded, and applied when it decides.</summary>
    private async Task<KycSubmission> AskVerifier(KycSubmission submission, CancellationToken ct)
    {
        var answer = await verifier.Verify(submission, ct);
        var actor = "verifier:" + verifier.Name;
        var reason = answer.Reference is { Length: > 0 } reference ? $"{answer.Reason} (reference {reference})" : answer.Reason;
        if (answer.Outcome == VerificationOutcome.Refer)
        {
            var now = clock.GetUtcNow();
            await store.WriteAsync(async tx =>
            {
                await tx.LockHolder(submission.Holder);
                await tx.AppendKycEvent(new KycEvent(submission.Holder, 0, submission.Id, KycAction.Referred, actor, Clip(reason), null, null, now));
                return 0;
            }, ct);
            return submission;
        }

        var decided = await Decide(submission.Id, answer.Outcome == VerificationOutcome.Approve ? KycDecision.Approve : KycDecision.Reject, Clip(reason), actor, ct);
        return decided.TryGet(out var d, out _) ? d.Submission : (await store.ReadAsync(r => r.GetKycSubmission(submission.Id), ct))!;
    }

    private static string Clip(string reason)
    {
        var r = string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim();
        return r.Length <= MaxReason ? r : r[..MaxReason];
    }

    private async Task<Result<KycSubmitResult>> Replay(IdempotencyRecord existing, byte[] requestHash, CancellationToken ct)
    {
        var replayed = await store.ReadAsync(async r => await ReplayIn(r, existing, requestHash), ct);
        if (!replayed.TryGet(out var result, out _))
        {
            return replayed;
        }

        // A submission sent again while still pending with an external verifier is shown to it again (a crash may have
        // come between storing it and asking).
        var s = result.Submission;
        return s.Status == KycStatus.Pending && s.Verifier == verifier.Name && verifier.Name != ManualReviewQueue.VerifierName
            ? new KycSubmitResult(await AskVerifier(s, ct), true)
            : replayed;
    }

    private static async ValueTask<Result<KycSubmitResult>> ReplayIn(IStoreReader r, IdempotencyRecord existing, byte[] requestHash)
    {
        if (!existing.RequestHash.AsSpan().SequenceEqual(requestHash))
        {
            return new Error("idempotency.conflict", "This Idempotency-Key was used for a different request.", "Idempotency-Key");
        }

        var submission = await r.GetKycSubmission(new KycSubmissionId(Guid.Parse(existing.ResponseBody)));
        return new KycSubmitResult(submission!, true);
    }
}
