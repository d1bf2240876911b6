using Npgsql;
using NpgsqlTypes;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Staff;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>Staff accounts, the staff trail, four-eyes requests and approved fee schedules (0010_staff.sql).</summary>
internal sealed partial class PostgresTx
{
    // ---- staff accounts ---------------------------------------------------------------------------

    private static StaffUser ReadStaff(NpgsqlDataReader r) => new(
        new StaffId(r.GetGuid(0)), new EmailAddress(r.GetString(1)), r.GetString(2),
        StaffRoles.FromWire(r.GetString(3)) ?? throw new InvalidDataException("unknown staff role"), r.GetString(4), r.GetString(5),
        TimeOrNull(r, 6), r.GetInt32(7), r.GetBoolean(8), StringOrNull(r, 9), r.IsDBNull(10) ? null : r.GetInt64(10), Time(r, 11), TimeOrNull(r, 12));

    public async ValueTask<StaffUser?> GetStaff(StaffId id) =>
        await One(ReadStaff, $"SELECT {StaffColumns} FROM staff_users WHERE id = $1", id.Value);

    public async ValueTask<StaffUser?> FindStaffByEmail(string normalizedEmail) =>
        await One(ReadStaff, $"SELECT {StaffColumns} FROM staff_users WHERE normalized_email = $1", normalizedEmail);

    public async ValueTask<IReadOnlyList<StaffUser>> ListStaff() =>
        await Many(ReadStaff, $"SELECT {StaffColumns} FROM staff_users ORDER BY id");

    public async ValueTask InsertStaff(StaffUser u) =>
        await Exec($"INSERT INTO staff_users ({StaffColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            u.Id.Value, u.Email.Value, u.NormalizedEmail, u.Role.ToWire(), u.PasswordHash, u.SecurityStamp, Typed(u.LockoutEnd is { } l ? Ts(l) : null, NpgsqlDbType.TimestampTz),
            u.AccessFailedCount, u.TwoFactorEnabled, Typed(u.ProtectedAuthenticatorKey, NpgsqlDbType.Text), Typed(u.LastTotpStep, NpgsqlDbType.Bigint), Ts(u.CreatedAt),
            Typed(u.DisabledAt is { } d ? Ts(d) : null, NpgsqlDbType.TimestampTz));

    public async ValueTask<bool> DisableStaff(StaffId id, string newSecurityStamp, DateTimeOffset at) =>
        await Exec("UPDATE staff_users SET disabled_at = $2, security_stamp = $3 WHERE id = $1 AND disabled_at IS NULL", id.Value, Ts(at), newSecurityStamp) == 1;

    public async ValueTask<int> IncrementStaffAccessFailed(StaffId id)
    {
        await using var cmd = Cmd("UPDATE staff_users SET access_failed_count = access_failed_count + 1 WHERE id = $1 RETURNING access_failed_count", id.Value);
        return await cmd.ExecuteScalarAsync() is int count ? count : 0;
    }

    public async ValueTask ResetStaffAccessFailed(StaffId id) =>
        await Exec("UPDATE staff_users SET access_failed_count = 0 WHERE id = $1", id.Value);

    public async ValueTask SetStaffLockoutEnd(StaffId id, DateTimeOffset? end) =>
        await Exec("UPDATE staff_users SET lockout_end = $2 WHERE id = $1", id.Value, Typed(end is { } e ? Ts(e) : null, NpgsqlDbType.TimestampTz));

    public async ValueTask<bool> SetStaffEnrolmentKey(StaffId id, string protectedKey) =>
        await Exec("UPDATE staff_users SET authenticator_key = $2 WHERE id = $1 AND NOT two_factor_enabled", id.Value, protectedKey) == 1;

    public async ValueTask<bool> EnableStaffTwoFactor(StaffId id, string newSecurityStamp) =>
        await Exec("UPDATE staff_users SET two_factor_enabled = true, security_stamp = $2 WHERE id = $1 AND NOT two_factor_enabled AND authenticator_key IS NOT NULL",
            id.Value, newSecurityStamp) == 1;

    public async ValueTask<bool> TryAdvanceStaffTotpStep(StaffId id, long step) =>
        await Exec("UPDATE staff_users SET last_totp_step = $2 WHERE id = $1 AND (last_totp_step IS NULL OR last_totp_step < $2)", id.Value, step) == 1;

    // ---- the staff trail --------------------------------------------------------------------------

