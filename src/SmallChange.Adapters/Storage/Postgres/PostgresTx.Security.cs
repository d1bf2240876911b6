using Npgsql;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// Destination cooling-off, the activity log, known devices and step-up grants (0007_activity.sql). Activation and
/// cancellation are conditional single-statement updates, so on several nodes each happens once.
/// </summary>
internal sealed partial class PostgresTx
{
    private static DestinationState ReadDestinationState(NpgsqlDataReader r) => new(
        new DestinationId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), Time(r, 2), TimeOrNull(r, 3), TimeOrNull(r, 4));

    public async ValueTask<DestinationState?> GetDestinationState(DestinationId id) =>
        await One(ReadDestinationState, $"SELECT {DestinationStateColumns} FROM destination_states WHERE destination_id = $1", id.Value);

    public async ValueTask<IReadOnlyList<DestinationState>> ListDestinationStates(HolderId holder) =>
        await Many(ReadDestinationState, $"SELECT {DestinationStateColumns} FROM destination_states WHERE holder_id = $1 ORDER BY destination_id", holder.Value);

    public async ValueTask InsertDestinationState(DestinationState s) =>
        await Exec($"INSERT INTO destination_states ({DestinationStateColumns}) VALUES ($1, $2, $3, $4, $5)",
            s.Destination.Value, s.Holder.Value, Ts(s.UsableAt), TsOrNull(s.CancelledAt), TsOrNull(s.ActivatedAt));

    public async ValueTask<bool> CancelDestination(DestinationId id, HolderId holder, DateTimeOffset at) =>
        await Exec("UPDATE destination_states SET cancelled_at = $3 WHERE destination_id = $1 AND holder_id = $2 AND cancelled_at IS NULL",
            id.Value, holder.Value, Ts(at)) == 1;

    public async ValueTask<IReadOnlyList<DestinationState>> ActivateDueDestinations(DateTimeOffset now, int limit)
    {
        // A materialised CTE runs the LIMIT once (a subquery under IN may be rescanned and take more rows); SKIP LOCKED
        // lets two nodes take different rows, and the re-checked WHERE makes each row go once.
        var list = await Many(ReadDestinationState,
            "WITH due AS MATERIALIZED (SELECT destination_id FROM destination_states " +
            "WHERE activated_at IS NULL AND cancelled_at IS NULL AND usable_at <= $1 ORDER BY usable_at, destination_id LIMIT $2 FOR UPDATE SKIP LOCKED) " +
            "UPDATE destination_states s SET activated_at = $1 FROM due WHERE s.destination_id = due.destination_id AND s.activated_at IS NULL AND s.cancelled_at IS NULL " +
            "RETURNING s.destination_id, s.holder_id, s.usable_at, s.cancelled_at, s.activated_at",
            Ts(now), limit);
        return list.OrderBy(s => s.UsableAt).ThenBy(s => s.Destination.Value).ToList();
    }

    // ---- activity --------------------------------------------------------------------------------

    private static ActivityEntry ReadActivity(NpgsqlDataReader r) => new(
        new ActivityId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), r.GetString(2), Time(r, 3), StringOrNull(r, 4), StringOrNull(r, 5), StringOrNull(r, 6));

    public async ValueTask InsertActivity(ActivityEntry e) =>
        await Exec($"INSERT INTO activity ({ActivityColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            e.Id.Value, e.Holder.Value, e.Kind, Ts(e.At), e.Ip, e.Device, e.Detail);

    public async ValueTask<Page<ActivityEntry>> ListActivity(HolderId holder, string? cursor, int limit)
    {
        var list = await Many(ReadActivity, $"SELECT {ActivityColumns} FROM activity WHERE holder_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
            holder.Value, CursorGuid(cursor) ?? MaxGuid, limit + 1);
        return PageOf(list, limit, e => Cursor.FromBytes(ToBytes(e.Id.Value)));
    }

    // ---- devices and step-up ---------------------------------------------------------------------

    public async ValueTask<bool> IsKnownDevice(PortalUserId user, byte[] fingerprint)
    {
        await using var cmd = Cmd("SELECT 1 FROM portal_devices WHERE user_id = $1 AND fingerprint = $2", user.Value, fingerprint);
        return await cmd.ExecuteScalarAsync() is not null;
    }

    public async ValueTask<bool> RememberDevice(PortalUserId user, byte[] fingerprint, DateTimeOffset at)
    {
        // xmax = 0 only on a freshly inserted row: one statement tells a new device from a known one, even when two
        // sign-ins from the same new device race.
        await using var cmd = Cmd("INSERT INTO portal_devices (user_id, fingerprint, first_seen, last_seen) VALUES ($1, $2, $3, $3) " +
            "ON CONFLICT (user_id, fingerprint) DO UPDATE SET last_seen = excluded.last_seen RETURNING (xmax = 0)", user.Value, fingerprint, Ts(at));
        return await cmd.ExecuteScalarAsync() is true;
    }

    public async ValueTask<DateTimeOffset?> GetStepUp(byte[] sessionHash, PortalUserId user)
    {
        await using var cmd = Cmd("SELECT valid_until FROM step_ups WHERE session_hash = $1 AND user_id = $2", sessionHash, user.Value);
        return await cmd.ExecuteScalarAsync() is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }

    public async ValueTask GrantStepUp(byte[] sessionHash, PortalUserId user, DateTimeOffset validUntil, DateTimeOffset now)
    {
        await Exec("DELETE FROM step_ups WHERE user_id = $1 AND valid_until < $2", user.Value, Ts(now));
        await Exec("INSERT INTO step_ups (session_hash, user_id, valid_until) VALUES ($1, $2, $3) " +
            "ON CONFLICT (session_hash) DO UPDATE SET valid_until = excluded.valid_until WHERE step_ups.user_id = excluded.user_id",
            sessionHash, user.Value, Ts(validUntil));
    }
}
