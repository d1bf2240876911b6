using SmallChange.Core.Common;

namespace SmallChange.Core.Ports;

// API keys: stored hashed, scoped, rotatable with a grace period, revocable. See 0001_ledger.sql (the table) and
// 0008_webhooks.sql (access, rotation) of each backend.

public partial interface IStoreReader
{
    /// <summary>One key by its public id: a single read by primary key (it runs on every API request).</summary>
    ValueTask<ApiKeyRecord?> FindApiKey(string keyId);

    /// <summary>Every key, revoked ones too, in key-id order; the cursor is the last key id seen.</summary>
    ValueTask<Page<ApiKeyRecord>> ListApiKeys(string? cursor, int limit);
}

public partial interface IStoreTx
{
    ValueTask InsertApiKey(ApiKeyRecord key);

    /// <summary>
    /// Replaces the key's secret hash by <paramref name="newSecretHash"/>; the hash it had stays valid until
    /// <paramref name="previousValidUntil"/> (a hash kept from an earlier rotation is dropped). Only if the key is not
    /// revoked (a conditional update); returns the key as stored afterwards, or null when it is unknown or revoked.
    /// </summary>
    ValueTask<ApiKeyRecord?> RotateApiKey(string keyId, byte[] newSecretHash, DateTimeOffset previousValidUntil, DateTimeOffset at);

    /// <summary>Revokes the key (both its secrets) if it is not revoked yet; returns false when it is unknown or was revoked already.</summary>
    ValueTask<bool> RevokeApiKey(string keyId, DateTimeOffset at);
}

/// <summary>Who an API key belongs to. Operator keys act for every source and holder; a source key only for its own source.</summary>
public enum ApiKeyScope
{
    Operator = 0,
    Source = 1,
}

/// <summary>What a key may do: everything its scope allows, or only read (GET and HEAD).</summary>
public enum ApiKeyAccess
{
    Full = 0,
    ReadOnly = 1,
}

/// <summary>
/// An API key as stored: its id (the public prefix) and a SHA-256 hash of the secret part, never the secret. After a
/// rotation, <see cref="PreviousSecretHash"/> is the hash of the secret it replaced, still accepted until
/// <see cref="PreviousValidUntil"/>.
/// </summary>
public sealed record ApiKeyRecord(string KeyId, byte[] SecretHash, ApiKeyScope Scope, SourceId? Source, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public ApiKeyAccess Access { get; init; } = ApiKeyAccess.Full;

    public byte[]? PreviousSecretHash { get; init; }

    public DateTimeOffset? PreviousValidUntil { get; init; }

    public DateTimeOffset? RotatedAt { get; init; }

    /// <summary>Equality by value, the hashes compared by content (records compare arrays by reference).</summary>
    public bool Equals(ApiKeyRecord? other) =>
        other is not null && KeyId == other.KeyId && Same(SecretHash, other.SecretHash) && Scope == other.Scope && Source == other.Source &&
        Label == other.Label && CreatedAt == other.CreatedAt && RevokedAt == other.RevokedAt && Access == other.Access &&
        Same(PreviousSecretHash, other.PreviousSecretHash) && PreviousValidUntil == other.PreviousValidUntil && RotatedAt == other.RotatedAt;

    public override int GetHashCode() => HashCode.Combine(KeyId, Scope, Source, CreatedAt, RevokedAt, Access, RotatedAt);

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    /// <summary>No hashes: a key record in a log or a failed assertion shows who it is, not what it hashes to.</summary>
    public override string ToString() => $"ApiKeyRecord {{ KeyId = {KeyId}, Scope = {Scope}, Access = {Access}, Source = {Source}, RevokedAt = {RevokedAt} }}";
}
