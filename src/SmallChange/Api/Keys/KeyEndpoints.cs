using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Api.Sources;
using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Http;

namespace SmallChange.Api.Keys;

public sealed record CreateKeyRequest(string? Scope, string? Access, Guid? SourceId, string? Label);

public sealed record RotateKeyRequest(long? GraceSeconds);

/// <summary>A key as listed: who it is for and its state, never a secret or a hash.</summary>
public sealed record KeyResponse(
    string KeyId, string Scope, string Access, Guid? SourceId, string Label, string Status, string CreatedAt, string? RotatedAt,
    string? PreviousSecretValidUntil, string? RevokedAt)
{
    public static KeyResponse From(ApiKeyRecord k, DateTimeOffset now) => new(
        k.KeyId, k.Scope == ApiKeyScope.Operator ? "operator" : "source", k.Access == ApiKeyAccess.ReadOnly ? "read_only" : "full",
        k.Source?.Value, k.Label, k.RevokedAt is null ? "active" : "revoked", Wire.Time(k.CreatedAt), k.RotatedAt is { } r ? Wire.Time(r) : null,
        k.RevokedAt is null && k.PreviousSecretHash is not null && k.PreviousValidUntil is { } u && now < u ? Wire.Time(u) : null,
        k.RevokedAt is { } v ? Wire.Time(v) : null);
}

/// <summary>A key with its secret: the answer to a creation or a rotation, the only time the secret is shown.</summary>
public sealed record IssuedKeyResponse(KeyResponse Key, string ApiKey);

/// <summary>
/// API keys: created, listed (without secrets), rotated with a grace period for the old secret, revoked. The operator
/// manages every key; a key may also read, rotate and revoke itself (a source rotates its own credential).
/// </summary>
public static class KeyEndpoints
{
    public const int MaxLabel = 200;

    public static RouteGroupBuilder MapKeys(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/keys").WithTags("API keys");
        g.MapPost("/", Create).RequireAuthorization(Policies.Operator);
        g.MapGet("/", List).RequireAuthorization(Policies.Operator);
        g.MapGet("/{keyId}", Get).RequireAuthorization(Policies.AnyKey);
        g.MapPost("/{keyId}/rotate", Rotate).RequireAuthorization(Policies.AnyKey);
        g.MapPost("/{keyId}/revoke", Revoke).RequireAuthorization(Policies.AnyKey);
        return v1;
    }

    /// <summary>A new key: <c>operator</c> (full or read-only) or <c>source</c> (for one source). Shown this once.</summary>
    private static async Task<Results<Created<IssuedKeyResponse>, ProblemHttpResult>> Create(
        CreateKeyRequest body, IStore store, TimeProvider clock, HttpContext http)
    {
        var scope = body.Scope switch
        {
            "operator" => ApiKeyScope.Operator,
            "source" => ApiKeyScope.Source,
            _ => (ApiKeyScope?)null,
        };
        if (scope is null)
        {
            return Problems.Result("key.scope_invalid", "scope must be operator or source.", "scope", http);
        }

        var access = body.Access switch
        {
            null or "full" => ApiKeyAccess.Full,
            "read_only" => ApiKeyAccess.ReadOnly,
            _ => (ApiKeyAccess?)null,
        };
        if (access is null)
        {
            return Problems.Result("key.access_invalid", "access must be full or read_only.", "access", http);
        }

        var label = body.Label?.Trim() ?? "";
        if (label.Length is 0 or > MaxLabel || label.Any(char.IsControl))
        {
            return Problems.Result("key.label_invalid", $"label is required: 1 to {MaxLabel} characters without control characters.", "label", http);
        }

        SourceId? source = null;
        if (scope == ApiKeyScope.Source)
        {
            if (body.SourceId is not { } id)
            {
                return Problems.Result("source.required", "A source key names its source_id.", "source_id", http);
            }

            source = new SourceId(id);
            if (await store.ReadAsync(r => r.GetSource(source.Value), http.RequestAborted) is null)
            {
                return Problems.Result("source.not_found", "No such source.", "source_id", http);
            }
        }
        else if (body.SourceId is not null)
        {
            return Problems.Result("key.source_not_allowed", "An operator key names no source_id.", "source_id", http);
        }

        var now = clock.GetUtcNow();
        var issued = ApiKeys.Issue(scope.Value, source, label, now, access.Value);
        await store.WriteAsync(async tx =>
        {
            await tx.InsertApiKey(issued.Record);
            return 0;
        }, http.RequestAborted);
        return TypedResults.Created($"/v1/keys/{issued.Record.KeyId}", new IssuedKeyResponse(KeyResponse.From(issued.Record, now), issued.Plaintext));
    }

