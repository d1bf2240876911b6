using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Access;

/// <summary>
/// API keys look like <c>sck_{key id}_{secret}</c>. The key id is public (it finds the record); only a SHA-256
/// hash of the 256-bit random secret is stored, so a database leak does not leak usable keys. A key is shown
/// once, when it is created.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "sck_";

    public sealed record Issued(string Plaintext, ApiKeyRecord Record)
    {
        public override string ToString() => $"Issued {{ KeyId = {Record.KeyId}, Scope = {Record.Scope} }}";
    }

    public static Issued Issue(ApiKeyScope scope, SourceId? source, string label, DateTimeOffset now, ApiKeyAccess access = ApiKeyAccess.Full)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = NewSecret();
        return new Issued($"{Prefix}{keyId}_{secret}", new ApiKeyRecord(keyId, Hash(secret), scope, source, label, now, null) { Access = access });
    }

    /// <summary>
    /// A new secret for an existing key: the key keeps its id, scope and label; only the secret part changes. Returns the
    /// new plaintext key (shown once) and the hash to store.
    /// </summary>
    public static (string Plaintext, byte[] SecretHash) NewSecretFor(string keyId)
    {
        var secret = NewSecret();
        return ($"{Prefix}{keyId}_{secret}", Hash(secret));
    }

    /// <summary>Splits a presented key into id and secret; null when it is not shaped like a key.</summary>
    public static (string KeyId, string Secret)? Parse(string? presented)
    {
        if (presented is null || presented.Length > 200 || !presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var sep = rest.IndexOf('_');
        if (sep != 16)
        {
            return null;
        }

        return (rest[..sep].ToString(), rest[(sep + 1)..].ToString());
    }

    /// <summary>
    /// Constant-time check of a presented secret against the stored hashes: the current one, or, until
    /// <see cref="ApiKeyRecord.PreviousValidUntil"/>, the one a rotation replaced. A revoked key matches nothing.
    /// </summary>
    public static bool Verify(ApiKeyRecord record, string secret, DateTimeOffset now)
    {
        if (record.RevokedAt is not null)
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[32];
        Hash(secret, presented);
        var current = CryptographicOperations.FixedTimeEquals(record.SecretHash, presented);
        var previous = record.PreviousSecretHash is { } old && now < record.PreviousValidUntil && CryptographicOperations.FixedTimeEquals(old, presented);
        return current || previous;
    }

    private static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static void Hash(string secret, Span<byte> into)
    {
        var max = Encoding.UTF8.GetMaxByteCount(secret.Length);
        var buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var n = Encoding.UTF8.GetBytes(secret, buffer);
        SHA256.HashData(buffer[..n], into);
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
