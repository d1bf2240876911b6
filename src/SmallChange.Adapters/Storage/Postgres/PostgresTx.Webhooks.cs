using Npgsql;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Webhooks;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>Webhook endpoints, the event outbox and its deliveries, provider secrets, received event ids, sandbox callbacks (0008_webhooks.sql).</summary>
internal sealed partial class PostgresTx
{
    /// <summary>An endpoint subscribes to the type in parameter <paramref name="p"/>.</summary>
    private static string Subscribes(string p) => $"disabled_at IS NULL AND (events = '*' OR strpos(events, ',' || {p} || ',') > 0)";

    // ---- endpoints -------------------------------------------------------------------------------

    private static WebhookEndpoint ReadWebhookEndpoint(NpgsqlDataReader r) => new(
        new WebhookEndpointId(r.GetGuid(0)), r.GetString(1), WebhookEventList.FromColumn(r.GetString(2)), r.GetString(3),
        StringOrNull(r, 4), TimeOrNull(r, 5), r.GetString(6), Time(r, 7), TimeOrNull(r, 8));

    public async ValueTask InsertWebhookEndpoint(WebhookEndpoint e) =>
        await Exec($"INSERT INTO webhook_endpoints ({WebhookEndpointColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            e.Id.Value, e.Url, WebhookEventList.ToColumn(e.Events), e.ProtectedSecret, e.PreviousProtectedSecret, TsOrNull(e.PreviousValidUntil),
            e.Description, Ts(e.CreatedAt), TsOrNull(e.DisabledAt));

    public async ValueTask<WebhookEndpoint?> GetWebhookEndpoint(WebhookEndpointId id) =>
        await One(ReadWebhookEndpoint, $"SELECT {WebhookEndpointColumns} FROM webhook_endpoints WHERE id = $1", id.Value);

    public async ValueTask<Page<WebhookEndpoint>> ListWebhookEndpoints(string? cursor, int limit)
    {
        var list = await Many(ReadWebhookEndpoint, $"SELECT {WebhookEndpointColumns} FROM webhook_endpoints WHERE id > $1 ORDER BY id LIMIT $2",
            CursorGuid(cursor) ?? Guid.Empty, limit + 1);
        return PageOf(list, limit, e => Cursor.FromBytes(ToBytes(e.Id.Value)));
    }

    public async ValueTask<bool> RotateWebhookEndpointSecret(WebhookEndpointId id, string protectedSecret, DateTimeOffset previousValidUntil) =>
        await Exec("UPDATE webhook_endpoints SET previous_secret = secret, previous_valid_until = $3, secret = $2 WHERE id = $1 AND disabled_at IS NULL",
            id.Value, protectedSecret, Ts(previousValidUntil)) == 1;

    public async ValueTask<bool> DisableWebhookEndpoint(WebhookEndpointId id, DateTimeOffset at) =>
        await Exec("UPDATE webhook_endpoints SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL", id.Value, Ts(at)) == 1;

    // ---- events and deliveries -------------------------------------------------------------------

    public async ValueTask<int> EnqueueWebhookEvent(WebhookEvent e, DateTimeOffset dueAt)
    {
        var written = await Exec(
            "INSERT INTO webhook_events (id, type, payload, occurred_at) SELECT $1, $2, $3, $4 " +
            $"WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE {Subscribes("$2")}) ON CONFLICT (id) DO NOTHING",
            e.Id.Value, e.Type, e.Payload, Ts(e.OccurredAt));
        if (written == 0)
        {
            return 0;
        }

        return await Exec(
            "INSERT INTO webhook_deliveries (event_id, endpoint_id, due_at, created_at) " +
            $"SELECT $1, id, $2, $4 FROM webhook_endpoints WHERE {Subscribes("$3")} ON CONFLICT (event_id, endpoint_id) DO NOTHING",
            e.Id.Value, Ts(dueAt), e.Type, Ts(e.OccurredAt));
    }

    public async ValueTask<WebhookEvent?> GetWebhookEvent(WebhookEventId id) =>
        await One(r => new WebhookEvent(id, r.GetString(1), r.GetString(2), Time(r, 3)),
            "SELECT id, type, payload, occurred_at FROM webhook_events WHERE id = $1", id.Value);

    public async ValueTask<IReadOnlyList<WebhookDeliveryClaim>> ClaimWebhookDeliveries(DateTimeOffset now, TimeSpan lease, int limit) =>
        // SKIP LOCKED: a node never waits for, nor takes, a delivery another node is claiming right now; the lease
        // (claimed_until) keeps it from others after that node commits, until the lease runs out.
        await Many(r => new WebhookDeliveryClaim(r.GetInt64(0), new WebhookEventId(r.GetGuid(1)), new WebhookEndpointId(r.GetGuid(2)), r.GetInt32(3)),
            "UPDATE webhook_deliveries SET claimed_until = $2, attempts = attempts + 1 WHERE id IN (" +
            "SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL AND due_at <= $1 " +
            "AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) " +
            "RETURNING id, event_id, endpoint_id, attempts",
            Ts(now), Ts(now + lease), limit);

    public async ValueTask CompleteWebhookDelivery(long id, DateTimeOffset at, int status) =>
        await Exec("UPDATE webhook_deliveries SET delivered_at = $2, claimed_until = NULL, last_status = $3, last_error = NULL WHERE id = $1",
            id, Ts(at), status);

