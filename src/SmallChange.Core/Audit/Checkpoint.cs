using System.Security.Cryptography;
using System.Text;

namespace SmallChange.Core.Audit;

/// <summary>
/// A signed statement of the log's state: tree size, root hash and time, signed with ECDSA P-256 (SHA-256,
/// IEEE P1363 r‖s signature) under a key id. The signed bytes are
/// <c>"smallchange.checkpoint.v1\n" origin "\n" size "\n" base64(root) "\n" unix-µs "\n"</c>.
/// </summary>
public sealed record Checkpoint(string Origin, long TreeSize, Hash32 Root, DateTimeOffset Timestamp, string KeyId, byte[] Signature)
{
    public const string Header = "smallchange.checkpoint.v1";

    public static byte[] SignedBytes(string origin, long treeSize, Hash32 root, DateTimeOffset timestamp) =>
        Encoding.UTF8.GetBytes($"{Header}\n{origin}\n{treeSize}\n{root.ToBase64()}\n{LeafEncoding.Micros(timestamp)}\n");

    public byte[] SignedBytes() => SignedBytes(Origin, TreeSize, Root, Timestamp);
}

/// <summary>An operator's signing key: ECDSA P-256 with a key id derived from its public key.</summary>
public sealed class CheckpointKey : IDisposable
{
    private readonly ECDsa _key;

    private CheckpointKey(ECDsa key)
    {
        _key = key;
        KeyId = KeyIdOf(key);
    }

    /// <summary>First 8 bytes, hex, of SHA-256 over the DER SubjectPublicKeyInfo.</summary>
    public string KeyId { get; }

    public static CheckpointKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a private key from PKCS#8 PEM.</summary>
    public static CheckpointKey FromPrivatePem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new CryptographicException("Checkpoint keys are ECDSA P-256.");
        }

        return new CheckpointKey(key);
    }

    public string PrivatePem() => _key.ExportPkcs8PrivateKeyPem();

    public string PublicPem() => _key.ExportSubjectPublicKeyInfoPem();

    public Checkpoint Sign(string origin, long treeSize, Hash32 root, DateTimeOffset timestamp) =>
        new(origin, treeSize, root, timestamp, KeyId, _key.SignData(Checkpoint.SignedBytes(origin, treeSize, root, timestamp), HashAlgorithmName.SHA256));

    public static string KeyIdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..8]);

    public void Dispose() => _key.Dispose();
}

/// <summary>Verifies checkpoints against a set of trusted public keys (current and rotated-out ones).</summary>
public sealed class CheckpointVerifier
{
    private readonly Dictionary<string, byte[]> _publicKeys = new(StringComparer.Ordinal);

    /// <summary>Adds a trusted public key (SubjectPublicKeyInfo PEM); returns its key id.</summary>
    public string Trust(string publicPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(publicPem);
        var id = CheckpointKey.KeyIdOf(key);
        _publicKeys[id] = key.ExportSubjectPublicKeyInfo();
        return id;
    }

    public IReadOnlyCollection<string> KeyIds => _publicKeys.Keys;

    /// <summary>Null when the signature is valid under a trusted key; otherwise why not.</summary>
    public string? Check(Checkpoint c)
    {
        if (!_publicKeys.TryGetValue(c.KeyId, out var spki))
        {
            return $"checkpoint signed by unknown key {c.KeyId}";
        }

        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        if (CheckpointKey.KeyIdOf(key) != c.KeyId)
        {
            return "key id does not match the key";
        }

        return key.VerifyData(c.SignedBytes(), c.Signature, HashAlgorithmName.SHA256) ? null : "checkpoint signature is not valid";
    }
}
