using Npgsql;
using NpgsqlTypes;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

internal sealed partial class PostgresTx
{
    private static StoredListVersion ReadListVersion(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetString(3), TimeOrNull(r, 4), Time(r, 5),
        r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetString(10));

    public async ValueTask<IReadOnlyList<StoredListVersion>> LatestSanctionsVersions() =>
        await Many(ReadListVersion,
            $"SELECT {SanctionsVersionColumns} FROM (SELECT DISTINCT ON (list_id) * FROM sanctions_list_versions ORDER BY list_id, seq DESC) v ORDER BY list_id COLLATE \"C\"");

    public async ValueTask<IReadOnlyList<StoredListVersion>> ListSanctionsVersions(string? listId) => listId is null
        ? await Many(ReadListVersion, $"SELECT {SanctionsVersionColumns} FROM sanctions_list_versions ORDER BY id DESC")
        : await Many(ReadListVersion, $"SELECT {SanctionsVersionColumns} FROM sanctions_list_versions WHERE list_id = $1 ORDER BY seq DESC", listId);

    public async ValueTask<IReadOnlyDictionary<string, string>> SanctionsEntryHashes(long versionId) =>
        (await Many(r => (r.GetString(0), r.GetString(1)), "SELECT entry_id, entry_hash FROM sanctions_entries WHERE version_id = $1", versionId))
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

    public async ValueTask<IReadOnlyList<SanctionsEntry>> SanctionsEntries(long versionId) =>
        await Many(r => SanctionsEntryJson.Read(r.GetString(0), r.GetString(1), r.GetString(2)),
            "SELECT v.list_id, e.entry_id, e.body FROM sanctions_entries e JOIN sanctions_list_versions v ON v.id = e.version_id WHERE e.version_id = $1 ORDER BY e.ord",
            versionId);

    public async ValueTask<Page<NamedDestination>> ListNamedDestinations(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) is { } b ? ToGuid(b) : Guid.Empty;
        var list = await Many(r => new NamedDestination(new DestinationId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), new PersonName(pii.Open(r.GetString(2), PersonalData.DestinationAccountHolderName))),
            "SELECT id, holder_id, account_holder_name FROM destinations WHERE account_holder_name IS NOT NULL AND id > $1 ORDER BY id LIMIT $2", after, limit + 1);
        return PageOf(list, limit, d => Cursor.FromBytes(ToBytes(d.Id.Value)));
    }

    public async ValueTask<StoredListVersion?> InsertSanctionsVersion(StoredListVersion v, IReadOnlyList<StoredEntryRow> entries)
    {
        // A concurrent import of the same sequence number waits on the unique index, then does nothing.
        var ids = await Many(r => r.GetInt64(0),
            "INSERT INTO sanctions_list_versions (list_id, seq, content_hash, published_at, imported_at, entry_count, added, removed, changed, source_files) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (list_id, seq) DO NOTHING RETURNING id",
            v.ListId, v.Sequence, v.ContentHash, TsOrNull(v.PublishedAt), Ts(v.ImportedAt), v.EntryCount, v.Added, v.Removed, v.Changed, v.SourceFiles);
        if (ids.Count == 0)
        {
            return null;
        }

        // Thousands of rows: one binary COPY inside this transaction.
        await using (var copy = await conn.BeginBinaryImportAsync(
                         "COPY sanctions_entries (version_id, entry_id, ord, entry_type, primary_name, entry_hash, body) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                await copy.StartRowAsync();
                await copy.WriteAsync(ids[0], NpgsqlDbType.Bigint);
                await copy.WriteAsync(e.EntryId, NpgsqlDbType.Text);
                await copy.WriteAsync(i, NpgsqlDbType.Integer);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Text);
                await copy.WriteAsync(e.PrimaryName, NpgsqlDbType.Text);
                await copy.WriteAsync(e.Hash, NpgsqlDbType.Text);
                await copy.WriteAsync(e.Document, NpgsqlDbType.Text);
            }

            await copy.CompleteAsync();
        }

        return v with { Id = ids[0], ImportedAt = Ts(v.ImportedAt), PublishedAt = v.PublishedAt is { } p ? Ts(p) : null };
    }
}
