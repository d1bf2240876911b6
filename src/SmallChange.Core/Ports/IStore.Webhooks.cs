using SmallChange.Core.Common;
using SmallChange.Core.Webhooks;

namespace SmallChange.Core.Ports;

// Webhooks (0008_webhooks.sql): operators' endpoints and the durable outbox of events delivered to them; providers'
// inbound secrets and the event ids already received from them; the sandbox providers' scheduled callbacks.
// Secrets are stored as the host protected them (Data Protection), never in clear.

public partial interface IStoreReader
{
    ValueTask<WebhookEndpoint?> GetWebhookEndpoint(WebhookEndpointId id);

    /// <summary>Every endpoint, disabled ones too, oldest first.</summary>
    ValueTask<Page<WebhookEndpoint>> ListWebhookEndpoints(string? cursor, int limit);

    ValueTask<WebhookEvent?> GetWebhookEvent(WebhookEventId id);

    /// <summary>An endpoint's deliveries, newest first.</summary>
    ValueTask<Page<WebhookDelivery>> ListWebhookDeliveries(WebhookEndpointId endpoint, string? cursor, int limit);

    ValueTask<ProviderWebhookSecret?> GetProviderWebhookSecret(string providerId);

    /// <summary>Whether an event id from the provider was received (and applied) before.</summary>
    ValueTask<bool> InboundWebhookEventSeen(string providerId, string eventId);

    /// <summary>Sandbox callbacks due at <paramref name="now"/> and not sent yet, oldest first.</summary>
    ValueTask<IReadOnlyList<SandboxCallback>> ListSandboxCallbacksDue(DateTimeOffset now, int limit);
}

public partial interface IStoreTx
{
    ValueTask InsertWebhookEndpoint(WebhookEndpoint endpoint);

    /// <summary>Replaces an enabled endpoint's secret; the old one is also used to sign until <paramref name="previousValidUntil"/>. False when unknown or disabled.</summary>
    ValueTask<bool> RotateWebhookEndpointSecret(WebhookEndpointId id, string protectedSecret, DateTimeOffset previousValidUntil);

    /// <summary>Stops deliveries to the endpoint (its pending deliveries are given up when next claimed). False when unknown or disabled already.</summary>
    ValueTask<bool> DisableWebhookEndpoint(WebhookEndpointId id, DateTimeOffset at);

    /// <summary>
    /// Writes the event and one delivery per enabled endpoint subscribed to its type, due at <paramref name="dueAt"/>
    /// — nothing when no endpoint subscribes. Idempotent by event id: an event written before is not written or fanned
    /// out again. Call it in the transaction of the change the event reports. Returns the deliveries created.
    /// </summary>
    ValueTask<int> EnqueueWebhookEvent(WebhookEvent e, DateTimeOffset dueAt);

    /// <summary>
    /// Claims up to <paramref name="limit"/> due, undelivered deliveries for <paramref name="lease"/> and counts an
    /// attempt on each; other dispatchers skip them (on PostgreSQL without waiting: <c>FOR UPDATE SKIP LOCKED</c>).
    /// </summary>
    ValueTask<IReadOnlyList<WebhookDeliveryClaim>> ClaimWebhookDeliveries(DateTimeOffset now, TimeSpan lease, int limit);

    ValueTask CompleteWebhookDelivery(long id, DateTimeOffset at, int status);

    /// <summary>Schedules another attempt at <paramref name="dueAt"/> and records why this one failed (an HTTP status and/or an error code).</summary>
    ValueTask RetryWebhookDelivery(long id, DateTimeOffset dueAt, int? status, string error);

    /// <summary>Gives the delivery up for good, recording why.</summary>
    ValueTask FailWebhookDelivery(long id, DateTimeOffset at, int? status, string error);

    /// <summary>Sets the provider's inbound secret; a secret it had stays accepted until <paramref name="previousValidUntil"/>.</summary>
    ValueTask<ProviderWebhookSecret> SetProviderWebhookSecret(string providerId, string protectedSecret, DateTimeOffset previousValidUntil, DateTimeOffset at);

    /// <summary>Remembers a received event id; false (writing nothing) when it was remembered before.</summary>
    ValueTask<bool> RememberInboundWebhookEvent(string providerId, string eventId, DateTimeOffset at);

    /// <summary>Forgets event ids received before <paramref name="before"/> (far outside the replay window); returns how many.</summary>
    ValueTask<int> ForgetInboundWebhookEvents(DateTimeOffset before);

    /// <summary>Schedules a sandbox provider's callback (once per payment and kind; a second schedule is ignored).</summary>
    ValueTask ScheduleSandboxCallback(SandboxCallback callback);

    ValueTask MarkSandboxCallbackSent(string providerId, string idempotencyKey, string kind, DateTimeOffset at);

    ValueTask RetrySandboxCallback(string providerId, string idempotencyKey, string kind, DateTimeOffset dueAt, string error);
}

/// <summary>
/// An operator's webhook endpoint. <see cref="Events"/> lists the event types it receives (<c>*</c> for all);
/// the secrets are as the host protected them. After a rotation both secrets sign until <see cref="PreviousValidUntil"/>.
/// </summary>
public sealed record WebhookEndpoint(
    WebhookEndpointId Id,
    string Url,
    IReadOnlyList<string> Events,
    string ProtectedSecret,
    string? PreviousProtectedSecret,
    DateTimeOffset? PreviousValidUntil,
    string Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt)
{
    public bool Equals(WebhookEndpoint? o) =>
        o is not null && Id == o.Id && Url == o.Url && Events.SequenceEqual(o.Events) && ProtectedSecret == o.ProtectedSecret &&
        PreviousProtectedSecret == o.PreviousProtectedSecret && PreviousValidUntil == o.PreviousValidUntil && Description == o.Description &&
        CreatedAt == o.CreatedAt && DisabledAt == o.DisabledAt;

    public override int GetHashCode() => HashCode.Combine(Id, Url, CreatedAt, DisabledAt);

    public override string ToString() => $"WebhookEndpoint {{ Id = {Id}, Events = {string.Join(",", Events)}, DisabledAt = {DisabledAt} }}";
}

/// <summary>One event for one endpoint, and how its delivery went.</summary>
public sealed record WebhookDelivery(
    long Id,
    WebhookEventId Event,
    string EventType,
    WebhookEndpointId Endpoint,
    int Attempts,
    DateTimeOffset DueAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? FailedAt,
    int? LastStatus,
    string? LastError,
    DateTimeOffset CreatedAt);

/// <summary>A delivery claimed by a dispatcher: which event to which endpoint, and the attempt this is (1 for the first).</summary>
public sealed record WebhookDeliveryClaim(long Id, WebhookEventId Event, WebhookEndpointId Endpoint, int Attempt);

/// <summary>A provider's inbound webhook secret (protected), and the one it replaced while it is still accepted.</summary>
public sealed record ProviderWebhookSecret(
    string ProviderId,
    string ProtectedSecret,
    string? PreviousProtectedSecret,
    DateTimeOffset? PreviousValidUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RotatedAt)
{
    public override string ToString() => $"ProviderWebhookSecret {{ ProviderId = {ProviderId}, RotatedAt = {RotatedAt} }}";
}

/// <summary>
/// A sandbox provider's callback about one payment: <c>settle</c> (paid or failed) or <c>return</c>, due at a time,
/// with the outcome to report.
/// </summary>
public sealed record SandboxCallback(
    string ProviderId,
    string IdempotencyKey,
    string Kind,
    CashoutId Cashout,
    string Outcome,
    DateTimeOffset DueAt,
    int Attempts);
