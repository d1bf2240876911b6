using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SmallChange.Core.Audit;

/// <summary>
/// SHA-256 of short inputs (log leaves and Merkle nodes, 65–200 bytes) through OpenSSL's direct digest functions
/// (<c>SHA256_Init/Update/Final</c> in libcrypto 3, the library .NET itself uses for hashing on Linux).
/// .NET's own calls go through OpenSSL's generic EVP layer and safe handles, which cost about 0.6 µs a hash
/// here; the direct functions take about 0.1 µs for a node and 0.2 µs for a leaf (SHA-NI), and the log hashes
/// one leaf and one node per transfer. Where libcrypto or those functions are missing (Windows, macOS, an
/// OpenSSL built without deprecated APIs), or the probe hash differs, it falls back to <see cref="IncrementalHash"/>.
/// </summary>
internal static class Sha256Native
{
    private const string Library = "libcrypto.so.3";

    /// <summary>OpenSSL's SHA256_CTX is 112 bytes; a larger buffer leaves room for any layout change.</summary>
    private const int ContextSize = 256;

    /// <summary>Whether the direct functions are in use (false: the managed fallback).</summary>
    public static bool Available { get; } = Probe();

    [ThreadStatic]
    private static IncrementalHash? _fallback;

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (hash.Length < 32)
        {
            throw new ArgumentException("A SHA-256 hash needs 32 bytes.", nameof(hash));
        }

        if (Available)
        {
            Direct(data, hash);
            return;
        }

        var h = _fallback ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(data);
        h.GetHashAndReset(hash);
    }

    private static void Direct(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        Span<byte> context = stackalloc byte[ContextSize];
        ref var ctx = ref MemoryMarshal.GetReference(context);
        byte empty = 0;
        ref var input = ref data.IsEmpty ? ref empty : ref MemoryMarshal.GetReference(data);
        if (SHA256_Init(ref ctx) != 1 || SHA256_Update(ref ctx, ref input, (nuint)data.Length) != 1 || SHA256_Final(ref MemoryMarshal.GetReference(hash), ref ctx) != 1)
        {
            throw new CryptographicException("OpenSSL SHA-256 failed.");
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            Span<byte> got = stackalloc byte[32];
            var input = "SmallChange log probe: the quick brown fox jumps over the lazy dog, twice over."u8;
            Direct(input, got);
            return got.SequenceEqual(SHA256.HashData(input));
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    // Short, non-blocking calls into libcrypto that never call back into the runtime: the GC transition is skipped.
    [DllImport(Library, ExactSpelling = true), SuppressGCTransition]
    private static extern int SHA256_Init(ref byte context);

    [DllImport(Library, ExactSpelling = true), SuppressGCTransition]
    private static extern int SHA256_Update(ref byte context, ref byte data, nuint length);

    [DllImport(Library, ExactSpelling = true), SuppressGCTransition]
    private static extern int SHA256_Final(ref byte hash, ref byte context);
}