    public async ValueTask InsertStaffAudit(StaffAuditEntry e) =>
        await Exec($"INSERT INTO staff_audit ({StaffAuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            e.Id, Ts(e.At), e.Actor, e.ActorDisplay, e.Action, Typed(e.Subject, NpgsqlDbType.Text), Typed(e.Detail, NpgsqlDbType.Text));

    public async ValueTask<Page<StaffAuditEntry>> ListStaffAudit(string? cursor, int limit)
    {
        var list = await Many(r => new StaffAuditEntry(r.GetGuid(0), Time(r, 1), r.GetString(2), r.GetString(3), r.GetString(4), StringOrNull(r, 5), StringOrNull(r, 6)),
            $"SELECT {StaffAuditColumns} FROM staff_audit WHERE id < $1 ORDER BY id DESC LIMIT $2", CursorGuid(cursor) ?? MaxGuid, limit + 1);
        return PageOf(list, limit, e => Cursor.FromBytes(ToBytes(e.Id)));
    }

    // ---- four-eyes requests -----------------------------------------------------------------------

    private static Approval ReadApproval(NpgsqlDataReader r) => new(
        new ApprovalId(r.GetGuid(0)), ApprovalWire.KindFromWire(r.GetString(1)) ?? throw new InvalidDataException("unknown approval kind"),
        r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), Time(r, 8),
        ApprovalWire.StatusFromWire(r.GetString(9)) ?? throw new InvalidDataException("unknown approval status"),
        StringOrNull(r, 10), StringOrNull(r, 11), StringOrNull(r, 12), TimeOrNull(r, 13));

    public async ValueTask<Approval?> GetApproval(ApprovalId id) =>
        await One(ReadApproval, $"SELECT {ApprovalColumns} FROM approvals WHERE id = $1", id.Value);

    public async ValueTask<Approval?> FindPendingApproval(ApprovalKind kind, string subject) =>
        await One(ReadApproval, $"SELECT {ApprovalColumns} FROM approvals WHERE kind = $1 AND subject = $2 AND status = 'pending'", kind.ToWire(), subject);

    public async ValueTask<Page<Approval>> ListApprovals(ApprovalFilter filter, string? cursor, int limit)
    {
        var list = await Many(ReadApproval,
            $"SELECT {ApprovalColumns} FROM approvals WHERE id < $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR kind = $3) " +
            "AND ($4::text IS NULL OR subject = $4) ORDER BY id DESC LIMIT $5",
            CursorGuid(cursor) ?? MaxGuid, Typed(filter.Status?.ToWire(), NpgsqlDbType.Text), Typed(filter.Kind?.ToWire(), NpgsqlDbType.Text),
            Typed(filter.Subject, NpgsqlDbType.Text), limit + 1);
        return PageOf(list, limit, a => Cursor.FromBytes(ToBytes(a.Id.Value)));
    }

    public async ValueTask<bool> InsertApproval(Approval a) =>
        // A concurrent request for the same subject waits on the unique index, then does nothing: the caller reads the winner's row.
        await Exec($"INSERT INTO approvals ({ApprovalColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING",
            a.Id.Value, a.Kind.ToWire(), a.Subject, a.Payload, a.Summary, a.RequestedBy, a.RequestedByDisplay, a.Reason, Ts(a.RequestedAt), a.Status.ToWire(),
            Typed(a.DecidedBy, NpgsqlDbType.Text), Typed(a.DecidedByDisplay, NpgsqlDbType.Text), Typed(a.DecisionNote, NpgsqlDbType.Text),
            Typed(a.DecidedAt is { } d ? Ts(d) : null, NpgsqlDbType.TimestampTz)) == 1;

    public async ValueTask<bool> DecideApproval(ApprovalId id, ApprovalStatus status, string decidedBy, string decidedByDisplay, string? note, DateTimeOffset at)
    {
        Require(status != ApprovalStatus.Pending, "a decision is not pending");
        // At READ COMMITTED a concurrent decision of the same request makes this wait, then re-check "pending" on the newest version.
        return await Exec(
            "UPDATE approvals SET status = $2, decided_by = $3, decided_by_display = $4, decision_note = $5, decided_at = $6 " +
            "WHERE id = $1 AND status = 'pending' AND ($2 <> 'approved' OR requested_by <> $3)",
            id.Value, status.ToWire(), decidedBy, decidedByDisplay, Typed(note, NpgsqlDbType.Text), Ts(at)) == 1;
    }

    // ---- approved fee schedules -------------------------------------------------------------------

    private static FeeOverride ReadFeeOverride(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), PayoutMethods.FromWireName(r.GetString(2)) ?? throw new InvalidDataException("unknown payout method"),
        r.GetString(3), new ApprovalId(r.GetGuid(4)), Time(r, 5));

    public async ValueTask<IReadOnlyList<FeeOverride>> ListFeeOverrides() =>
        await Many(ReadFeeOverride, $"SELECT {FeeOverrideColumns} FROM fee_overrides ORDER BY version");

    public async ValueTask<long> LatestFeeOverrideVersion()
    {
        await using var cmd = Cmd("SELECT COALESCE(MAX(version), 0) FROM fee_overrides");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask<FeeOverride> InsertFeeOverride(string providerId, PayoutMethod method, string feesJson, ApprovalId approval, DateTimeOffset at) =>
        (await One(ReadFeeOverride, $"INSERT INTO fee_overrides (provider_id, method, fees_json, approval_id, effective_at) VALUES ($1, $2, $3, $4, $5) RETURNING {FeeOverrideColumns}",
            providerId, method.ToWireName(), feesJson, approval.Value, Ts(at)))!;
}
