using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;

namespace SmallChange.Http;

/// <summary>Authenticates <c>Authorization: Bearer sck_…</c> (or <c>X-Api-Key</c>) against the hashed keys in the store.</summary>
public sealed class ApiKeyAuthHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyLookup keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ScopeClaim = "sc:scope";
    public const string SourceClaim = "sc:source";
    public const string AccessClaim = "sc:access";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = null;
        var auth = Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = auth["Bearer ".Length..].Trim();
        }
        else if (Request.Headers.TryGetValue("X-Api-Key", out var header))
        {
            presented = header.ToString().Trim();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return AuthenticateResult.NoResult();
        }

        if (ApiKeys.Parse(presented) is null)
        {
            return AuthenticateResult.Fail("malformed key");
        }

        var record = await keys.Authenticate(presented, Context.RequestAborted);
        if (record is null)
        {
            return AuthenticateResult.Fail("unknown or revoked key");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, record.KeyId),
            new(ScopeClaim, record.Scope == ApiKeyScope.Operator ? "operator" : "source"),
            new(AccessClaim, record.Access == ApiKeyAccess.ReadOnly ? "read" : "full"),
        };
        if (record.Source is { } s)
        {
            claims.Add(new Claim(SourceClaim, s.ToString()));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Response.WriteAsJsonAsync(
            Problems.Create(new Error("auth.unauthenticated", "A valid API key is required (Authorization: Bearer sck_…)."), 401, Context),
            options: null, contentType: "application/problem+json");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 404;
        await Response.WriteAsJsonAsync(
            Problems.Create(new Error("resource.not_found", "Not found."), 404, Context),
            options: null, contentType: "application/problem+json");
    }
}

/// <summary>Who is calling: the operator, or one source; with which key, and whether that key may only read.</summary>
public readonly record struct Caller(bool IsOperator, SourceId? Source, string? KeyId = null, bool ReadOnly = false)
{
    public static Caller From(ClaimsPrincipal user)
    {
        var op = user.FindFirstValue(ApiKeyAuthHandler.ScopeClaim) == "operator";
        var src = user.FindFirstValue(ApiKeyAuthHandler.SourceClaim);
        return new Caller(op, src is null ? null : new SourceId(Guid.Parse(src)), user.FindFirstValue(ClaimTypes.NameIdentifier),
            user.FindFirstValue(ApiKeyAuthHandler.AccessClaim) == "read");
    }

    /// <summary>May this caller act for the source? The operator may act for any; a source key only for its own.</summary>
    public bool MayActFor(SourceId source) => IsOperator || Source == source;
}

public static class Policies
{
    /// <summary>An operator key; a read-only one for GET and HEAD only.</summary>
    public const string Operator = "operator";

    /// <summary>Any valid key (each endpoint then limits a source key to its own source); a read-only one for GET and HEAD only.</summary>
    public const string AnyKey = "any_key";
}

/// <summary>
/// A read-only key may read and nothing else: the requirement passes for full keys, and for read-only keys on GET and
/// HEAD. A refused write answers 404 like every other refusal (<see cref="ApiKeyAuthHandler"/>).
/// </summary>
public sealed class KeyAccessRequirement : AuthorizationHandler<KeyAccessRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KeyAccessRequirement requirement)
    {
        var method = (context.Resource as HttpContext)?.Request.Method;
        if (context.User.FindFirstValue(ApiKeyAuthHandler.AccessClaim) == "full" || (method is not null && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
