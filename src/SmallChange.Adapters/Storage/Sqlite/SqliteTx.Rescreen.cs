using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Rescreen hits filed as alerts (0011_sanctions_rescreen.sql).</summary>
internal sealed partial class SqliteTx
{
    public ValueTask<bool> ClaimRescreenHit(RescreenHitKey h, DateTimeOffset at) =>
        ValueTask.FromResult(Cmd("INSERT INTO sanctions_rescreen_hits (subject_kind, subject_id, list_id, entry_id, entry_hash, holder_id, created_at) " +
            "VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6) ON CONFLICT DO NOTHING",
            h.SubjectKind, ToBytes(h.SubjectId), h.ListId, h.EntryId, h.EntryHash, ToBytes(h.Holder.Value), ToMicros(at)).ExecuteNonQuery() == 1);
}
