using SmallChange.Core.Audit;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;

namespace SmallChange.Core.Tests.Audit;

public sealed class ReceiptTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
    private readonly CheckpointKey _key = CheckpointKey.Generate();
    private readonly List<Transfer> _transfers = [];
    private readonly Dictionary<(int, long), Hash32> _nodes = [];
    private readonly MerkleFrontier _frontier = new();

    public ReceiptTests()
    {
        for (var i = 0; i < 23; i++)
        {
            var t = new Transfer(TransferId.New(), new AccountId(1), new AccountId(2 + i), 1_000 + i, Currencies.USD,
                i % 5 == 3 ? TransferKind.Pending : TransferKind.Single, null, i % 5 == 3 ? T0.AddHours(1) : null,
                i % 5 == 3 ? ReasonCodes.CashoutHold : ReasonCodes.Credit, null, i % 2 == 0 ? Guid.CreateVersion7() : null, i + 1, T0.AddSeconds(i));
            _transfers.Add(t);
            foreach (var (level, index, hash) in _frontier.Append(LeafEncoding.LeafHash(t)))
            {
                _nodes[(level, index)] = hash;
            }
        }
    }

    public void Dispose() => _key.Dispose();

    private string ReceiptJson(int leaf, CheckpointKey? signer = null)
    {
        var checkpoint = (signer ?? _key).Sign("smallchange-test", _frontier.Size, _frontier.Root(), T0.AddMinutes(5));
        var proof = Merkle.InclusionProof(leaf, _frontier.Size, (l, i) => _nodes[(l, i)]);
        return Receipt.Create(_transfers[leaf], leaf, proof, checkpoint).ToJson();
    }

    private CheckpointVerifier Trusting(params CheckpointKey[] keys)
    {
        var v = new CheckpointVerifier();
        foreach (var k in keys)
        {
            v.Trust(k.PublicPem());
        }

        return v;
    }

    [Fact]
    public void Verify_GenuineReceiptForEveryLeaf_Ok()
    {
        var keys = Trusting(_key);
        for (var i = 0; i < _transfers.Count; i++)
        {
            var r = ReceiptVerifier.Verify(ReceiptJson(i), keys);
            Assert.True(r.IsOk, r.Error?.ToString());
            Assert.Equal(_transfers[i].Id.Value, r.Value.Transfer.Id);
        }
    }

    [Fact]
    public void Verify_AmountChanged_LeafMismatch()
    {
        var json = ReceiptJson(4).Replace("\"amount\": 1004", "\"amount\": 1005", StringComparison.Ordinal);
        Assert.Equal("receipt.leaf_mismatch", ReceiptVerifier.Verify(json, Trusting(_key)).Error!.Code);
    }

    [Fact]
    public void Verify_EveryOneByteChange_NeverOk()
    {
        var json = ReceiptJson(7);
        var keys = Trusting(_key);
        var rng = new Random(3);
        for (var n = 0; n < 3000; n++)
        {
            var i = rng.Next(json.Length);
            var c = json[i];
            var replacement = char.IsDigit(c) ? (char)('0' + ((c - '0' + 1) % 10)) : char.IsLetter(c) ? (char)(c == 'a' ? 'b' : 'a') : c;
            if (replacement == c)
            {
                continue;
            }

            var changed = json[..i] + replacement + json[(i + 1)..];
            var r = ReceiptVerifier.Verify(changed, keys);
            if (r.IsOk)
            {
                // Every byte is covered: values by the leaf hash, proof and signature; names by the strict reader.
                Assert.Fail($"byte {i} ('{c}' → '{replacement}') changed and the receipt still verified: …{json[Math.Max(0, i - 30)..Math.Min(json.Length, i + 30)]}…");
            }
        }
    }

    [Fact]
    public void Verify_ProofOfAnotherLeaf_InclusionInvalid()
    {
        var mine = System.Text.Json.JsonDocument.Parse(ReceiptJson(5)).RootElement;
        var other = System.Text.Json.JsonDocument.Parse(ReceiptJson(6)).RootElement;
        var forged = ReceiptJson(5).Replace(mine.GetProperty("inclusion_proof").GetRawText(), other.GetProperty("inclusion_proof").GetRawText(), StringComparison.Ordinal);
        Assert.Equal("receipt.inclusion_invalid", ReceiptVerifier.Verify(forged, Trusting(_key)).Error!.Code);
    }

    [Fact]
    public void Verify_CheckpointByUnknownKey_Rejected()
    {
        using var stranger = CheckpointKey.Generate();
        Assert.Equal("receipt.unknown_key", ReceiptVerifier.Verify(ReceiptJson(2, stranger), Trusting(_key)).Error!.Code);
    }

    [Fact]
    public void Verify_SignatureFromOtherKeyUnderTrustedKeyId_BadSignature()
    {
        using var stranger = CheckpointKey.Generate();
        var forged = ReceiptJson(2, stranger).Replace(stranger.KeyId, _key.KeyId, StringComparison.Ordinal);
        Assert.Equal("receipt.bad_signature", ReceiptVerifier.Verify(forged, Trusting(_key)).Error!.Code);
    }

    [Fact]
    public void Verify_AfterKeyRotation_OldReceiptsStillVerifyWithPublishedOldKey()
    {
        var old = ReceiptJson(1);
        using var next = CheckpointKey.Generate();
        var fresh = ReceiptJson(1, next);
        var both = Trusting(_key, next);
        Assert.True(ReceiptVerifier.Verify(old, both).IsOk);
        Assert.True(ReceiptVerifier.Verify(fresh, both).IsOk);
        Assert.Equal("receipt.unknown_key", ReceiptVerifier.Verify(old, Trusting(next)).Error!.Code);
    }

    [Fact]
    public void CheckpointKey_PemRoundTrip_SameKeyId()
    {
        using var copy = CheckpointKey.FromPrivatePem(_key.PrivatePem());
        Assert.Equal(_key.KeyId, copy.KeyId);
        Assert.Equal(16, _key.KeyId.Length);
    }

    [Fact]
    public void Verify_Garbage_Malformed()
    {
        Assert.Equal("receipt.malformed", ReceiptVerifier.Verify("{", Trusting(_key)).Error!.Code);
        Assert.Equal("receipt.malformed", ReceiptVerifier.Verify("{}", Trusting(_key)).Error!.Code);
    }
}
