using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Audit;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Http;

namespace SmallChange.Api.Log;

public sealed record CheckpointDto(string Origin, long TreeSize, string RootHash, long TimestampMicros, string Timestamp, string KeyId, string Signature)
{
    public static CheckpointDto From(Checkpoint c)
    {
        var r = ReceiptCheckpoint.From(c);
        return new(r.Origin, r.TreeSize, r.RootHash, r.TimestampMicros, Wire.Time(c.Timestamp), r.KeyId, r.Signature);
    }
}

public sealed record LogKeyDto(string KeyId, string PublicPem, string CreatedAt);

public sealed record InclusionProofDto(long LeafIndex, long TreeSize, string LeafHash, IReadOnlyList<string> Proof);

public sealed record ConsistencyProofDto(long First, long Second, IReadOnlyList<string> Proof);

/// <summary>
/// The verifiable log, in the manner of Certificate Transparency: signed checkpoints and the public keys are public
/// (they reveal only hashes and sizes); proofs need any API key.
/// </summary>
public static class LogEndpoints
{
    public static RouteGroupBuilder MapLog(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/log").WithTags("Log");
        g.MapGet("/checkpoint", Checkpoint).AllowAnonymous();
        g.MapPost("/checkpoint", Sign).RequireAuthorization(Policies.Operator);
        g.MapGet("/keys", Keys).AllowAnonymous();
        g.MapGet("/proof/inclusion", Inclusion).RequireAuthorization(Policies.AnyKey);
        g.MapGet("/proof/consistency", Consistency).RequireAuthorization(Policies.AnyKey);
        return v1;
    }

    /// <summary>The newest signed checkpoint (one is signed first if none covers the current tree).</summary>
    private static async Task<Ok<CheckpointDto>> Checkpoint(CheckpointService checkpoints, HttpContext http) =>
        TypedResults.Ok(CheckpointDto.From(await checkpoints.Latest(ct: http.RequestAborted)));

    /// <summary>Signs a checkpoint of the current tree now (operator).</summary>
    private static async Task<Created<CheckpointDto>> Sign(CheckpointService checkpoints, HttpContext http) =>
        TypedResults.Created("/v1/log/checkpoint", CheckpointDto.From(await checkpoints.Latest(force: true, http.RequestAborted)));

    /// <summary>Every key that ever signed checkpoints, current and rotated out.</summary>
    private static async Task<Ok<IReadOnlyList<LogKeyDto>>> Keys(IStore store, HttpContext http) =>
        TypedResults.Ok<IReadOnlyList<LogKeyDto>>((await store.ReadAsync(r => r.LogKeys(), http.RequestAborted))
            .Select(k => new LogKeyDto(k.KeyId, k.PublicPem, Wire.Time(k.CreatedAt))).ToList());

    /// <summary>The audit path of a leaf in the tree of <c>tree_size</c> leaves (RFC 9162 §2.1.3).</summary>
    private static async Task<Results<Ok<InclusionProofDto>, ProblemHttpResult>> Inclusion(
        [FromQuery(Name = "leaf_index")] long? leafIndex, [FromQuery(Name = "tree_size")] long? treeSize, IStore store, HttpContext http)
    {
        var result = await store.ReadAsync<Result<InclusionProofDto>>(async r =>
        {
            var size = (await r.LastLogBatch())?.TreeSize ?? 0;
            var n = treeSize ?? size;
            if (n < 1 || n > size)
            {
                return new Error("log.tree_size_invalid", $"tree_size must be from 1 to the log's size, {size}.", "tree_size");
            }

            if (leafIndex is not { } i || i < 0 || i >= n)
            {
                return new Error("log.leaf_index_invalid", $"leaf_index must be from 0 to {n - 1}.", "leaf_index");
            }

            var leaf = (await r.LogLeaves(i, 1))[0];
            var proof = await LedgerLog.InclusionProof(r, i, n);
            return new InclusionProofDto(i, n, LeafEncoding.LeafHash(leaf).ToBase64(), proof.Select(h => h.ToBase64()).ToList());
        }, http.RequestAborted);
        return result.TryGet(out var dto, out var error) ? TypedResults.Ok(dto) : Problems.Result(error, http);
    }

    /// <summary>The proof that the tree of <c>second</c> leaves extends the tree of <c>first</c> leaves (RFC 9162 §2.1.4).</summary>
    private static async Task<Results<Ok<ConsistencyProofDto>, ProblemHttpResult>> Consistency(
        [FromQuery(Name = "first")] long? first, [FromQuery(Name = "second")] long? second, IStore store, HttpContext http)
    {
        var result = await store.ReadAsync<Result<ConsistencyProofDto>>(async r =>
        {
            var size = (await r.LastLogBatch())?.TreeSize ?? 0;
            var m = second ?? size;
            if (m < 1 || m > size)
            {
                return new Error("log.tree_size_invalid", $"second must be from 1 to the log's size, {size}.", "second");
            }

            if (first is not { } f || f < 1 || f > m)
            {
                return new Error("log.tree_size_invalid", $"first must be from 1 to {m}.", "first");
            }

            var proof = await LedgerLog.ConsistencyProof(r, f, m);
            return new ConsistencyProofDto(f, m, proof.Select(h => h.ToBase64()).ToList());
        }, http.RequestAborted);
        return result.TryGet(out var dto, out var error) ? TypedResults.Ok(dto) : Problems.Result(error, http);
    }
}
