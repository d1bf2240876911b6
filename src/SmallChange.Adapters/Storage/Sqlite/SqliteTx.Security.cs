using Microsoft.Data.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Destination cooling-off, the activity log, known devices and step-up grants (0007_activity.sql).</summary>
internal sealed partial class SqliteTx
{
    private static DestinationState ReadDestinationState(SqliteDataReader r) => new(
        new DestinationId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), FromMicros(r.GetInt64(2)),
        r.IsDBNull(3) ? null : FromMicros(r.GetInt64(3)), r.IsDBNull(4) ? null : FromMicros(r.GetInt64(4)));

    public ValueTask<DestinationState?> GetDestinationState(DestinationId id)
    {
        using var r = Cmd($"SELECT {DestinationStateColumns} FROM destination_states WHERE destination_id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadDestinationState(r) : null);
    }

    public ValueTask<IReadOnlyList<DestinationState>> ListDestinationStates(HolderId holder)
    {
        var list = new List<DestinationState>();
        using var r = Cmd($"SELECT {DestinationStateColumns} FROM destination_states WHERE holder_id = $p0 ORDER BY destination_id", ToBytes(holder.Value)).ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadDestinationState(r));
        }

        return ValueTask.FromResult<IReadOnlyList<DestinationState>>(list);
    }

    public ValueTask InsertDestinationState(DestinationState s)
    {
        Cmd($"INSERT INTO destination_states ({DestinationStateColumns}) VALUES ($p0, $p1, $p2, $p3, $p4)",
            ToBytes(s.Destination.Value), ToBytes(s.Holder.Value), ToMicros(s.UsableAt), MicrosOrNull(s.CancelledAt), MicrosOrNull(s.ActivatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> CancelDestination(DestinationId id, HolderId holder, DateTimeOffset at) =>
        ValueTask.FromResult(Cmd("UPDATE destination_states SET cancelled_at = $p2 WHERE destination_id = $p0 AND holder_id = $p1 AND cancelled_at IS NULL",
            ToBytes(id.Value), ToBytes(holder.Value), ToMicros(at)).ExecuteNonQuery() == 1);

    public ValueTask<IReadOnlyList<DestinationState>> ActivateDueDestinations(DateTimeOffset now, int limit)
    {
        // The SQLite writer is one connection: the select and the update below cannot interleave with another writer.
        var list = new List<DestinationState>();
        using (var r = Cmd($"SELECT {DestinationStateColumns} FROM destination_states WHERE activated_at IS NULL AND cancelled_at IS NULL AND usable_at <= $p0 " +
                   "ORDER BY usable_at, destination_id LIMIT $p1", ToMicros(now), limit).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadDestinationState(r));
            }
        }

        foreach (var s in list)
        {
            Require(Cmd("UPDATE destination_states SET activated_at = $p1 WHERE destination_id = $p0 AND activated_at IS NULL",
                ToBytes(s.Destination.Value), ToMicros(now)).ExecuteNonQuery() == 1, "activation of a destination seen due");
        }

        return ValueTask.FromResult<IReadOnlyList<DestinationState>>(list.Select(s => s with { ActivatedAt = FromMicros(ToMicros(now)) }).ToList());
    }

    // ---- activity --------------------------------------------------------------------------------

    private static ActivityEntry ReadActivity(SqliteDataReader r) => new(
        new ActivityId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), r.GetString(2), FromMicros(r.GetInt64(3)),
        NullableString(r, 4), NullableString(r, 5), NullableString(r, 6));

    public ValueTask InsertActivity(ActivityEntry e)
    {
        Cmd($"INSERT INTO activity ({ActivityColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
            ToBytes(e.Id.Value), ToBytes(e.Holder.Value), e.Kind, ToMicros(e.At), e.Ip, e.Device, e.Detail).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<Page<ActivityEntry>> ListActivity(HolderId holder, string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<ActivityEntry>(limit);
        using (var r = Cmd($"SELECT {ActivityColumns} FROM activity WHERE holder_id = $p0 AND id < $p1 ORDER BY id DESC LIMIT $p2",
                   ToBytes(holder.Value), before, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadActivity(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, e => Cursor.FromBytes(ToBytes(e.Id.Value))));
    }

    // ---- devices and step-up ---------------------------------------------------------------------

    public ValueTask<bool> IsKnownDevice(PortalUserId user, byte[] fingerprint) =>
        ValueTask.FromResult(Cmd("SELECT 1 FROM portal_devices WHERE user_id = $p0 AND fingerprint = $p1", ToBytes(user.Value), fingerprint).ExecuteScalar() is not null);

    public ValueTask<bool> RememberDevice(PortalUserId user, byte[] fingerprint, DateTimeOffset at)
    {
        var added = Cmd("INSERT INTO portal_devices (user_id, fingerprint, first_seen, last_seen) VALUES ($p0, $p1, $p2, $p2) ON CONFLICT DO NOTHING",
            ToBytes(user.Value), fingerprint, ToMicros(at)).ExecuteNonQuery() == 1;
        if (!added)
        {
            Cmd("UPDATE portal_devices SET last_seen = $p2 WHERE user_id = $p0 AND fingerprint = $p1", ToBytes(user.Value), fingerprint, ToMicros(at)).ExecuteNonQuery();
        }

        return ValueTask.FromResult(added);
    }

    public ValueTask<DateTimeOffset?> GetStepUp(byte[] sessionHash, PortalUserId user)
    {
        var v = Cmd("SELECT valid_until FROM step_ups WHERE session_hash = $p0 AND user_id = $p1", sessionHash, ToBytes(user.Value)).ExecuteScalar();
        return ValueTask.FromResult<DateTimeOffset?>(v is long micros ? FromMicros(micros) : null);
    }

    public ValueTask GrantStepUp(byte[] sessionHash, PortalUserId user, DateTimeOffset validUntil, DateTimeOffset now)
    {
        Cmd("DELETE FROM step_ups WHERE user_id = $p0 AND valid_until < $p1", ToBytes(user.Value), ToMicros(now)).ExecuteNonQuery();
        Cmd("INSERT INTO step_ups (session_hash, user_id, valid_until) VALUES ($p0, $p1, $p2) " +
            "ON CONFLICT (session_hash) DO UPDATE SET valid_until = excluded.valid_until WHERE step_ups.user_id = excluded.user_id",
            sessionHash, ToBytes(user.Value), ToMicros(validUntil)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }
}
