using Npgsql;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>Personal data at rest (0013_pii.sql, docs/privacy.md): one batch of re-sealing, counts per key, the store's ring check.</summary>
internal sealed partial class PostgresTx
{
    /// <summary>
    /// Re-seals up to <paramref name="limit"/> rows of <paramref name="table"/> after key <paramref name="after"/> (null:
    /// from the start) that hold a value not starting with <paramref name="prefix"/>. The rows are locked (<c>FOR UPDATE</c>)
    /// so that a concurrent change on another node is not overwritten with what was read before it.
    /// </summary>
    public async ValueTask<(int Rows, object? Last)> ResealBatch(SealedTable table, string prefix, object? after, int limit)
    {
        var columns = string.Join(", ", table.Columns);
        var sql = $"SELECT {columns} FROM {table.Table} WHERE {(after is null ? "" : $"{table.Key} > $3 AND ")}{PersonalData.NeedsResealSql(table, "$1::text")} " +
                  $"ORDER BY {table.Key} LIMIT $2 FOR UPDATE";
        var rows = await Many(r =>
        {
            var sealedValues = new string?[table.Sealed.Count];
            for (var i = 0; i < sealedValues.Length; i++)
            {
                sealedValues[i] = StringOrNull(r, 1 + i);
            }

            var indexValues = new string?[table.Index.Count];
            for (var i = 0; i < indexValues.Length; i++)
            {
                indexValues[i] = StringOrNull(r, 1 + sealedValues.Length + i);
            }

            return (Key: r.GetValue(0), Sealed: sealedValues, Index: indexValues);
        }, sql, after is null ? [prefix, limit] : [prefix, limit, after]);

        var set = string.Join(", ", table.Columns.Skip(1).Select((c, i) => $"{c} = ${i + 2}"));
        var update = $"UPDATE {table.Table} SET {set} WHERE {table.Key} = $1";
        foreach (var (key, sealedValues, indexValues) in rows)
        {
            var (sealedOut, indexOut) = pii.Reseal(table, sealedValues, indexValues);
            var args = new object?[1 + sealedOut.Length + indexOut.Length];
            args[0] = key;
            for (var i = 0; i < sealedOut.Length; i++)
            {
                args[1 + i] = sealedOut[i] is { } s ? s : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };
            }

            for (var i = 0; i < indexOut.Length; i++)
            {
                args[1 + sealedOut.Length + i] = indexOut[i] is { } s ? s : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };
            }

            StoreChecks.Require(await Exec(update, args) == 1, $"re-sealing a row of {table.Table}");
        }

        return (rows.Count, rows.Count == 0 ? null : rows[^1].Key);
    }

    /// <summary>Keys the unkeyed destination fingerprints the sandbox providers stored before 0010 (64 hex digits), a batch at a time.</summary>
    public async ValueTask<int> KeySandboxFingerprints(int limit)
    {
        var rows = await Many(r => (r.GetString(0), r.GetString(1), r.GetString(2)),
            "SELECT provider_id, idempotency_key, fingerprint FROM sandbox_payments WHERE length(fingerprint) = 64 LIMIT $1 FOR UPDATE", limit);
        foreach (var (provider, key, fingerprint) in rows)
        {
            await Exec("UPDATE sandbox_payments SET fingerprint = $3 WHERE provider_id = $1 AND idempotency_key = $2", provider, key, pii.FingerprintIndex(fingerprint));
        }

        return rows.Count;
    }

    /// <summary>How many values of each sealed column are sealed with each key id ("plain" for text from before 0010).</summary>
    public async ValueTask<Dictionary<string, long>> CountByKey()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in PersonalData.SealedTables)
        {
            foreach (var c in table.Sealed)
            {
                foreach (var (k, n) in await Many(r => (r.GetString(0), r.GetInt64(1)),
                             $"SELECT CASE WHEN substr({c.Column}, 1, 5) = 'pii1.' THEN substr({c.Column}, 6, strpos(substr({c.Column}, 6), '.') - 1) ELSE 'plain' END AS k, COUNT(*) " +
                             $"FROM {table.Table} WHERE {c.Column} IS NOT NULL GROUP BY k"))
                {
                    counts[k] = counts.GetValueOrDefault(k) + n;
                }
            }
        }

        return counts;
    }

    public async ValueTask<string?> PiiState(string name)
    {
        var rows = await Many(r => r.GetString(0), "SELECT value FROM pii_state WHERE name = $1", name);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Sets a state value; with <paramref name="onlyIfMissing"/> an existing value is kept (two nodes opening together).</summary>
    public async ValueTask SetPiiState(string name, string value, bool onlyIfMissing = false) =>
        await Exec($"INSERT INTO pii_state (name, value) VALUES ($1, $2) ON CONFLICT (name) DO {(onlyIfMissing ? "NOTHING" : "UPDATE SET value = excluded.value")}", name, value);
}
