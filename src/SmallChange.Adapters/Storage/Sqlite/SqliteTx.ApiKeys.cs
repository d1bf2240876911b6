using Microsoft.Data.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>API keys: lookup by id, listing, rotation with a grace period, revocation (0001_ledger.sql, 0008_webhooks.sql).</summary>
internal sealed partial class SqliteTx
{
    private static ApiKeyRecord ReadApiKey(SqliteDataReader r) => new(
        r.GetString(0), (byte[])r[1], (ApiKeyScope)r.GetInt32(2),
        r.IsDBNull(3) ? null : new SourceId(ToGuid((byte[])r[3])), r.GetString(4),
        FromMicros(r.GetInt64(5)), r.IsDBNull(6) ? null : FromMicros(r.GetInt64(6)))
    {
        Access = (ApiKeyAccess)r.GetInt32(7),
        PreviousSecretHash = r.IsDBNull(8) ? null : (byte[])r[8],
        PreviousValidUntil = r.IsDBNull(9) ? null : FromMicros(r.GetInt64(9)),
        RotatedAt = r.IsDBNull(10) ? null : FromMicros(r.GetInt64(10)),
    };

    public ValueTask<ApiKeyRecord?> FindApiKey(string keyId)
    {
        using var r = Cmd($"SELECT {ApiKeyColumns} FROM api_keys WHERE key_id = $p0", keyId).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadApiKey(r) : null);
    }

    public ValueTask<Page<ApiKeyRecord>> ListApiKeys(string? cursor, int limit)
    {
        var after = cursor is null ? "" : System.Text.Encoding.UTF8.GetString(Cursor.ToBytes(cursor, 16)!);
        var list = new List<ApiKeyRecord>(limit);
        using (var r = Cmd($"SELECT {ApiKeyColumns} FROM api_keys WHERE key_id > $p0 ORDER BY key_id LIMIT $p1", after, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadApiKey(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, k => Cursor.FromBytes(System.Text.Encoding.UTF8.GetBytes(k.KeyId))));
    }

    public ValueTask InsertApiKey(ApiKeyRecord k)
    {
        Cmd($"INSERT INTO api_keys ({ApiKeyColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)",
            k.KeyId, k.SecretHash, (int)k.Scope, Blob(k.Source?.Value), k.Label, ToMicros(k.CreatedAt), MicrosOrNull(k.RevokedAt),
            (int)k.Access, k.PreviousSecretHash, MicrosOrNull(k.PreviousValidUntil), MicrosOrNull(k.RotatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<ApiKeyRecord?> RotateApiKey(string keyId, byte[] newSecretHash, DateTimeOffset previousValidUntil, DateTimeOffset at)
    {
        using var r = Cmd(
            "UPDATE api_keys SET previous_secret_hash = secret_hash, previous_valid_until = $p2, secret_hash = $p1, rotated_at = $p3 " +
            $"WHERE key_id = $p0 AND revoked_at IS NULL RETURNING {ApiKeyColumns}",
            keyId, newSecretHash, ToMicros(previousValidUntil), ToMicros(at)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadApiKey(r) : null);
    }

    public ValueTask<bool> RevokeApiKey(string keyId, DateTimeOffset at) =>
        ValueTask.FromResult(Cmd("UPDATE api_keys SET revoked_at = $p1 WHERE key_id = $p0 AND revoked_at IS NULL", keyId, ToMicros(at)).ExecuteNonQuery() == 1);
}
