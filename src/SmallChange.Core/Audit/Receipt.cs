using System.Text.Json;
using System.Text.Json.Serialization;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;

namespace SmallChange.Core.Audit;

/// <summary>The transfer as printed in a receipt: every field of its leaf encoding, in plain JSON.</summary>
public sealed record ReceiptTransfer(
    Guid Id,
    long Sequence,
    long DebitAccount,
    long CreditAccount,
    long Amount,
    string Currency,
    string Kind,
    Guid? PendingId,
    long? TimeoutMicros,
    string Reason,
    Guid? Reverses,
    Guid? Reference,
    long CreatedAtMicros)
{
    public static ReceiptTransfer From(Transfer t) => new(
        t.Id.Value, t.Sequence, t.DebitAccount.Value, t.CreditAccount.Value, t.Amount, t.Currency.Code, KindName(t.Kind),
        t.PendingId?.Value, t.Timeout is { } to ? LeafEncoding.Micros(to) : null, t.Reason, t.Reverses?.Value, t.Reference, LeafEncoding.Micros(t.CreatedAt));

    public Result<Transfer> ToTransfer()
    {
        if (Currencies.Find(Currency) is not { } currency)
        {
            return new Error("receipt.malformed", $"Unknown currency '{Currency}'.");
        }

        if (ParseKind(Kind) is not { } kind)
        {
            return new Error("receipt.malformed", $"Unknown transfer kind '{Kind}'.");
        }

        return new Transfer(new TransferId(Id), new AccountId(DebitAccount), new AccountId(CreditAccount), Amount, currency, kind,
            PendingId is { } p ? new TransferId(p) : null, TimeoutMicros is { } to ? FromMicros(to) : null, Reason,
            Reverses is { } r ? new TransferId(r) : null, Reference, Sequence, FromMicros(CreatedAtMicros));
    }

    public static string KindName(TransferKind k) => k switch
    {
        TransferKind.Pending => "pending",
        TransferKind.PostPending => "post_pending",
        TransferKind.VoidPending => "void_pending",
        _ => "single",
    };

    private static TransferKind? ParseKind(string s) => s switch
    {
        "single" => TransferKind.Single,
        "pending" => TransferKind.Pending,
        "post_pending" => TransferKind.PostPending,
        "void_pending" => TransferKind.VoidPending,
        _ => null,
    };

    private static DateTimeOffset FromMicros(long us) => new(DateTimeOffset.UnixEpoch.UtcTicks + (us * 10), TimeSpan.Zero);
}

public sealed record ReceiptCheckpoint(string Origin, long TreeSize, string RootHash, long TimestampMicros, string KeyId, string Signature)
{
    public static ReceiptCheckpoint From(Checkpoint c) =>
        new(c.Origin, c.TreeSize, c.Root.ToBase64(), LeafEncoding.Micros(c.Timestamp), c.KeyId, Convert.ToBase64String(c.Signature));

    public Result<Checkpoint> ToCheckpoint()
    {
        if (!Hash32.TryFromBase64(RootHash, out var root))
        {
            return new Error("receipt.malformed", "root_hash is not a base64 SHA-256 hash.");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(Signature ?? "");
        }
        catch (FormatException)
        {
            return new Error("receipt.malformed", "signature is not base64.");
        }

        if (Convert.ToBase64String(signature) != Signature)
        {
            return new Error("receipt.malformed", "signature is not in canonical base64.");
        }

        return new Checkpoint(Origin, TreeSize, root, new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (TimestampMicros * 10), TimeSpan.Zero), KeyId, signature);
    }
}

/// <summary>
/// A receipt anyone can check offline: the transfer, its leaf index and hash, the RFC 9162 inclusion proof, and
/// the signed checkpoint whose root the proof leads to.
/// </summary>
public sealed record Receipt(int ReceiptVersion, ReceiptTransfer Transfer, long LeafIndex, string LeafHash, IReadOnlyList<string> InclusionProof, ReceiptCheckpoint Checkpoint)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static Receipt Create(Transfer t, long leafIndex, IReadOnlyList<Hash32> proof, Checkpoint checkpoint) =>
        new(1, ReceiptTransfer.From(t), leafIndex, LeafEncoding.LeafHash(t).ToBase64(), proof.Select(p => p.ToBase64()).ToList(), ReceiptCheckpoint.From(checkpoint));

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>Several receipts about one subject (the transfers of a cash-out), each verifiable on its own.</summary>
public sealed record ReceiptBundle(string Subject, IReadOnlyList<Receipt> Receipts)
{
    public string ToJson() => JsonSerializer.Serialize(this, Receipt.Json);
}

/// <summary>Checks a receipt with no database: leaf, inclusion proof and checkpoint signature.</summary>
public static class ReceiptVerifier
{
    /// <summary>Verifies the receipt JSON; the checkpoint must be signed by one of <paramref name="keys"/>.</summary>
    public static Result<Receipt> Verify(string json, CheckpointVerifier keys)
    {
        Receipt? receipt;
        try
        {
            receipt = JsonSerializer.Deserialize<Receipt>(json, Receipt.Json);
        }
        catch (JsonException)
        {
            return new Error("receipt.malformed", "The receipt is not valid receipt JSON.");
        }

        if (receipt?.Transfer is null || receipt.Checkpoint is null || receipt.InclusionProof is null || receipt.ReceiptVersion != 1)
        {
            return new Error("receipt.malformed", "The receipt lacks a transfer, proof or checkpoint, or has an unknown version.");
        }

        if (!receipt.Transfer.ToTransfer().TryGet(out var transfer, out var error) || !receipt.Checkpoint.ToCheckpoint().TryGet(out var checkpoint, out error))
        {
            return error;
        }

        var leaf = LeafEncoding.LeafHash(transfer);
        if (!Hash32.TryFromBase64(receipt.LeafHash, out var stated) || stated != leaf)
        {
            return new Error("receipt.leaf_mismatch", "The transfer does not hash to the receipt's leaf hash: the transfer was altered.");
        }

        var proof = new List<Hash32>(receipt.InclusionProof.Count);
        foreach (var p in receipt.InclusionProof)
        {
            if (!Hash32.TryFromBase64(p, out var h))
            {
                return new Error("receipt.malformed", "An inclusion proof element is not a base64 SHA-256 hash.");
            }

            proof.Add(h);
        }

        if (!Merkle.VerifyInclusion(receipt.LeafIndex, checkpoint.TreeSize, leaf, proof, checkpoint.Root))
        {
            return new Error("receipt.inclusion_invalid", $"The proof does not place leaf {receipt.LeafIndex} in the tree of {checkpoint.TreeSize} leaves with the checkpoint's root.");
        }

        if (keys.Check(checkpoint) is { } why)
        {
            return new Error(why.Contains("unknown key", StringComparison.Ordinal) ? "receipt.unknown_key" : "receipt.bad_signature", why);
        }

        return receipt;
    }
}
