using Microsoft.Data.Sqlite;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Personal data at rest (0013_pii.sql, docs/privacy.md): one batch of re-sealing, counts per key, the store's ring check.</summary>
internal sealed partial class SqliteTx
{
    /// <summary>
    /// Re-seals up to <paramref name="limit"/> rows of <paramref name="table"/> after key <paramref name="after"/> (null:
    /// from the start) that hold a value not starting with <paramref name="prefix"/>. Returns how many rows it changed and
    /// the last key it looked at (the write lock is held, so the rows cannot change between the read and the update).
    /// </summary>
    public (int Rows, object? Last) ResealBatch(SealedTable table, string prefix, object? after, int limit)
    {
        var columns = string.Join(", ", table.Columns);
        var sql = $"SELECT {columns} FROM {table.Table} WHERE {(after is null ? "" : $"{table.Key} > $p2 AND ")}{PersonalData.NeedsResealSql(table, "$p0")} ORDER BY {table.Key} LIMIT $p1";
        var rows = new List<(object Key, string?[] Sealed, string?[] Index)>();
        using (var r = (after is null ? Cmd(sql, prefix, limit) : Cmd(sql, prefix, limit, after)).ExecuteReader())
        {
            while (r.Read())
            {
                var sealedValues = new string?[table.Sealed.Count];
                for (var i = 0; i < sealedValues.Length; i++)
                {
                    sealedValues[i] = NullableString(r, 1 + i);
                }

                var indexValues = new string?[table.Index.Count];
                for (var i = 0; i < indexValues.Length; i++)
                {
                    indexValues[i] = NullableString(r, 1 + sealedValues.Length + i);
                }

                rows.Add((r.GetValue(0), sealedValues, indexValues));
            }
        }

        var set = string.Join(", ", table.Columns.Skip(1).Select((c, i) => $"{c} = $p{i + 1}"));
        var update = $"UPDATE {table.Table} SET {set} WHERE {table.Key} = $p0";
        foreach (var (key, sealedValues, indexValues) in rows)
        {
            var (sealedOut, indexOut) = pii.Reseal(table, sealedValues, indexValues);
            StoreChecks.Require(Cmd(update, [key, .. sealedOut, .. indexOut]).ExecuteNonQuery() == 1, $"re-sealing a row of {table.Table}");
        }

        return (rows.Count, rows.Count == 0 ? null : rows[^1].Key);
    }

    /// <summary>Keys the unkeyed destination fingerprints the sandbox providers stored before 0010 (64 hex digits), a batch at a time.</summary>
    public int KeySandboxFingerprints(int limit)
    {
        var rows = new List<(string Provider, string Key, string Fingerprint)>();
        using (var r = Cmd("SELECT provider_id, idempotency_key, fingerprint FROM sandbox_payments WHERE length(fingerprint) = 64 LIMIT $p0", limit).ExecuteReader())
        {
            while (r.Read())
            {
                rows.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
            }
        }

        foreach (var (provider, key, fingerprint) in rows)
        {
            Cmd("UPDATE sandbox_payments SET fingerprint = $p2 WHERE provider_id = $p0 AND idempotency_key = $p1", provider, key, pii.FingerprintIndex(fingerprint)).ExecuteNonQuery();
        }

        return rows.Count;
    }

    /// <summary>How many values of each sealed column are sealed with each key id ("plain" for text from before 0010).</summary>
    public Dictionary<string, long> CountByKey()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in PersonalData.SealedTables)
        {
            foreach (var c in table.Sealed)
            {
                using var r = Cmd(
                    $"SELECT CASE WHEN substr({c.Column}, 1, 5) = 'pii1.' THEN substr({c.Column}, 6, instr(substr({c.Column}, 6), '.') - 1) ELSE 'plain' END AS k, COUNT(*) " +
                    $"FROM {table.Table} WHERE {c.Column} IS NOT NULL GROUP BY k").ExecuteReader();
                while (r.Read())
                {
                    counts[r.GetString(0)] = counts.GetValueOrDefault(r.GetString(0)) + r.GetInt64(1);
                }
            }
        }

        return counts;
    }

    public string? PiiState(string name)
    {
        using var r = Cmd("SELECT value FROM pii_state WHERE name = $p0", name).ExecuteReader();
        return r.Read() ? r.GetString(0) : null;
    }

    public void SetPiiState(string name, string value) =>
        Cmd("INSERT INTO pii_state (name, value) VALUES ($p0, $p1) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value).ExecuteNonQuery();
}
