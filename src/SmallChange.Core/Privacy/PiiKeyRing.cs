using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmallChange.Core.Privacy;

/// <summary>A data key for personal data: 32 random bytes (AES-256-GCM) under a short id. <see cref="ToString"/> shows only the id.</summary>
public sealed class PiiKey
{
    public PiiKey(string id, byte[] material, DateTimeOffset createdAt)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 32 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException("A key id is 1–32 ASCII letters, digits or '-'.", nameof(id));
        }

        if (material.Length != 32)
        {
            throw new ArgumentException("A personal-data key is 32 bytes.", nameof(material));
        }

        Id = id;
        Material = material;
        CreatedAt = createdAt;
    }

    public string Id { get; }

    internal byte[] Material { get; }

    public DateTimeOffset CreatedAt { get; }

    // Cipher instances for this key, reused: creating one sets up an OpenSSL context (a few µs, several per cash-out
    // decision's reads). An instance serves one call at a time, so callers rent and return them.
    private readonly System.Collections.Concurrent.ConcurrentBag<AesGcm> _ciphers = [];

    internal AesGcm RentCipher() => _ciphers.TryTake(out var aes) ? aes : new AesGcm(Material, 16);

    internal void ReturnCipher(AesGcm aes)
    {
        if (_ciphers.Count < 4 * Environment.ProcessorCount)
        {
            _ciphers.Add(aes);
        }
        else
        {
            aes.Dispose();
        }
    }

    public override string ToString() => $"PiiKey {{ Id = {Id}, CreatedAt = {CreatedAt:O} }}";
}

/// <summary>A protected value could not be read: unknown key, wrong field, or a changed byte.</summary>
public sealed class PiiUnreadableException(string message) : Exception(message);

/// <summary>
/// Envelope encryption of personal data (names, account numbers, addresses, birth dates) at rest. Each value is
/// sealed with AES-256-GCM under the ring's primary key; the stored text names the key, so older keys keep
/// decrypting after a rotation until <c>smallchange keys rotate</c> has re-encrypted every value:
/// <code>pii1.&lt;key id&gt;.&lt;base64url(nonce(12) ‖ ciphertext ‖ tag(16))&gt;</code>
/// The field name (e.g. <c>holders.name</c>) and the key id are authenticated data: a value copied into another
/// column, or relabelled with another key id, does not decrypt. <see cref="Index"/> gives a keyed hash (HMAC-SHA-256
/// under a separate index key that does not rotate) for equality lookups on encrypted columns.
/// </summary>
public sealed class PiiKeyRing
{
    public const string Prefix = "pii1.";

    private readonly Dictionary<string, PiiKey> _keys;
    private readonly byte[] _indexKey;

    public PiiKeyRing(IEnumerable<PiiKey> keys, string primaryId, byte[] indexKey)
    {
        _keys = new Dictionary<string, PiiKey>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            if (!_keys.TryAdd(k.Id, k))
            {
                throw new ArgumentException($"Key id {k.Id} appears twice in the ring.", nameof(keys));
            }
        }

        if (!_keys.ContainsKey(primaryId))
        {
            throw new ArgumentException("The primary key is not in the ring.", nameof(primaryId));
        }

        if (indexKey.Length != 32)
        {
            throw new ArgumentException("The index key is 32 bytes.", nameof(indexKey));
        }