    private static async Task<Ok<ListResponse<KeyResponse>>> List(IStore store, TimeProvider clock, string? cursor, int? limit, HttpContext http)
    {
        var page = await store.ReadAsync(r => r.ListApiKeys(cursor, Paging.Limit(limit)), http.RequestAborted);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ListResponse<KeyResponse>(page.Items.Select(k => KeyResponse.From(k, now)).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<KeyResponse>, ProblemHttpResult>> Get(string keyId, IStore store, TimeProvider clock, HttpContext http)
    {
        var key = await Visible(keyId, store, http);
        return key is null ? NotFound(http) : TypedResults.Ok(KeyResponse.From(key, clock.GetUtcNow()));
    }

    /// <summary>
    /// A new secret for the key, shown this once. The old secret keeps working for <c>grace_seconds</c> (default: the
    /// configured grace period; 0 ends it at once), then is refused; a second rotation ends the first one's grace.
    /// </summary>
    private static async Task<Results<Ok<IssuedKeyResponse>, ProblemHttpResult>> Rotate(
        string keyId, RotateKeyRequest? body, IStore store, ApiKeyLookup lookup, ApiSecurityOptions options, TimeProvider clock, HttpContext http)
    {
        var grace = options.RotationGrace;
        if (body?.GraceSeconds is { } seconds)
        {
            if (seconds < 0 || seconds > (long)options.MaxRotationGrace.TotalSeconds)
            {
                return Problems.Result("key.grace_invalid", $"grace_seconds is 0 to {(long)options.MaxRotationGrace.TotalSeconds}.", "grace_seconds", http);
            }

            grace = TimeSpan.FromSeconds(seconds);
        }

        if (await Visible(keyId, store, http) is null)
        {
            return NotFound(http);
        }

        var now = clock.GetUtcNow();
        var (plaintext, hash) = ApiKeys.NewSecretFor(keyId);
        var rotated = await store.WriteAsync(tx => tx.RotateApiKey(keyId, hash, now + grace, now), http.RequestAborted);
        lookup.Forget(keyId);
        return rotated is null ? NotFound(http) : TypedResults.Ok(new IssuedKeyResponse(KeyResponse.From(rotated, now), plaintext));
    }

    /// <summary>
    /// Revokes the key and every secret it had: refused at once on this node, within the key cache time
    /// (<see cref="ApiSecurityOptions.KeyCacheFor"/>) on others.
    /// </summary>
    private static async Task<Results<Ok<KeyResponse>, ProblemHttpResult>> Revoke(string keyId, IStore store, ApiKeyLookup lookup, TimeProvider clock, HttpContext http)
    {
        if (await Visible(keyId, store, http) is not { } key)
        {
            return NotFound(http);
        }

        // Revoking a revoked key changes nothing and answers the key as it is.
        var now = clock.GetUtcNow();
        var revoked = await store.WriteAsync(async tx => await tx.RevokeApiKey(keyId, now) ? await tx.FindApiKey(keyId) : key, http.RequestAborted);
        lookup.Forget(keyId);
        return TypedResults.Ok(KeyResponse.From(revoked ?? key, now));
    }

    /// <summary>The key if the caller may see it: the operator sees every key, any other key only itself.</summary>
    private static async Task<ApiKeyRecord?> Visible(string keyId, IStore store, HttpContext http)
    {
        var caller = Caller.From(http.User);
        if (keyId.Length != 16 || !keyId.All(char.IsAsciiHexDigitLower) || (!caller.IsOperator && caller.KeyId != keyId))
        {
            return null;
        }

        return await store.ReadAsync(r => r.FindApiKey(keyId), http.RequestAborted);
    }

    private static ProblemHttpResult NotFound(HttpContext http) => Problems.Result("key.not_found", "No such key.", http: http);
}
