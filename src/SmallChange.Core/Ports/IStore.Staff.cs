using SmallChange.Core.Staff;

namespace SmallChange.Core.Ports;

// Staff accounts of the console, their audit trail, four-eyes requests and the approved fee schedules (NNNN_staff.sql).

public sealed record ApprovalFilter(ApprovalStatus? Status = null, ApprovalKind? Kind = null, string? Subject = null);

public partial interface IStoreReader
{
    ValueTask<StaffUser?> GetStaff(StaffId id);

    /// <summary>The account whose normalized e-mail is <paramref name="normalizedEmail"/> (exact match).</summary>
    ValueTask<StaffUser?> FindStaffByEmail(string normalizedEmail);

    /// <summary>Every staff account, oldest first.</summary>
    ValueTask<IReadOnlyList<StaffUser>> ListStaff();

    /// <summary>The staff trail newest first (by id, time-ordered); the cursor is the last id seen.</summary>
    ValueTask<Page<StaffAuditEntry>> ListStaffAudit(string? cursor, int limit);

    ValueTask<Approval?> GetApproval(ApprovalId id);

    /// <summary>The pending request of this kind and subject, if any (there is at most one).</summary>
    ValueTask<Approval?> FindPendingApproval(ApprovalKind kind, string subject);

    /// <summary>Requests newest first (by id); the cursor is the last id seen.</summary>
    ValueTask<Page<Approval>> ListApprovals(ApprovalFilter filter, string? cursor, int limit);

    /// <summary>Every approved fee schedule, oldest first (the newest per provider and method is in force).</summary>
    ValueTask<IReadOnlyList<FeeOverride>> ListFeeOverrides();

    /// <summary>The version of the newest approved fee schedule, 0 when there is none: a cheap check whether the catalogue changed.</summary>
    ValueTask<long> LatestFeeOverrideVersion();
}

public partial interface IStoreTx
{
    /// <summary>Inserts a staff account; the normalized e-mail is unique (a second insert throws a unique violation).</summary>
    ValueTask InsertStaff(StaffUser user);

    /// <summary>Disables an active account and changes its security stamp; false when there is no such active account.</summary>
    ValueTask<bool> DisableStaff(StaffId id, string newSecurityStamp, DateTimeOffset at);

    /// <summary>Adds one failed sign-in atomically and returns the new count (0 when the account does not exist).</summary>
    ValueTask<int> IncrementStaffAccessFailed(StaffId id);

    ValueTask ResetStaffAccessFailed(StaffId id);

    /// <summary>Sets the end of the lockout (null: not locked out).</summary>
    ValueTask SetStaffLockoutEnd(StaffId id, DateTimeOffset? end);

    /// <summary>Stores the (protected) secret being enrolled, only while two-factor is not on yet; false otherwise.</summary>
    ValueTask<bool> SetStaffEnrolmentKey(StaffId id, string protectedKey);

    /// <summary>Turns two-factor on (once) and changes the security stamp; false when it was on already.</summary>
    ValueTask<bool> EnableStaffTwoFactor(StaffId id, string newSecurityStamp);

    /// <summary>
    /// Records <paramref name="step"/> as the newest accepted TOTP step only if it is newer than the stored one (a
    /// conditional update); false, writing nothing, when the code is a replay.
    /// </summary>
    ValueTask<bool> TryAdvanceStaffTotpStep(StaffId id, long step);

    /// <summary>Appends to the staff trail (append-only).</summary>
    ValueTask InsertStaffAudit(StaffAuditEntry entry);

    /// <summary>
    /// Inserts a pending request unless one of the same kind and subject is pending already (then nothing is written and
    /// false returned: the caller reads the pending one).
    /// </summary>
    ValueTask<bool> InsertApproval(Approval approval);

    /// <summary>
    /// Decides a pending request (approved, rejected or cancelled) — a conditional update from pending. An approval also
    /// requires <paramref name="decidedBy"/> to differ from the requester. False, writing nothing, otherwise.
    /// </summary>
    ValueTask<bool> DecideApproval(ApprovalId id, ApprovalStatus status, string decidedBy, string decidedByDisplay, string? note, DateTimeOffset at);

    /// <summary>Appends an approved fee schedule with the next version; returns it.</summary>
    ValueTask<FeeOverride> InsertFeeOverride(string providerId, Providers.PayoutMethod method, string feesJson, ApprovalId approval, DateTimeOffset at);
}
