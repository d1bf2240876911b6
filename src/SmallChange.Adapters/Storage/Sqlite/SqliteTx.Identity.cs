using Microsoft.Data.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Portal accounts, recovery codes, the inbox and the Data Protection key ring (0003_identity.sql).</summary>
internal sealed partial class SqliteTx
{
    private PortalUser ReadPortalUser(SqliteDataReader r) => new(
        new PortalUserId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), new EmailAddress(pii.Open(r.GetString(2), PersonalData.PortalEmail)),
        pii.Open(r.GetString(3), PersonalData.PortalNormalizedEmail),
        r.GetInt64(4) != 0, NullableString(r, 5), r.GetString(6), r.GetString(7), r.GetInt64(8) != 0,
        r.IsDBNull(9) ? null : FromMicros(r.GetInt64(9)), r.GetInt32(10), r.GetInt64(11) != 0, NullableString(r, 12),
        r.IsDBNull(13) ? null : r.GetInt64(13), FromMicros(r.GetInt64(14)));

    private static object? MicrosOrNull(DateTimeOffset? t) => t is { } v ? ToMicros(v) : null;

    public ValueTask<PortalUser?> GetPortalUser(PortalUserId id)
    {
        using var r = Cmd($"SELECT {PortalUserColumns} FROM portal_users WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadPortalUser(r) : null);
    }

    public ValueTask<PortalUser?> FindPortalUserByEmail(string normalizedEmail)
    {
        using var r = Cmd($"SELECT {PortalUserColumns} FROM portal_users WHERE email_index = $p0", pii.EmailIndex(normalizedEmail)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadPortalUser(r) : null);
    }

    public ValueTask<PortalUser?> FindPortalUserByHolder(HolderId holder)
    {
        using var r = Cmd($"SELECT {PortalUserColumns} FROM portal_users WHERE holder_id = $p0", ToBytes(holder.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadPortalUser(r) : null);
    }

    public ValueTask InsertPortalUser(PortalUser u)
    {
        Cmd($"INSERT INTO portal_users ({PortalUserColumns}, email_index) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14, $p15)",
            ToBytes(u.Id.Value), ToBytes(u.Holder.Value), pii.Seal(u.Email.Value, PersonalData.PortalEmail), pii.Seal(u.NormalizedEmail, PersonalData.PortalNormalizedEmail), u.EmailConfirmed ? 1 : 0, u.PasswordHash, u.SecurityStamp,
            u.ConcurrencyStamp, u.LockoutEnabled ? 1 : 0, MicrosOrNull(u.LockoutEnd), u.AccessFailedCount, u.TwoFactorEnabled ? 1 : 0,
            u.ProtectedAuthenticatorKey, u.LastTotpStep, ToMicros(u.CreatedAt), pii.EmailIndex(u.NormalizedEmail)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> UpdatePortalUser(PortalUser u, string expectedConcurrencyStamp) =>
        ValueTask.FromResult(Cmd(
            "UPDATE portal_users SET email = $p2, normalized_email = $p3, email_confirmed = $p4, password_hash = $p5, security_stamp = $p6, " +
            "concurrency_stamp = $p7, lockout_enabled = $p8, two_factor_enabled = $p9, authenticator_key = $p10, email_index = $p11 WHERE id = $p0 AND concurrency_stamp = $p1",
            ToBytes(u.Id.Value), expectedConcurrencyStamp, pii.Seal(u.Email.Value, PersonalData.PortalEmail), pii.Seal(u.NormalizedEmail, PersonalData.PortalNormalizedEmail),
            u.EmailConfirmed ? 1 : 0, u.PasswordHash, u.SecurityStamp,
            u.ConcurrencyStamp, u.LockoutEnabled ? 1 : 0, u.TwoFactorEnabled ? 1 : 0, u.ProtectedAuthenticatorKey, pii.EmailIndex(u.NormalizedEmail)).ExecuteNonQuery() == 1);

    public ValueTask<bool> DeletePortalUser(PortalUserId id)
    {
        Cmd("DELETE FROM portal_recovery_codes WHERE user_id = $p0", ToBytes(id.Value)).ExecuteNonQuery();
        return ValueTask.FromResult(Cmd("DELETE FROM portal_users WHERE id = $p0", ToBytes(id.Value)).ExecuteNonQuery() == 1);
    }

    public ValueTask<int> IncrementAccessFailed(PortalUserId id)
    {
        using var r = Cmd("UPDATE portal_users SET access_failed_count = access_failed_count + 1 WHERE id = $p0 RETURNING access_failed_count",
            ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? r.GetInt32(0) : 0);
    }

    public ValueTask ResetAccessFailed(PortalUserId id)
    {
        Cmd("UPDATE portal_users SET access_failed_count = 0 WHERE id = $p0", ToBytes(id.Value)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask SetLockoutEnd(PortalUserId id, DateTimeOffset? end)
    {
        Cmd("UPDATE portal_users SET lockout_end = $p1 WHERE id = $p0", ToBytes(id.Value), MicrosOrNull(end)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TryAdvanceTotpStep(PortalUserId id, long step) =>
        ValueTask.FromResult(Cmd("UPDATE portal_users SET last_totp_step = $p1 WHERE id = $p0 AND (last_totp_step IS NULL OR last_totp_step < $p1)",
            ToBytes(id.Value), step).ExecuteNonQuery() == 1);

    public ValueTask<int> CountRecoveryCodes(PortalUserId user) =>
        ValueTask.FromResult(Convert.ToInt32(Cmd("SELECT COUNT(*) FROM portal_recovery_codes WHERE user_id = $p0", ToBytes(user.Value)).ExecuteScalar(),
            System.Globalization.CultureInfo.InvariantCulture));

    public ValueTask ReplaceRecoveryCodes(PortalUserId id, IReadOnlyCollection<byte[]> codeHashes)
    {
        Cmd("DELETE FROM portal_recovery_codes WHERE user_id = $p0", ToBytes(id.Value)).ExecuteNonQuery();
        foreach (var hash in codeHashes)
        {
            Cmd("INSERT INTO portal_recovery_codes (user_id, code_hash) VALUES ($p0, $p1) ON CONFLICT DO NOTHING", ToBytes(id.Value), hash).ExecuteNonQuery();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> RedeemRecoveryCode(PortalUserId id, byte[] codeHash) =>
        ValueTask.FromResult(Cmd("DELETE FROM portal_recovery_codes WHERE user_id = $p0 AND code_hash = $p1", ToBytes(id.Value), codeHash).ExecuteNonQuery() == 1);

    // ---- inbox -----------------------------------------------------------------------------------

    private static InboxMessage ReadInbox(SqliteDataReader r) => new(
        new NotificationId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), r.GetString(2), r.GetString(3), r.GetString(4),
        FromMicros(r.GetInt64(5)), r.IsDBNull(6) ? null : FromMicros(r.GetInt64(6)));

    public ValueTask InsertInboxMessage(InboxMessage m)
    {
        Cmd($"INSERT INTO inbox ({InboxColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
            ToBytes(m.Id.Value), ToBytes(m.Holder.Value), m.Kind, m.Subject, m.Body, ToMicros(m.CreatedAt), MicrosOrNull(m.ReadAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<Page<InboxMessage>> ListInbox(HolderId holder, string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<InboxMessage>(limit);
        using (var r = Cmd($"SELECT {InboxColumns} FROM inbox WHERE holder_id = $p0 AND id < $p1 ORDER BY id DESC LIMIT $p2",
                   ToBytes(holder.Value), before, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadInbox(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, m => Cursor.FromBytes(ToBytes(m.Id.Value))));
    }

    public ValueTask<int> CountUnread(HolderId holder) =>
        ValueTask.FromResult(Convert.ToInt32(Cmd("SELECT COUNT(*) FROM inbox WHERE holder_id = $p0 AND read_at IS NULL", ToBytes(holder.Value)).ExecuteScalar(),
            System.Globalization.CultureInfo.InvariantCulture));

    public ValueTask<bool> MarkInboxRead(HolderId holder, NotificationId id, DateTimeOffset at) =>
        ValueTask.FromResult(Cmd("UPDATE inbox SET read_at = $p2 WHERE id = $p0 AND holder_id = $p1 AND read_at IS NULL",
            ToBytes(id.Value), ToBytes(holder.Value), ToMicros(at)).ExecuteNonQuery() == 1);

    // ---- Data Protection key ring ----------------------------------------------------------------

    public ValueTask<IReadOnlyList<StoredXmlKey>> ListDataProtectionKeys()
    {
        var list = new List<StoredXmlKey>();
        using var r = Cmd("SELECT name, xml, created_at FROM data_protection_keys ORDER BY created_at, name").ExecuteReader();
        while (r.Read())
        {
            list.Add(new StoredXmlKey(r.GetString(0), pii.Open(r.GetString(1), PersonalData.DataProtectionKeyXml), FromMicros(r.GetInt64(2))));
        }

        return ValueTask.FromResult<IReadOnlyList<StoredXmlKey>>(list);
    }

    public ValueTask InsertDataProtectionKey(StoredXmlKey key)
    {
        Cmd("INSERT INTO data_protection_keys (name, xml, created_at) VALUES ($p0, $p1, $p2) ON CONFLICT (name) DO NOTHING",
            key.Name, pii.Seal(key.Xml, PersonalData.DataProtectionKeyXml), ToMicros(key.CreatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }
}
