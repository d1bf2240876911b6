using System.Security.Cryptography;
using SmallChange.Core.Audit;

namespace SmallChange.Core.Tests.Audit;

public sealed class Sha256NativeTests
{
    [Fact]
    public void Available_OnLinuxWithLibcrypto_IsTrue()
    {
        // The machines this runs on are Linux with OpenSSL 3; the fast path must not silently fall back there.
        if (OperatingSystem.IsLinux() && File.Exists("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))
        {
            Assert.True(Sha256Native.Available);
        }
    }

    [Fact]
    public void Hash_EveryLengthTo300_EqualsFrameworkSha256()
    {
        var random = new Random(7);
        Span<byte> got = stackalloc byte[32];
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Sha256Native.Hash(data, got);
            Assert.Equal(SHA256.HashData(data), got.ToArray());
        }
    }

    [Fact]
    public void Hash_KnownVector_Matches()
    {
        Span<byte> got = stackalloc byte[32];
        Sha256Native.Hash("abc"u8, got);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(got));
    }

    [Fact]
    public void Hash_ManyThreads_EachGetsItsOwnResult()
    {
        var results = new bool[8];
        Parallel.For(0, results.Length, i =>
        {
            var data = new byte[100 + i];
            new Random(i).NextBytes(data);
            Span<byte> got = stackalloc byte[32];
            var ok = true;
            for (var n = 0; n < 2000; n++)
            {
                Sha256Native.Hash(data, got);
                ok &= got.SequenceEqual(SHA256.HashData(data));
            }

            results[i] = ok;
        });
        Assert.All(results, Assert.True);
    }

    [Fact]
    public void Hash_ShortOutput_Throws() =>
        Assert.Throws<ArgumentException>(() => Sha256Native.Hash("abc"u8, new byte[31]));
}
