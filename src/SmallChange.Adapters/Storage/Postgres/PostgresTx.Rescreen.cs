using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// Rescreen hits filed as alerts (0011_sanctions_rescreen.sql). Two nodes claiming the same hit: the second waits on the
/// first's row and then inserts nothing.
/// </summary>
internal sealed partial class PostgresTx
{
    public async ValueTask<bool> ClaimRescreenHit(RescreenHitKey h, DateTimeOffset at) =>
        await Exec("INSERT INTO sanctions_rescreen_hits (subject_kind, subject_id, list_id, entry_id, entry_hash, holder_id, created_at) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            h.SubjectKind, h.SubjectId, h.ListId, h.EntryId, h.EntryHash, h.Holder.Value, Ts(at)) == 1;
}
