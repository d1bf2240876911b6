using Npgsql;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>API keys: lookup by id, listing, rotation with a grace period, revocation (0001_ledger.sql, 0008_webhooks.sql).</summary>
internal sealed partial class PostgresTx
{
    private static ApiKeyRecord ReadApiKey(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetFieldValue<byte[]>(1), (ApiKeyScope)r.GetInt32(2),
        r.IsDBNull(3) ? null : new SourceId(r.GetGuid(3)), r.GetString(4), Time(r, 5), TimeOrNull(r, 6))
    {
        Access = (ApiKeyAccess)r.GetInt32(7),
        PreviousSecretHash = r.IsDBNull(8) ? null : r.GetFieldValue<byte[]>(8),
        PreviousValidUntil = TimeOrNull(r, 9),
        RotatedAt = TimeOrNull(r, 10),
    };

    public async ValueTask<ApiKeyRecord?> FindApiKey(string keyId) =>
        await One(ReadApiKey, $"SELECT {ApiKeyColumns} FROM api_keys WHERE key_id = $1", keyId);

    public async ValueTask<Page<ApiKeyRecord>> ListApiKeys(string? cursor, int limit)
    {
        var after = cursor is null ? "" : System.Text.Encoding.UTF8.GetString(Cursor.ToBytes(cursor, 16)!);
        // COLLATE "C": key ids are ASCII; byte order is the order SQLite uses, whatever the database's collation.
        var list = await Many(ReadApiKey, $"SELECT {ApiKeyColumns} FROM api_keys WHERE key_id COLLATE \"C\" > $1 ORDER BY key_id COLLATE \"C\" LIMIT $2", after, limit + 1);
        return PageOf(list, limit, k => Cursor.FromBytes(System.Text.Encoding.UTF8.GetBytes(k.KeyId)));
    }

    public async ValueTask InsertApiKey(ApiKeyRecord k) =>
        await Exec($"INSERT INTO api_keys ({ApiKeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            k.KeyId, k.SecretHash, (int)k.Scope, GuidOrNull(k.Source?.Value), k.Label, Ts(k.CreatedAt), TsOrNull(k.RevokedAt),
            (int)k.Access, (object?)k.PreviousSecretHash ?? DBNull.Value, TsOrNull(k.PreviousValidUntil), TsOrNull(k.RotatedAt));

    public async ValueTask<ApiKeyRecord?> RotateApiKey(string keyId, byte[] newSecretHash, DateTimeOffset previousValidUntil, DateTimeOffset at) =>
        // The conditional update locks the row: two rotations at once run one after the other, the second keeping the
        // first one's secret as the previous one.
        await One(ReadApiKey,
            "UPDATE api_keys SET previous_secret_hash = secret_hash, previous_valid_until = $3, secret_hash = $2, rotated_at = $4 " +
            $"WHERE key_id = $1 AND revoked_at IS NULL RETURNING {ApiKeyColumns}",
            keyId, newSecretHash, Ts(previousValidUntil), Ts(at));

    public async ValueTask<bool> RevokeApiKey(string keyId, DateTimeOffset at) =>
        await Exec("UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL", keyId, Ts(at)) == 1;
}
