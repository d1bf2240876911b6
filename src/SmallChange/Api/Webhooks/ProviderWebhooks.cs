using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Webhooks;
using SmallChange.Http;

namespace SmallChange.Api.Webhooks;

public sealed record ProviderWebhookResponse(string EventId, string Status);

/// <summary>
/// Inbound webhooks: a provider reports a payout's outcome by signed callback instead of being polled.
/// <c>POST /v1/webhooks/providers/{providerId}</c> with <c>SmallChange-Timestamp</c> and <c>SmallChange-Signature</c>
/// (see <see cref="WebhookSignature"/>) and a JSON body
/// <c>{"id": EVENT-ID, "type": "payout.paid" | "payout.failed" | "payout.returned", "cashout_id": UUID, "reason": CODE?}</c>.
/// No API key: the signature with the provider's secret is the credential. The outcome goes through the same processor
/// as the settlement poll (conditional state changes, so a repeat books nothing twice). Each event id is applied once:
/// it is remembered after the outcome is booked, and a message whose id was seen is refused (409) — a replay inside the
/// 5-minute window, or a provider's retry of a message that was already applied.
/// </summary>
public static class ProviderWebhooks
{
    public const int MaxEventId = 200;

    public static async Task<Results<Ok<ProviderWebhookResponse>, ProblemHttpResult>> Receive(
        string providerId, IStore store, WebhookSecrets secrets, CashoutProcessor processor, WebhookOptions options, TimeProvider clock, HttpContext http)
    {
        var body = await ReadBody(http, options.MaxInboundBytes);
        if (body is null)
        {
            return Problems.Result("request.too_large", $"A webhook body is at most {options.MaxInboundBytes} bytes.", http: http);
        }

        var now = clock.GetUtcNow();
        var providerSecrets = providerId.Length <= 100 ? await secrets.ProviderSecrets(providerId, http.RequestAborted) : [];
        var verified = WebhookSignature.Verify(providerSecrets, http.Request.Headers[WebhookSignature.TimestampHeader], http.Request.Headers[WebhookSignature.SignatureHeader], body, now);
        if (!verified.TryGet(out _, out var refused))
        {
            http.Response.Headers.WWWAuthenticate = "SmallChange-Signature";
            return Problems.Result(refused, http);
        }

        if (Parse(body) is not { } message)
        {
            return Problems.Result("webhook.body_invalid",
                $"The body is {{\"id\": 1 to {MaxEventId} characters, \"type\": payout.paid | payout.failed | payout.returned, \"cashout_id\": UUID, \"reason\": optional code}}.", http: http);
        }

        if (await store.ReadAsync(r => r.InboundWebhookEventSeen(providerId, message.EventId), http.RequestAborted))
        {
            return Replayed(http);
        }

        var changed = await processor.ApplyProviderOutcome(providerId, message.Cashout, message.Status, message.Reason, http.RequestAborted);
        if (changed is null)
        {
            return Problems.Result("cashout.not_found", "This provider has no such cash-out.", http: http);
        }

        // Remembered after booking: a crash in between leaves the id free, and a retry books nothing twice.
        if (!await store.WriteAsync(tx => tx.RememberInboundWebhookEvent(providerId, message.EventId, now), http.RequestAborted))
        {
            return Replayed(http);
        }

        return TypedResults.Ok(new ProviderWebhookResponse(message.EventId, changed.Value ? "applied" : "unchanged"));
    }

    private static ProblemHttpResult Replayed(HttpContext http) =>
        Problems.Result("webhook.replayed", "This event id was received before: it is not applied again.", http: http);

    private sealed record Message(string EventId, RailPaymentStatus Status, CashoutId Cashout, string? Reason);

    private static Message? Parse(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 and <= MaxEventId } eventId
                || eventId.Any(char.IsControl)
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("cashout_id", out var cashout) || cashout.ValueKind != JsonValueKind.String || !cashout.TryGetGuid(out var cashoutId))
            {
                return null;
            }

            RailPaymentStatus? status = type.GetString() switch
            {
                "payout.paid" => RailPaymentStatus.Paid,
                "payout.failed" => RailPaymentStatus.Failed,
                "payout.returned" => RailPaymentStatus.Returned,
                _ => null,
            };
            string? reason = null;
            if (root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
            {
                reason = r.GetString();
                if (reason is { Length: > 100 } || (reason?.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) ?? false))
                {
                    return null;
                }
            }

            return status is null ? null : new Message(eventId, status.Value, new CashoutId(cashoutId), reason);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The raw body (its exact bytes are what was signed), or null when it is longer than <paramref name="max"/>.</summary>
    private static async Task<byte[]?> ReadBody(HttpContext http, int max)
    {
        if (http.Request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + n > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
