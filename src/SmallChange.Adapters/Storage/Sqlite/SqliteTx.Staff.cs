using Microsoft.Data.Sqlite;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Staff;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Staff accounts, the staff trail, four-eyes requests and approved fee schedules (0010_staff.sql).</summary>
internal sealed partial class SqliteTx
{
    // ---- staff accounts ---------------------------------------------------------------------------

    private static StaffUser ReadStaff(SqliteDataReader r) => new(
        new StaffId(ToGuid((byte[])r[0])), new EmailAddress(r.GetString(1)), r.GetString(2),
        StaffRoles.FromWire(r.GetString(3)) ?? throw new InvalidDataException("unknown staff role"), r.GetString(4), r.GetString(5),
        r.IsDBNull(6) ? null : FromMicros(r.GetInt64(6)), r.GetInt32(7), r.GetInt64(8) != 0, NullableString(r, 9),
        r.IsDBNull(10) ? null : r.GetInt64(10), FromMicros(r.GetInt64(11)), r.IsDBNull(12) ? null : FromMicros(r.GetInt64(12)));

    public ValueTask<StaffUser?> GetStaff(StaffId id)
    {
        using var r = Cmd($"SELECT {StaffColumns} FROM staff_users WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadStaff(r) : null);
    }

    public ValueTask<StaffUser?> FindStaffByEmail(string normalizedEmail)
    {
        using var r = Cmd($"SELECT {StaffColumns} FROM staff_users WHERE normalized_email = $p0", normalizedEmail).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadStaff(r) : null);
    }

