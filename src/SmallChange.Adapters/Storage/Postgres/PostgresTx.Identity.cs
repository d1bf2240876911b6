using Npgsql;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// Portal accounts, recovery codes, the inbox and the Data Protection key ring (0003_identity.sql). The failure
/// counter, the lockout end and the last TOTP step are single-statement updates, so concurrent sign-ins on several
/// nodes count every failure and accept a TOTP step once.
/// </summary>
internal sealed partial class PostgresTx
{
    private PortalUser ReadPortalUser(NpgsqlDataReader r) => new(
        new PortalUserId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), new EmailAddress(pii.Open(r.GetString(2), PersonalData.PortalEmail)),
        pii.Open(r.GetString(3), PersonalData.PortalNormalizedEmail),
        r.GetBoolean(4), StringOrNull(r, 5), r.GetString(6), r.GetString(7), r.GetBoolean(8), TimeOrNull(r, 9), r.GetInt32(10),
        r.GetBoolean(11), StringOrNull(r, 12), r.IsDBNull(13) ? null : r.GetInt64(13), Time(r, 14));

    public async ValueTask<PortalUser?> GetPortalUser(PortalUserId id) =>
        await One(ReadPortalUser, $"SELECT {PortalUserColumns} FROM portal_users WHERE id = $1", id.Value);

    public async ValueTask<PortalUser?> FindPortalUserByEmail(string normalizedEmail) =>
        await One(ReadPortalUser, $"SELECT {PortalUserColumns} FROM portal_users WHERE email_index = $1", pii.EmailIndex(normalizedEmail));

    public async ValueTask<PortalUser?> FindPortalUserByHolder(HolderId holder) =>
        await One(ReadPortalUser, $"SELECT {PortalUserColumns} FROM portal_users WHERE holder_id = $1", holder.Value);

    public async ValueTask InsertPortalUser(PortalUser u) =>
        await Exec($"INSERT INTO portal_users ({PortalUserColumns}, email_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            u.Id.Value, u.Holder.Value, pii.Seal(u.Email.Value, PersonalData.PortalEmail), pii.Seal(u.NormalizedEmail, PersonalData.PortalNormalizedEmail), u.EmailConfirmed, u.PasswordHash, u.SecurityStamp, u.ConcurrencyStamp,
            u.LockoutEnabled, TsOrNull(u.LockoutEnd), u.AccessFailedCount, u.TwoFactorEnabled, u.ProtectedAuthenticatorKey,
            u.LastTotpStep is { } step ? step : DBNull.Value, Ts(u.CreatedAt), pii.EmailIndex(u.NormalizedEmail));

    public async ValueTask<bool> UpdatePortalUser(PortalUser u, string expectedConcurrencyStamp) =>
        await Exec(
            "UPDATE portal_users SET email = $3, normalized_email = $4, email_confirmed = $5, password_hash = $6, security_stamp = $7, " +
            "concurrency_stamp = $8, lockout_enabled = $9, two_factor_enabled = $10, authenticator_key = $11, email_index = $12 WHERE id = $1 AND concurrency_stamp = $2",
            u.Id.Value, expectedConcurrencyStamp, pii.Seal(u.Email.Value, PersonalData.PortalEmail), pii.Seal(u.NormalizedEmail, PersonalData.PortalNormalizedEmail),
            u.EmailConfirmed, u.PasswordHash, u.SecurityStamp,
            u.ConcurrencyStamp, u.LockoutEnabled, u.TwoFactorEnabled, u.ProtectedAuthenticatorKey, pii.EmailIndex(u.NormalizedEmail)) == 1;

    public async ValueTask<bool> DeletePortalUser(PortalUserId id)
    {
        await Exec("DELETE FROM portal_recovery_codes WHERE user_id = $1", id.Value);
        return await Exec("DELETE FROM portal_users WHERE id = $1", id.Value) == 1;
    }

    public async ValueTask<int> IncrementAccessFailed(PortalUserId id)
    {
        await using var cmd = Cmd("UPDATE portal_users SET access_failed_count = access_failed_count + 1 WHERE id = $1 RETURNING access_failed_count", id.Value);
        return await cmd.ExecuteScalarAsync() is int count ? count : 0;
    }

    public async ValueTask ResetAccessFailed(PortalUserId id) =>
        await Exec("UPDATE portal_users SET access_failed_count = 0 WHERE id = $1", id.Value);

    public async ValueTask SetLockoutEnd(PortalUserId id, DateTimeOffset? end) =>
        await Exec("UPDATE portal_users SET lockout_end = $2 WHERE id = $1", id.Value, TsOrNull(end));

    public async ValueTask<bool> TryAdvanceTotpStep(PortalUserId id, long step) =>
        await Exec("UPDATE portal_users SET last_totp_step = $2 WHERE id = $1 AND (last_totp_step IS NULL OR last_totp_step < $2)", id.Value, step) == 1;

    public async ValueTask<int> CountRecoveryCodes(PortalUserId user)
    {
        await using var cmd = Cmd("SELECT COUNT(*)::integer FROM portal_recovery_codes WHERE user_id = $1", user.Value);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask ReplaceRecoveryCodes(PortalUserId id, IReadOnlyCollection<byte[]> codeHashes)
    {
        await Exec("DELETE FROM portal_recovery_codes WHERE user_id = $1", id.Value);
        if (codeHashes.Count > 0)
        {
            await Exec("INSERT INTO portal_recovery_codes (user_id, code_hash) SELECT $1, h FROM unnest($2::bytea[]) AS h ON CONFLICT DO NOTHING",
                id.Value, codeHashes.ToArray());
        }
    }

    public async ValueTask<bool> RedeemRecoveryCode(PortalUserId id, byte[] codeHash) =>
        await Exec("DELETE FROM portal_recovery_codes WHERE user_id = $1 AND code_hash = $2", id.Value, codeHash) == 1;

    // ---- inbox -----------------------------------------------------------------------------------

    private static InboxMessage ReadInbox(NpgsqlDataReader r) => new(
        new NotificationId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), r.GetString(2), r.GetString(3), r.GetString(4), Time(r, 5), TimeOrNull(r, 6));

    public async ValueTask InsertInboxMessage(InboxMessage m) =>
        await Exec($"INSERT INTO inbox ({InboxColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            m.Id.Value, m.Holder.Value, m.Kind, m.Subject, m.Body, Ts(m.CreatedAt), TsOrNull(m.ReadAt));

    public async ValueTask<Page<InboxMessage>> ListInbox(HolderId holder, string? cursor, int limit)
    {
        var list = await Many(ReadInbox, $"SELECT {InboxColumns} FROM inbox WHERE holder_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
            holder.Value, CursorGuid(cursor) ?? MaxGuid, limit + 1);
        return PageOf(list, limit, m => Cursor.FromBytes(ToBytes(m.Id.Value)));
    }

    public async ValueTask<int> CountUnread(HolderId holder)
    {
        await using var cmd = Cmd("SELECT COUNT(*)::integer FROM inbox WHERE holder_id = $1 AND read_at IS NULL", holder.Value);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask<bool> MarkInboxRead(HolderId holder, NotificationId id, DateTimeOffset at) =>
        await Exec("UPDATE inbox SET read_at = $3 WHERE id = $1 AND holder_id = $2 AND read_at IS NULL", id.Value, holder.Value, Ts(at)) == 1;

    // ---- Data Protection key ring ----------------------------------------------------------------

    public async ValueTask<IReadOnlyList<StoredXmlKey>> ListDataProtectionKeys() =>
        await Many(r => new StoredXmlKey(r.GetString(0), pii.Open(r.GetString(1), PersonalData.DataProtectionKeyXml), Time(r, 2)), "SELECT name, xml, created_at FROM data_protection_keys ORDER BY created_at, name");

    public async ValueTask InsertDataProtectionKey(StoredXmlKey key) =>
        await Exec("INSERT INTO data_protection_keys (name, xml, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING", key.Name, pii.Seal(key.Xml, PersonalData.DataProtectionKeyXml), Ts(key.CreatedAt));
}
