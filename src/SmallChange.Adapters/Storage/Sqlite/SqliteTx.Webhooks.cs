using Microsoft.Data.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Webhooks;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Webhook endpoints, the event outbox and its deliveries, provider secrets, received event ids, sandbox callbacks (0008_webhooks.sql).</summary>
internal sealed partial class SqliteTx
{
    /// <summary>An endpoint subscribes to type $p (the parameter named in <paramref name="p"/>).</summary>
    private static string Subscribes(string p) => $"disabled_at IS NULL AND (events = '*' OR instr(events, ',' || {p} || ',') > 0)";

    private static DateTimeOffset? MicrosOrNullAt(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : FromMicros(r.GetInt64(i));

    // ---- endpoints -------------------------------------------------------------------------------

    private static WebhookEndpoint ReadWebhookEndpoint(SqliteDataReader r) => new(
        new WebhookEndpointId(ToGuid((byte[])r[0])), r.GetString(1), WebhookEventList.FromColumn(r.GetString(2)), r.GetString(3),
        NullableString(r, 4), MicrosOrNullAt(r, 5), r.GetString(6), FromMicros(r.GetInt64(7)), MicrosOrNullAt(r, 8));

    public ValueTask InsertWebhookEndpoint(WebhookEndpoint e)
    {
        Cmd($"INSERT INTO webhook_endpoints ({WebhookEndpointColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)",
            ToBytes(e.Id.Value), e.Url, WebhookEventList.ToColumn(e.Events), e.ProtectedSecret, e.PreviousProtectedSecret, MicrosOrNull(e.PreviousValidUntil),
            e.Description, ToMicros(e.CreatedAt), MicrosOrNull(e.DisabledAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<WebhookEndpoint?> GetWebhookEndpoint(WebhookEndpointId id)
    {
        using var r = Cmd($"SELECT {WebhookEndpointColumns} FROM webhook_endpoints WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadWebhookEndpoint(r) : null);
    }

    public ValueTask<Page<WebhookEndpoint>> ListWebhookEndpoints(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) ?? new byte[16];
        var list = new List<WebhookEndpoint>(limit);
        using (var r = Cmd($"SELECT {WebhookEndpointColumns} FROM webhook_endpoints WHERE id > $p0 ORDER BY id LIMIT $p1", after, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadWebhookEndpoint(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, e => Cursor.FromBytes(ToBytes(e.Id.Value))));
    }

    public ValueTask<bool> RotateWebhookEndpointSecret(WebhookEndpointId id, string protectedSecret, DateTimeOffset previousValidUntil) =>
        ValueTask.FromResult(Cmd(
            "UPDATE webhook_endpoints SET previous_secret = secret, previous_valid_until = $p2, secret = $p1 WHERE id = $p0 AND disabled_at IS NULL",
            ToBytes(id.Value), protectedSecret, ToMicros(previousValidUntil)).ExecuteNonQuery() == 1);

    public ValueTask<bool> DisableWebhookEndpoint(WebhookEndpointId id, DateTimeOffset at) =>
        ValueTask.FromResult(Cmd("UPDATE webhook_endpoints SET disabled_at = $p1 WHERE id = $p0 AND disabled_at IS NULL", ToBytes(id.Value), ToMicros(at)).ExecuteNonQuery() == 1);

    // ---- events and deliveries -------------------------------------------------------------------

    public ValueTask<int> EnqueueWebhookEvent(WebhookEvent e, DateTimeOffset dueAt)
    {
        var written = Cmd(
            "INSERT INTO webhook_events (id, type, payload, occurred_at) SELECT $p0, $p1, $p2, $p3 " +
            $"WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE {Subscribes("$p1")}) ON CONFLICT (id) DO NOTHING",
            ToBytes(e.Id.Value), e.Type, e.Payload, ToMicros(e.OccurredAt)).ExecuteNonQuery();
        if (written == 0)
        {
            return ValueTask.FromResult(0);
        }

        return ValueTask.FromResult(Cmd(
            "INSERT INTO webhook_deliveries (event_id, endpoint_id, due_at, created_at) " +
            $"SELECT $p0, id, $p1, $p3 FROM webhook_endpoints WHERE {Subscribes("$p2")} ON CONFLICT (event_id, endpoint_id) DO NOTHING",
            ToBytes(e.Id.Value), ToMicros(dueAt), e.Type, ToMicros(e.OccurredAt)).ExecuteNonQuery());
    }

    public ValueTask<WebhookEvent?> GetWebhookEvent(WebhookEventId id)
    {
        using var r = Cmd("SELECT id, type, payload, occurred_at FROM webhook_events WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? new WebhookEvent(id, r.GetString(1), r.GetString(2), FromMicros(r.GetInt64(3))) : null);
    }

    public ValueTask<IReadOnlyList<WebhookDeliveryClaim>> ClaimWebhookDeliveries(DateTimeOffset now, TimeSpan lease, int limit)
    {
        // The single writer holds the write lock: no other dispatcher can claim the same rows meanwhile.
        var list = new List<WebhookDeliveryClaim>();
        var n = ToMicros(now);
        using var r = Cmd(
            "UPDATE webhook_deliveries SET claimed_until = $p1, attempts = attempts + 1 WHERE id IN (" +
            "SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL AND due_at <= $p0 " +
            "AND (claimed_until IS NULL OR claimed_until <= $p0) ORDER BY due_at LIMIT $p2) RETURNING id, event_id, endpoint_id, attempts",
            n, ToMicros(now + lease), limit).ExecuteReader();
        while (r.Read())
        {
            list.Add(new WebhookDeliveryClaim(r.GetInt64(0), new WebhookEventId(ToGuid((byte[])r[1])), new WebhookEndpointId(ToGuid((byte[])r[2])), r.GetInt32(3)));
        }

        return ValueTask.FromResult<IReadOnlyList<WebhookDeliveryClaim>>(list);
    }

    public ValueTask CompleteWebhookDelivery(long id, DateTimeOffset at, int status)
    {
        Cmd("UPDATE webhook_deliveries SET delivered_at = $p1, claimed_until = NULL, last_status = $p2, last_error = NULL WHERE id = $p0",
            id, ToMicros(at), status).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask RetryWebhookDelivery(long id, DateTimeOffset dueAt, int? status, string error)
    {
        Cmd("UPDATE webhook_deliveries SET due_at = $p1, claimed_until = NULL, last_status = $p2, last_error = $p3 WHERE id = $p0",
            id, ToMicros(dueAt), status, error).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask FailWebhookDelivery(long id, DateTimeOffset at, int? status, string error)
    {
        Cmd("UPDATE webhook_deliveries SET failed_at = $p1, claimed_until = NULL, last_status = $p2, last_error = $p3 WHERE id = $p0",
            id, ToMicros(at), status, error).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<Page<WebhookDelivery>> ListWebhookDeliveries(WebhookEndpointId endpoint, string? cursor, int limit)
    {
        var before = Cursor.ToLong(cursor) ?? long.MaxValue;
        var list = new List<WebhookDelivery>(limit);
        using (var r = Cmd(
                   $"SELECT {WebhookDeliveryColumns} FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id " +
                   "WHERE d.endpoint_id = $p0 AND d.id < $p1 ORDER BY d.id DESC LIMIT $p2",
                   ToBytes(endpoint.Value), before, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(new WebhookDelivery(r.GetInt64(0), new WebhookEventId(ToGuid((byte[])r[1])), r.GetString(2), new WebhookEndpointId(ToGuid((byte[])r[3])),
                    r.GetInt32(4), FromMicros(r.GetInt64(5)), MicrosOrNullAt(r, 6), MicrosOrNullAt(r, 7), r.IsDBNull(8) ? null : r.GetInt32(8),
                    NullableString(r, 9), FromMicros(r.GetInt64(10))));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, d => Cursor.FromLong(d.Id)));
    }

    // ---- inbound: provider secrets and received events -------------------------------------------

    private static ProviderWebhookSecret ReadProviderSecret(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), NullableString(r, 2), MicrosOrNullAt(r, 3), FromMicros(r.GetInt64(4)), MicrosOrNullAt(r, 5));

    public ValueTask<ProviderWebhookSecret?> GetProviderWebhookSecret(string providerId)
    {
        using var r = Cmd($"SELECT {ProviderWebhookSecretColumns} FROM webhook_provider_secrets WHERE provider_id = $p0", providerId).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadProviderSecret(r) : null);
    }

    public ValueTask<ProviderWebhookSecret> SetProviderWebhookSecret(string providerId, string protectedSecret, DateTimeOffset previousValidUntil, DateTimeOffset at)
    {
        using var r = Cmd(
            $"INSERT INTO webhook_provider_secrets ({ProviderWebhookSecretColumns}) VALUES ($p0, $p1, NULL, NULL, $p3, NULL) " +
            "ON CONFLICT (provider_id) DO UPDATE SET previous_secret = secret, previous_valid_until = $p2, secret = excluded.secret, rotated_at = $p3 " +
            $"RETURNING {ProviderWebhookSecretColumns}",
            providerId, protectedSecret, ToMicros(previousValidUntil), ToMicros(at)).ExecuteReader();
        r.Read();
        return ValueTask.FromResult(ReadProviderSecret(r));
    }

    public ValueTask<bool> InboundWebhookEventSeen(string providerId, string eventId)
    {
        using var r = Cmd("SELECT 1 FROM webhook_inbound_events WHERE provider_id = $p0 AND event_id = $p1", providerId, eventId).ExecuteReader();
        return ValueTask.FromResult(r.Read());
    }

    public ValueTask<bool> RememberInboundWebhookEvent(string providerId, string eventId, DateTimeOffset at) =>
        ValueTask.FromResult(Cmd("INSERT INTO webhook_inbound_events (provider_id, event_id, received_at) VALUES ($p0, $p1, $p2) ON CONFLICT DO NOTHING",
            providerId, eventId, ToMicros(at)).ExecuteNonQuery() == 1);

    public ValueTask<int> ForgetInboundWebhookEvents(DateTimeOffset before) =>
        ValueTask.FromResult(Cmd("DELETE FROM webhook_inbound_events WHERE received_at < $p0", ToMicros(before)).ExecuteNonQuery());

    // ---- sandbox callbacks ---------------------------------------------------------------------

    public ValueTask ScheduleSandboxCallback(SandboxCallback c)
    {
        Cmd($"INSERT INTO sandbox_callbacks ({SandboxCallbackColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, 0) ON CONFLICT DO NOTHING",
            c.ProviderId, c.IdempotencyKey, c.Kind, ToBytes(c.Cashout.Value), c.Outcome, ToMicros(c.DueAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<SandboxCallback>> ListSandboxCallbacksDue(DateTimeOffset now, int limit)
    {
        var list = new List<SandboxCallback>();
        using var r = Cmd($"SELECT {SandboxCallbackColumns} FROM sandbox_callbacks WHERE sent_at IS NULL AND due_at <= $p0 ORDER BY due_at LIMIT $p1",
            ToMicros(now), limit).ExecuteReader();
        while (r.Read())
        {
            list.Add(new SandboxCallback(r.GetString(0), r.GetString(1), r.GetString(2), new CashoutId(ToGuid((byte[])r[3])), r.GetString(4),
                FromMicros(r.GetInt64(5)), r.GetInt32(6)));
        }

        return ValueTask.FromResult<IReadOnlyList<SandboxCallback>>(list);
    }

    public ValueTask MarkSandboxCallbackSent(string providerId, string idempotencyKey, string kind, DateTimeOffset at)
    {
        Cmd("UPDATE sandbox_callbacks SET sent_at = $p3, attempts = attempts + 1, last_error = NULL WHERE provider_id = $p0 AND idempotency_key = $p1 AND kind = $p2",
            providerId, idempotencyKey, kind, ToMicros(at)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask RetrySandboxCallback(string providerId, string idempotencyKey, string kind, DateTimeOffset dueAt, string error)
    {
        Cmd("UPDATE sandbox_callbacks SET due_at = $p3, attempts = attempts + 1, last_error = $p4 WHERE provider_id = $p0 AND idempotency_key = $p1 AND kind = $p2",
            providerId, idempotencyKey, kind, ToMicros(dueAt), error).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }
}