    public ValueTask<IReadOnlyList<StaffUser>> ListStaff()
    {
        var list = new List<StaffUser>();
        using var r = Cmd($"SELECT {StaffColumns} FROM staff_users ORDER BY id").ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadStaff(r));
        }

        return ValueTask.FromResult<IReadOnlyList<StaffUser>>(list);
    }

    public ValueTask InsertStaff(StaffUser u)
    {
        Cmd($"INSERT INTO staff_users ({StaffColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12)",
            ToBytes(u.Id.Value), u.Email.Value, u.NormalizedEmail, u.Role.ToWire(), u.PasswordHash, u.SecurityStamp, MicrosOrNull(u.LockoutEnd),
            u.AccessFailedCount, u.TwoFactorEnabled ? 1 : 0, u.ProtectedAuthenticatorKey, u.LastTotpStep, ToMicros(u.CreatedAt), MicrosOrNull(u.DisabledAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> DisableStaff(StaffId id, string newSecurityStamp, DateTimeOffset at) => ValueTask.FromResult(
        Cmd("UPDATE staff_users SET disabled_at = $p1, security_stamp = $p2 WHERE id = $p0 AND disabled_at IS NULL",
            ToBytes(id.Value), ToMicros(at), newSecurityStamp).ExecuteNonQuery() == 1);

    public ValueTask<int> IncrementStaffAccessFailed(StaffId id)
    {
        using var r = Cmd("UPDATE staff_users SET access_failed_count = access_failed_count + 1 WHERE id = $p0 RETURNING access_failed_count",
            ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? r.GetInt32(0) : 0);
    }

    public ValueTask ResetStaffAccessFailed(StaffId id)
    {
        Cmd("UPDATE staff_users SET access_failed_count = 0 WHERE id = $p0", ToBytes(id.Value)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask SetStaffLockoutEnd(StaffId id, DateTimeOffset? end)
    {
        Cmd("UPDATE staff_users SET lockout_end = $p1 WHERE id = $p0", ToBytes(id.Value), MicrosOrNull(end)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> SetStaffEnrolmentKey(StaffId id, string protectedKey) => ValueTask.FromResult(
        Cmd("UPDATE staff_users SET authenticator_key = $p1 WHERE id = $p0 AND two_factor_enabled = 0", ToBytes(id.Value), protectedKey).ExecuteNonQuery() == 1);

    public ValueTask<bool> EnableStaffTwoFactor(StaffId id, string newSecurityStamp) => ValueTask.FromResult(
        Cmd("UPDATE staff_users SET two_factor_enabled = 1, security_stamp = $p1 WHERE id = $p0 AND two_factor_enabled = 0 AND authenticator_key IS NOT NULL",
            ToBytes(id.Value), newSecurityStamp).ExecuteNonQuery() == 1);

    public ValueTask<bool> TryAdvanceStaffTotpStep(StaffId id, long step) => ValueTask.FromResult(
        Cmd("UPDATE staff_users SET last_totp_step = $p1 WHERE id = $p0 AND (last_totp_step IS NULL OR last_totp_step < $p1)", ToBytes(id.Value), step).ExecuteNonQuery() == 1);

    // ---- the staff trail --------------------------------------------------------------------------

    public ValueTask InsertStaffAudit(StaffAuditEntry e)
    {
        Cmd($"INSERT INTO staff_audit ({StaffAuditColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
            ToBytes(e.Id), ToMicros(e.At), e.Actor, e.ActorDisplay, e.Action, e.Subject, e.Detail).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<Page<StaffAuditEntry>> ListStaffAudit(string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<StaffAuditEntry>(limit);
        using (var r = Cmd($"SELECT {StaffAuditColumns} FROM staff_audit WHERE id < $p0 ORDER BY id DESC LIMIT $p1", before, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(new StaffAuditEntry(ToGuid((byte[])r[0]), FromMicros(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4), NullableString(r, 5), NullableString(r, 6)));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, e => Cursor.FromBytes(ToBytes(e.Id))));
    }

    // ---- four-eyes requests -----------------------------------------------------------------------

    private static Approval ReadApproval(SqliteDataReader r) => new(
        new ApprovalId(ToGuid((byte[])r[0])), ApprovalWire.KindFromWire(r.GetString(1)) ?? throw new InvalidDataException("unknown approval kind"),
        r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), FromMicros(r.GetInt64(8)),
        ApprovalWire.StatusFromWire(r.GetString(9)) ?? throw new InvalidDataException("unknown approval status"),
        NullableString(r, 10), NullableString(r, 11), NullableString(r, 12), r.IsDBNull(13) ? null : FromMicros(r.GetInt64(13)));

    public ValueTask<Approval?> GetApproval(ApprovalId id)
    {
        using var r = Cmd($"SELECT {ApprovalColumns} FROM approvals WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadApproval(r) : null);
    }

    public ValueTask<Approval?> FindPendingApproval(ApprovalKind kind, string subject)
    {
        using var r = Cmd($"SELECT {ApprovalColumns} FROM approvals WHERE kind = $p0 AND subject = $p1 AND status = 'pending'", kind.ToWire(), subject).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadApproval(r) : null);
    }

    public ValueTask<Page<Approval>> ListApprovals(ApprovalFilter filter, string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<Approval>(limit);
        using (var r = Cmd(
                   $"SELECT {ApprovalColumns} FROM approvals WHERE id < $p0 AND ($p1 IS NULL OR status = $p1) AND ($p2 IS NULL OR kind = $p2) " +
                   "AND ($p3 IS NULL OR subject = $p3) ORDER BY id DESC LIMIT $p4",
                   before, filter.Status?.ToWire(), filter.Kind?.ToWire(), filter.Subject, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadApproval(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, a => Cursor.FromBytes(ToBytes(a.Id.Value))));
    }

    public ValueTask<bool> InsertApproval(Approval a) => ValueTask.FromResult(
        Cmd($"INSERT INTO approvals ({ApprovalColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13) ON CONFLICT DO NOTHING",
            ToBytes(a.Id.Value), a.Kind.ToWire(), a.Subject, a.Payload, a.Summary, a.RequestedBy, a.RequestedByDisplay, a.Reason, ToMicros(a.RequestedAt),
            a.Status.ToWire(), a.DecidedBy, a.DecidedByDisplay, a.DecisionNote, MicrosOrNull(a.DecidedAt)).ExecuteNonQuery() == 1);

    public ValueTask<bool> DecideApproval(ApprovalId id, ApprovalStatus status, string decidedBy, string decidedByDisplay, string? note, DateTimeOffset at)
    {
        Require(status != ApprovalStatus.Pending, "a decision is not pending");
        return ValueTask.FromResult(Cmd(
            "UPDATE approvals SET status = $p1, decided_by = $p2, decided_by_display = $p3, decision_note = $p4, decided_at = $p5 " +
            "WHERE id = $p0 AND status = 'pending' AND ($p1 <> 'approved' OR requested_by <> $p2)",
            ToBytes(id.Value), status.ToWire(), decidedBy, decidedByDisplay, note, ToMicros(at)).ExecuteNonQuery() == 1);
    }

    // ---- approved fee schedules -------------------------------------------------------------------

    private static FeeOverride ReadFeeOverride(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), PayoutMethods.FromWireName(r.GetString(2)) ?? throw new InvalidDataException("unknown payout method"),
        r.GetString(3), new ApprovalId(ToGuid((byte[])r[4])), FromMicros(r.GetInt64(5)));

    public ValueTask<IReadOnlyList<FeeOverride>> ListFeeOverrides()
    {
        var list = new List<FeeOverride>();
        using var r = Cmd($"SELECT {FeeOverrideColumns} FROM fee_overrides ORDER BY version").ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadFeeOverride(r));
        }

        return ValueTask.FromResult<IReadOnlyList<FeeOverride>>(list);
    }

    public ValueTask<long> LatestFeeOverrideVersion() =>
        ValueTask.FromResult((long)Cmd("SELECT COALESCE(MAX(version), 0) FROM fee_overrides").ExecuteScalar()!);

    public ValueTask<FeeOverride> InsertFeeOverride(string providerId, PayoutMethod method, string feesJson, ApprovalId approval, DateTimeOffset at)
    {
        using var r = Cmd($"INSERT INTO fee_overrides (provider_id, method, fees_json, approval_id, effective_at) VALUES ($p0, $p1, $p2, $p3, $p4) RETURNING {FeeOverrideColumns}",
            providerId, method.ToWireName(), feesJson, ToBytes(approval.Value), ToMicros(at)).ExecuteReader();
        Require(r.Read(), "the inserted fee schedule is returned");
        return ValueTask.FromResult(ReadFeeOverride(r));
    }
}