    public async ValueTask RetryWebhookDelivery(long id, DateTimeOffset dueAt, int? status, string error) =>
        await Exec("UPDATE webhook_deliveries SET due_at = $2, claimed_until = NULL, last_status = $3, last_error = $4 WHERE id = $1",
            id, Ts(dueAt), (object?)status ?? DBNull.Value, error);

    public async ValueTask FailWebhookDelivery(long id, DateTimeOffset at, int? status, string error) =>
        await Exec("UPDATE webhook_deliveries SET failed_at = $2, claimed_until = NULL, last_status = $3, last_error = $4 WHERE id = $1",
            id, Ts(at), (object?)status ?? DBNull.Value, error);

    public async ValueTask<Page<WebhookDelivery>> ListWebhookDeliveries(WebhookEndpointId endpoint, string? cursor, int limit)
    {
        var list = await Many(r => new WebhookDelivery(r.GetInt64(0), new WebhookEventId(r.GetGuid(1)), r.GetString(2), new WebhookEndpointId(r.GetGuid(3)),
                r.GetInt32(4), Time(r, 5), TimeOrNull(r, 6), TimeOrNull(r, 7), r.IsDBNull(8) ? null : r.GetInt32(8), StringOrNull(r, 9), Time(r, 10)),
            $"SELECT {WebhookDeliveryColumns} FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id " +
            "WHERE d.endpoint_id = $1 AND d.id < $2 ORDER BY d.id DESC LIMIT $3",
            endpoint.Value, Cursor.ToLong(cursor) ?? long.MaxValue, limit + 1);
        return PageOf(list, limit, d => Cursor.FromLong(d.Id));
    }

    // ---- inbound: provider secrets and received events -------------------------------------------

    private static ProviderWebhookSecret ReadProviderSecret(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), StringOrNull(r, 2), TimeOrNull(r, 3), Time(r, 4), TimeOrNull(r, 5));

    public async ValueTask<ProviderWebhookSecret?> GetProviderWebhookSecret(string providerId) =>
        await One(ReadProviderSecret, $"SELECT {ProviderWebhookSecretColumns} FROM webhook_provider_secrets WHERE provider_id = $1", providerId);

    public async ValueTask<ProviderWebhookSecret> SetProviderWebhookSecret(string providerId, string protectedSecret, DateTimeOffset previousValidUntil, DateTimeOffset at) =>
        (await One(ReadProviderSecret,
            $"INSERT INTO webhook_provider_secrets AS s ({ProviderWebhookSecretColumns}) VALUES ($1, $2, NULL, NULL, $4, NULL) " +
            "ON CONFLICT (provider_id) DO UPDATE SET previous_secret = s.secret, previous_valid_until = $3, secret = excluded.secret, rotated_at = $4 " +
            $"RETURNING {ProviderWebhookSecretColumns}",
            providerId, protectedSecret, Ts(previousValidUntil), Ts(at)))!;

    public async ValueTask<bool> InboundWebhookEventSeen(string providerId, string eventId) =>
        await One(_ => "", "SELECT 1 FROM webhook_inbound_events WHERE provider_id = $1 AND event_id = $2", providerId, eventId) is not null;

    public async ValueTask<bool> RememberInboundWebhookEvent(string providerId, string eventId, DateTimeOffset at) =>
        await Exec("INSERT INTO webhook_inbound_events (provider_id, event_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            providerId, eventId, Ts(at)) == 1;

    public async ValueTask<int> ForgetInboundWebhookEvents(DateTimeOffset before) =>
        await Exec("DELETE FROM webhook_inbound_events WHERE received_at < $1", Ts(before));

    // ---- sandbox callbacks ---------------------------------------------------------------------

    public async ValueTask ScheduleSandboxCallback(SandboxCallback c) =>
        await Exec($"INSERT INTO sandbox_callbacks ({SandboxCallbackColumns}) VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT DO NOTHING",
            c.ProviderId, c.IdempotencyKey, c.Kind, c.Cashout.Value, c.Outcome, Ts(c.DueAt));

    public async ValueTask<IReadOnlyList<SandboxCallback>> ListSandboxCallbacksDue(DateTimeOffset now, int limit) =>
        await Many(r => new SandboxCallback(r.GetString(0), r.GetString(1), r.GetString(2), new CashoutId(r.GetGuid(3)), r.GetString(4), Time(r, 5), r.GetInt32(6)),
            $"SELECT {SandboxCallbackColumns} FROM sandbox_callbacks WHERE sent_at IS NULL AND due_at <= $1 ORDER BY due_at LIMIT $2", Ts(now), limit);

    public async ValueTask MarkSandboxCallbackSent(string providerId, string idempotencyKey, string kind, DateTimeOffset at) =>
        await Exec("UPDATE sandbox_callbacks SET sent_at = $4, attempts = attempts + 1, last_error = NULL WHERE provider_id = $1 AND idempotency_key = $2 AND kind = $3",
            providerId, idempotencyKey, kind, Ts(at));

    public async ValueTask RetrySandboxCallback(string providerId, string idempotencyKey, string kind, DateTimeOffset dueAt, string error) =>
        await Exec("UPDATE sandbox_callbacks SET due_at = $4, attempts = attempts + 1, last_error = $5 WHERE provider_id = $1 AND idempotency_key = $2 AND kind = $3",
            providerId, idempotencyKey, kind, Ts(dueAt), error);
}
