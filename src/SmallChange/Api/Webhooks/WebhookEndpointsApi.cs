using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Api.Sources;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Ports;
using SmallChange.Core.Webhooks;
using SmallChange.Http;

namespace SmallChange.Api.Webhooks;

public sealed record CreateWebhookEndpointRequest(string? Url, string[]? Events, string? Description);

public sealed record RotateSecretRequest(long? GraceSeconds);

public sealed record WebhookEndpointResponse(
    Guid Id, string Url, IReadOnlyList<string> Events, string Description, string Status, string CreatedAt, string? DisabledAt, string? PreviousSecretValidUntil)
{
    public static WebhookEndpointResponse From(WebhookEndpoint e, DateTimeOffset now) => new(
        e.Id.Value, e.Url, e.Events, e.Description, e.DisabledAt is null ? "active" : "disabled", Wire.Time(e.CreatedAt),
        e.DisabledAt is { } d ? Wire.Time(d) : null,
        e.DisabledAt is null && e.PreviousProtectedSecret is not null && e.PreviousValidUntil is { } u && now < u ? Wire.Time(u) : null);
}

/// <summary>An endpoint with its signing secret: the answer to a creation or a rotation, the only time the secret is shown.</summary>
public sealed record WebhookEndpointWithSecret(WebhookEndpointResponse Endpoint, string Secret);

public sealed record WebhookDeliveryResponse(
    long Id, Guid EventId, string EventType, string Status, int Attempts, string DueAt, string? DeliveredAt, string? FailedAt, int? LastStatus, string? LastError, string CreatedAt)
{
    public static WebhookDeliveryResponse From(WebhookDelivery d) => new(
        d.Id, d.Event.Value, d.EventType, d.DeliveredAt is not null ? "delivered" : d.FailedAt is not null ? "failed" : "pending", d.Attempts, Wire.Time(d.DueAt),
        d.DeliveredAt is { } a ? Wire.Time(a) : null, d.FailedAt is { } f ? Wire.Time(f) : null, d.LastStatus, d.LastError, Wire.Time(d.CreatedAt));
}

public sealed record ProviderSecretResponse(string ProviderId, string Secret, string? PreviousSecretValidUntil);