        PrimaryId = primaryId;
        _indexKey = indexKey;
    }

    /// <summary>The key new values are sealed with.</summary>
    public string PrimaryId { get; }

    /// <summary>Every key, oldest first.</summary>
    public IReadOnlyList<PiiKey> Keys => [.. _keys.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)];

    /// <summary>A new ring with one fresh key and a fresh index key.</summary>
    public static PiiKeyRing Generate(DateTimeOffset now)
    {
        var key = NewKey(now, []);
        return new PiiKeyRing([key], key.Id, RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>This ring plus a fresh primary key; the old keys stay to read what they sealed.</summary>
    public PiiKeyRing Rotate(DateTimeOffset now)
    {
        var key = NewKey(now, _keys.Keys);
        return new PiiKeyRing(_keys.Values.Append(key), key.Id, _indexKey);
    }

    /// <summary>This ring without <paramref name="keyId"/> (once no stored value uses it). The primary cannot be retired.</summary>
    public PiiKeyRing Retire(string keyId)
    {
        if (keyId == PrimaryId)
        {
            throw new InvalidOperationException("The primary key cannot be retired; rotate first.");
        }

        return new PiiKeyRing(_keys.Values.Where(k => k.Id != keyId), PrimaryId, _indexKey);
    }

    /// <summary>Seals <paramref name="plaintext"/> for the column <paramref name="field"/> under the primary key.</summary>
    public string Protect(string plaintext, string field)
    {
        var key = _keys[PrimaryId];
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[12 + data.Length + 16];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        var aes = key.RentCipher();
        try
        {
            aes.Encrypt(nonce, data, sealedBytes.AsSpan(12, data.Length), sealedBytes.AsSpan(12 + data.Length, 16), Aad(field, key.Id));
        }
        finally
        {
            key.ReturnCipher(aes);
        }

        CryptographicOperations.ZeroMemory(data);
        return Prefix + key.Id + "." + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>Opens a value sealed by <see cref="Protect"/> for the same field; throws <see cref="PiiUnreadableException"/> otherwise.</summary>
    public string Unprotect(string protectedValue, string field)
    {
        if (!TrySplit(protectedValue, out var keyId, out var payload))
        {
            throw new PiiUnreadableException($"A {field} value is not in the protected format.");
        }

        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new PiiUnreadableException($"A {field} value is sealed with key {keyId}, which is not in the key ring.");
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(payload);
        }
        catch (FormatException)
        {
            throw new PiiUnreadableException($"A {field} value is not valid base64url.");
        }

        if (sealedBytes.Length < 28)
        {
            throw new PiiUnreadableException($"A {field} value is too short.");
        }

        var length = sealedBytes.Length - 28;
        var plain = new byte[length];
        var aes = key.RentCipher();
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, length), sealedBytes.AsSpan(12 + length, 16), plain, Aad(field, keyId));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new PiiUnreadableException($"A {field} value fails authentication (changed, or moved from another field).");
        }
        finally
        {
            key.ReturnCipher(aes);
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Whether a stored value is protected at all (a database from before encryption holds plain text).</summary>
    public static bool IsProtected(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The id of the key a stored value is sealed with (null for plain text).</summary>
    public static string? KeyIdOf(string value) => TrySplit(value, out var keyId, out _) ? keyId : null;

    /// <summary>Whether a stored value should be re-sealed under the primary key (plain text, or an older key).</summary>
    public bool NeedsRotation(string value) => KeyIdOf(value) != PrimaryId;

    /// <summary>A keyed hash of a normalised value for equality lookups (base64url of 16 bytes of HMAC-SHA-256).</summary>
    public string Index(string normalizedValue, string field)
    {
        var input = Encoding.UTF8.GetBytes(field + "\0" + normalizedValue);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_indexKey, input, mac);
        return Base64Url.EncodeToString(mac[..16]);
    }

    // ---- the key file ----------------------------------------------------------------------------

    /// <summary>The ring as JSON for its key file (secret: the file must be readable by its owner only).</summary>
    public string ToJson() => JsonSerializer.Serialize(
        new RingFile(PrimaryId, Convert.ToBase64String(_indexKey), [.. Keys.Select(k => new KeyFile(k.Id, Convert.ToBase64String(k.Material), k.CreatedAt))]),
        FileJson);

    public static PiiKeyRing FromJson(string json)
    {
        RingFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RingFile>(json, FileJson);
        }
        catch (JsonException e)
        {
            throw new FormatException("The personal-data key file is not valid JSON: " + e.Message);
        }

        if (file?.Keys is null || file.Primary is null || file.IndexKey is null)
        {
            throw new FormatException("The personal-data key file needs primary, index_key and keys.");
        }

        try
        {
            return new PiiKeyRing(file.Keys.Select(k => new PiiKey(k.Id, Convert.FromBase64String(k.Key), k.CreatedAt)), file.Primary, Convert.FromBase64String(file.IndexKey));
        }
        catch (ArgumentException e)
        {
            throw new FormatException("The personal-data key file is not valid: " + e.Message);
        }
    }

    public override string ToString() => $"PiiKeyRing {{ Primary = {PrimaryId}, Keys = {_keys.Count} }}";

    private static readonly JsonSerializerOptions FileJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record RingFile(string Primary, string IndexKey, List<KeyFile> Keys);

    private sealed record KeyFile(string Id, string Key, DateTimeOffset CreatedAt);

    private static PiiKey NewKey(DateTimeOffset now, IEnumerable<string> taken)
    {
        var used = taken.ToHashSet(StringComparer.Ordinal);
        string id;
        do
        {
            id = "k" + now.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        }
        while (used.Contains(id));

        return new PiiKey(id, RandomNumberGenerator.GetBytes(32), now);
    }

    private static byte[] Aad(string field, string keyId) => Encoding.UTF8.GetBytes("smallchange.pii.v1|" + field + "|" + keyId);

    private static bool TrySplit(string value, out string keyId, out string payload)
    {
        keyId = payload = "";
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var dot = value.IndexOf('.', Prefix.Length);
        if (dot <= Prefix.Length || dot == value.Length - 1)
        {
            return false;
        }

        keyId = value[Prefix.Length..dot];
        payload = value[(dot + 1)..];
        return true;
    }
}
