using Microsoft.Data.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

internal sealed partial class SqliteTx
{
    private static StoredListVersion ReadListVersion(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.IsDBNull(4) ? null : FromMicros(r.GetInt64(4)), FromMicros(r.GetInt64(5)),
        r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetString(10));

    private List<StoredListVersion> ListVersions(string sql, params object?[] args)
    {
        var list = new List<StoredListVersion>();
        using var r = Cmd(sql, args).ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadListVersion(r));
        }

        return list;
    }

    public ValueTask<IReadOnlyList<StoredListVersion>> LatestSanctionsVersions() =>
        ValueTask.FromResult<IReadOnlyList<StoredListVersion>>(ListVersions(
            $"SELECT {SanctionsVersionColumns} FROM sanctions_list_versions v WHERE seq = (SELECT MAX(seq) FROM sanctions_list_versions x WHERE x.list_id = v.list_id) ORDER BY list_id"));

    public ValueTask<IReadOnlyList<StoredListVersion>> ListSanctionsVersions(string? listId) =>
        ValueTask.FromResult<IReadOnlyList<StoredListVersion>>(listId is null
            ? ListVersions($"SELECT {SanctionsVersionColumns} FROM sanctions_list_versions ORDER BY id DESC")
            : ListVersions($"SELECT {SanctionsVersionColumns} FROM sanctions_list_versions WHERE list_id = $p0 ORDER BY seq DESC", listId));

    public ValueTask<IReadOnlyDictionary<string, string>> SanctionsEntryHashes(long versionId)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        using var r = Cmd("SELECT entry_id, entry_hash FROM sanctions_entries WHERE version_id = $p0", versionId).ExecuteReader();
        while (r.Read())
        {
            map[r.GetString(0)] = r.GetString(1);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(map);
    }

    public ValueTask<IReadOnlyList<SanctionsEntry>> SanctionsEntries(long versionId)
    {
        string listId;
        using (var v = Cmd("SELECT list_id FROM sanctions_list_versions WHERE id = $p0", versionId).ExecuteReader())
        {
            if (!v.Read())
            {
                return ValueTask.FromResult<IReadOnlyList<SanctionsEntry>>([]);
            }

            listId = v.GetString(0);
        }

        var list = new List<SanctionsEntry>();
        using var r = Cmd("SELECT entry_id, body FROM sanctions_entries WHERE version_id = $p0 ORDER BY ord", versionId).ExecuteReader();
        while (r.Read())
        {
            list.Add(SanctionsEntryJson.Read(listId, r.GetString(0), r.GetString(1)));
        }

        return ValueTask.FromResult<IReadOnlyList<SanctionsEntry>>(list);
    }

    public ValueTask<Page<NamedDestination>> ListNamedDestinations(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) ?? new byte[16];
        var list = new List<NamedDestination>(limit);
        using (var r = Cmd("SELECT id, holder_id, account_holder_name FROM destinations WHERE account_holder_name IS NOT NULL AND id > $p0 ORDER BY id LIMIT $p1",
                   after, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(new NamedDestination(new DestinationId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), new PersonName(pii.Open(r.GetString(2), PersonalData.DestinationAccountHolderName))));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, d => Cursor.FromBytes(ToBytes(d.Id.Value))));
    }

    public ValueTask<StoredListVersion?> InsertSanctionsVersion(StoredListVersion v, IReadOnlyList<StoredEntryRow> entries)
    {
        object? id;
        using (var cmd = Cmd(
                   "INSERT INTO sanctions_list_versions (list_id, seq, content_hash, published_at, imported_at, entry_count, added, removed, changed, source_files) " +
                   "VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9) ON CONFLICT (list_id, seq) DO NOTHING RETURNING id",
                   v.ListId, v.Sequence, v.ContentHash, v.PublishedAt is { } p ? ToMicros(p) : null, ToMicros(v.ImportedAt), v.EntryCount, v.Added, v.Removed,
                   v.Changed, v.SourceFiles).ExecuteReader())
        {
            id = cmd.Read() ? cmd.GetInt64(0) : null;
        }

        if (id is not long versionId)
        {
            return ValueTask.FromResult<StoredListVersion?>(null);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            Cmd("INSERT INTO sanctions_entries (version_id, entry_id, ord, entry_type, primary_name, entry_hash, body) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
                versionId, e.EntryId, i, e.Type, e.PrimaryName, e.Hash, e.Document).ExecuteNonQuery();
        }

        return ValueTask.FromResult<StoredListVersion?>(v with
        {
            Id = versionId,
            ImportedAt = FromMicros(ToMicros(v.ImportedAt)),
            PublishedAt = v.PublishedAt is { } pa ? FromMicros(ToMicros(pa)) : null,
        });
    }
}