/// <summary>
/// The operator's webhook settings: endpoints that receive SmallChange's events (signed, retried, deduplicated by event
/// id), their deliveries, and the secrets providers sign their callbacks with. Operator keys only.
/// </summary>
public static class WebhookEndpointsApi
{
    public const int MaxUrl = 2_000;
    public const int MaxDescription = 200;

    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/webhooks").WithTags("Webhooks");
        g.MapPost("/endpoints", Create).RequireAuthorization(Policies.Operator);
        g.MapGet("/endpoints", List).RequireAuthorization(Policies.Operator);
        g.MapGet("/endpoints/{id:guid}", Get).RequireAuthorization(Policies.Operator);
        g.MapPost("/endpoints/{id:guid}/rotate-secret", RotateSecret).RequireAuthorization(Policies.Operator);
        g.MapPost("/endpoints/{id:guid}/disable", Disable).RequireAuthorization(Policies.Operator);
        g.MapGet("/endpoints/{id:guid}/deliveries", Deliveries).RequireAuthorization(Policies.Operator);
        g.MapPost("/providers/{providerId}/secret", SetProviderSecret).RequireAuthorization(Policies.Operator);
        g.MapPost("/providers/{providerId}", ProviderWebhooks.Receive).AllowAnonymous();
        return v1;
    }

    /// <summary>A new endpoint for the listed event types (<c>["*"]</c> for all); its signing secret is shown this once.</summary>
    private static async Task<Results<Created<WebhookEndpointWithSecret>, ProblemHttpResult>> Create(
        CreateWebhookEndpointRequest body, IStore store, WebhookSecrets secrets, TimeProvider clock, HttpContext http)
    {
        if (ValidateUrl(body.Url) is { } urlError)
        {
            return Problems.Result("webhook.url_invalid", urlError, "url", http);
        }

        var events = body.Events?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (events is not { Count: > 0 } || (events.Contains("*") && events.Count > 1) || events.Any(e => e != "*" && !WebhookEventTypes.All.Contains(e)))
        {
            return Problems.Result("webhook.events_invalid", $"events lists event types ({string.Join(", ", WebhookEventTypes.All)}), or is [\"*\"] for all.", "events", http);
        }

        var description = body.Description?.Trim() ?? "";
        if (description.Length > MaxDescription || description.Any(char.IsControl))
        {
            return Problems.Result("webhook.description_invalid", $"description is up to {MaxDescription} characters without control characters.", "description", http);
        }

        var now = clock.GetUtcNow();
        var secret = WebhookSecrets.NewSecret();
        var endpoint = new WebhookEndpoint(WebhookEndpointId.New(), body.Url!, events, secrets.Protect(secret), null, null, description, now, null);
        await store.WriteAsync(async tx =>
        {
            await tx.InsertWebhookEndpoint(endpoint);
            return 0;
        }, http.RequestAborted);
        return TypedResults.Created($"/v1/webhooks/endpoints/{endpoint.Id}", new WebhookEndpointWithSecret(WebhookEndpointResponse.From(endpoint, now), secret));
    }

    private static async Task<Ok<ListResponse<WebhookEndpointResponse>>> List(IStore store, TimeProvider clock, string? cursor, int? limit, HttpContext http)
    {
        var page = await store.ReadAsync(r => r.ListWebhookEndpoints(cursor, Paging.Limit(limit)), http.RequestAborted);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ListResponse<WebhookEndpointResponse>(page.Items.Select(e => WebhookEndpointResponse.From(e, now)).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> Get(Guid id, IStore store, TimeProvider clock, HttpContext http)
    {
        var e = await store.ReadAsync(r => r.GetWebhookEndpoint(new WebhookEndpointId(id)), http.RequestAborted);
        return e is null ? NotFound(http) : TypedResults.Ok(WebhookEndpointResponse.From(e, clock.GetUtcNow()));
    }

    /// <summary>A new signing secret (shown this once); deliveries carry signatures by both secrets until the grace period ends.</summary>
    private static async Task<Results<Ok<WebhookEndpointWithSecret>, ProblemHttpResult>> RotateSecret(
        Guid id, RotateSecretRequest? body, IStore store, WebhookSecrets secrets, ApiSecurityOptions options, TimeProvider clock, HttpContext http)
    {
        if (Grace(body?.GraceSeconds, options) is not { } grace)
        {
            return GraceProblem(options, http);
        }

        var endpointId = new WebhookEndpointId(id);
        var now = clock.GetUtcNow();
        var secret = WebhookSecrets.NewSecret();
        var e = await store.WriteAsync(async tx =>
            await tx.RotateWebhookEndpointSecret(endpointId, secrets.Protect(secret), now + grace) ? await tx.GetWebhookEndpoint(endpointId) : null, http.RequestAborted);
        return e is null ? NotFound(http) : TypedResults.Ok(new WebhookEndpointWithSecret(WebhookEndpointResponse.From(e, now), secret));
    }

    /// <summary>Stops deliveries to the endpoint; deliveries still pending are given up (recorded as failed).</summary>
    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> Disable(Guid id, IStore store, TimeProvider clock, HttpContext http)
    {
        var endpointId = new WebhookEndpointId(id);
        var now = clock.GetUtcNow();
        var e = await store.WriteAsync(async tx =>
        {
            await tx.DisableWebhookEndpoint(endpointId, now);
            return await tx.GetWebhookEndpoint(endpointId);
        }, http.RequestAborted);
        return e is null ? NotFound(http) : TypedResults.Ok(WebhookEndpointResponse.From(e, now));
    }

    private static async Task<Results<Ok<ListResponse<WebhookDeliveryResponse>>, ProblemHttpResult>> Deliveries(
        Guid id, IStore store, string? cursor, int? limit, HttpContext http)
    {
        var endpointId = new WebhookEndpointId(id);
        var (endpoint, page) = await store.ReadAsync(async r => (await r.GetWebhookEndpoint(endpointId), await r.ListWebhookDeliveries(endpointId, cursor, Paging.Limit(limit))), http.RequestAborted);
        return endpoint is null
            ? NotFound(http)
            : TypedResults.Ok(new ListResponse<WebhookDeliveryResponse>(page.Items.Select(WebhookDeliveryResponse.From).ToList(), page.NextCursor));
    }

    /// <summary>
    /// A new secret for a provider's callbacks to <c>POST /v1/webhooks/providers/{providerId}</c>, shown this once; a
    /// secret it had stays accepted for the grace period (default: the API-key rotation grace).
    /// </summary>
    private static async Task<Results<Ok<ProviderSecretResponse>, ProblemHttpResult>> SetProviderSecret(
        string providerId, RotateSecretRequest? body, PayoutSetup setup, WebhookSecrets secrets, ApiSecurityOptions options, TimeProvider clock, HttpContext http)
    {
        if (setup.Catalog.Find(providerId) is null)
        {
            return Problems.Result("provider.not_found", "No such provider.", http: http);
        }

        if (Grace(body?.GraceSeconds, options) is not { } grace)
        {
            return GraceProblem(options, http);
        }

        var (secret, stored) = await secrets.SetProviderSecret(providerId, grace, http.RequestAborted);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ProviderSecretResponse(providerId, secret,
            stored.PreviousProtectedSecret is not null && stored.PreviousValidUntil is { } u && now < u ? Wire.Time(u) : null));
    }

    /// <summary>
    /// Why the URL cannot receive webhooks, or null when it can: absolute, HTTPS (plain HTTP only to this machine, for
    /// development), no user name or password in it, at most <see cref="MaxUrl"/> characters.
    /// </summary>
    internal static string? ValidateUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxUrl || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"url is an absolute https:// address of up to {MaxUrl} characters.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            return "url must use https:// (plain http:// only to localhost).";
        }

        return uri.UserInfo.Length > 0 || uri.Fragment.Length > 0 ? "url may not carry a user name, password or #fragment." : null;
    }

    private static TimeSpan? Grace(long? seconds, ApiSecurityOptions options) =>
        seconds is null ? options.RotationGrace
        : seconds >= 0 && seconds <= (long)options.MaxRotationGrace.TotalSeconds ? TimeSpan.FromSeconds(seconds.Value)
        : null;

    private static ProblemHttpResult GraceProblem(ApiSecurityOptions options, HttpContext http) =>
        Problems.Result("webhook.grace_invalid", $"grace_seconds is 0 to {(long)options.MaxRotationGrace.TotalSeconds}.", "grace_seconds", http);

    private static ProblemHttpResult NotFound(HttpContext http) => Problems.Result("webhook_endpoint.not_found", "No such webhook endpoint.", http: http);
}
