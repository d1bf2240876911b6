using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;

namespace SmallChange.Core.Webhooks;

public readonly record struct WebhookEventId(Guid Value)
{
    public static WebhookEventId New() => new(Uuid7.New());

    /// <summary>A name-based id (SHA-256, RFC 9562 version 8): the same name always gives the same id, so enqueuing twice is harmless.</summary>
    public static WebhookEventId For(string name)
    {
        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), h);
        h[6] = (byte)((h[6] & 0x0F) | 0x80);
        h[8] = (byte)((h[8] & 0x3F) | 0x80);
        return new WebhookEventId(new Guid(h[..16], bigEndian: true));
    }

    public override string ToString() => Value.ToString();
}

public readonly record struct WebhookEndpointId(Guid Value)
{
    public static WebhookEndpointId New() => new(Uuid7.New());

    public override string ToString() => Value.ToString();
}

/// <summary>
/// Something that happened, for operators' webhook endpoints. <see cref="Payload"/> is the exact JSON body every
/// delivery sends (it holds the id, type and time too, so the signature covers them); ids, amounts and codes only —
/// no names, addresses or account numbers.
/// </summary>
public sealed record WebhookEvent(WebhookEventId Id, string Type, string Payload, DateTimeOffset OccurredAt)
{
    public override string ToString() => $"WebhookEvent {{ Id = {Id}, Type = {Type} }}";
}

public static class WebhookEventTypes
{
    public const string CashoutPaid = "cashout.paid";
    public const string CashoutFailed = "cashout.failed";
    public const string CashoutReturned = "cashout.returned";
    public const string CreditBatchApplied = "credits.batch_applied";

    /// <summary>Every type an endpoint can subscribe to.</summary>
    public static readonly IReadOnlyList<string> All = [CashoutPaid, CashoutFailed, CashoutReturned, CreditBatchApplied];
}

/// <summary>The events SmallChange emits, built where the change is committed (in the same transaction).</summary>
public static class WebhookEvents
{
    /// <summary>A cash-out reached <paramref name="state"/> (paid, failed or returned); null for any other state.</summary>
    public static WebhookEvent? CashoutChanged(Cashout c, CashoutState state, string? reason, DateTimeOffset at)
    {
        var type = state switch
        {
            CashoutState.Paid => WebhookEventTypes.CashoutPaid,
            CashoutState.Failed => WebhookEventTypes.CashoutFailed,
            CashoutState.Returned => WebhookEventTypes.CashoutReturned,
            _ => null,
        };
        if (type is null)
        {
            return null;
        }

        var id = WebhookEventId.For($"cashout/{c.Id}/{state.ToWire()}");
        return new WebhookEvent(id, type, Envelope(id, type, at, w =>
        {
            w.WriteString("cashout_id", c.Id.Value);
            w.WriteString("holder_id", c.Holder.Value);
            w.WriteString("state", state.ToWire());
            if (reason is not null)
            {
                w.WriteString("reason", reason);
            }

            w.WriteString("provider_id", c.ProviderId);
            if (c.ProviderRef is not null)
            {
                w.WriteString("provider_ref", c.ProviderRef);
            }

            Amount(w, "gross", c.Gross);
            Amount(w, "fee", c.Fee);
            Amount(w, "net", c.Net);
        }), at);
    }

    /// <summary>A credit batch was applied: how many credits were created, replayed or refused, and the total created per currency.</summary>
    public static WebhookEvent CreditBatchApplied(SourceId source, bool linked, int created, int exists, int failed, IReadOnlyDictionary<string, string> createdTotals, DateTimeOffset at)
    {
        var id = WebhookEventId.New();
        return new WebhookEvent(id, WebhookEventTypes.CreditBatchApplied, Envelope(id, WebhookEventTypes.CreditBatchApplied, at, w =>
        {
            w.WriteString("source_id", source.Value);
            w.WriteBoolean("linked", linked);
            w.WriteNumber("created", created);
            w.WriteNumber("exists", exists);
            w.WriteNumber("failed", failed);
            w.WriteStartArray("created_totals");
            foreach (var (currency, amount) in createdTotals.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("amount", amount);
                w.WriteString("currency", currency);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }), at);
    }

    private static void Amount(Utf8JsonWriter w, string name, Money.Money m)
    {
        w.WriteStartObject(name);
        w.WriteString("amount", m.ToDecimalString());
        w.WriteString("currency", m.Currency.Code);
        w.WriteEndObject();
    }

    private static string Envelope(WebhookEventId id, string type, DateTimeOffset at, Action<Utf8JsonWriter> data)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id.Value);
            w.WriteString("type", type);
            w.WriteString("occurred_at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
