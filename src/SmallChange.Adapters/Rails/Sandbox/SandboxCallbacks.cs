using System.Globalization;
using System.Text;
using System.Text.Json;
using SmallChange.Core.Ports;
using SmallChange.Core.Webhooks;

namespace SmallChange.Adapters.Rails.Sandbox;

/// <summary>
/// SANDBOX providers in callback mode: when a payment settles (paid or failed) and when a paid one comes back
/// (returned), the provider POSTs a signed webhook to SmallChange's <c>/v1/webhooks/providers/{providerId}</c>, as a
/// real provider with callbacks would: <c>{"id", "type": "payout.paid|failed|returned", "cashout_id", "reason",
/// "provider_ref", "occurred_at"}</c>, signed with the provider's webhook secret (<see cref="WebhookSignature"/>). A
/// callback counts as sent when SmallChange answers 2xx, or 409 (that event id was applied already); otherwise it is
/// sent again later (backoff up to a minute). The event id is stable per payment and kind, so a resend is recognised.
/// </summary>
public sealed class SandboxCallbacks : IDisposable
{
    private readonly IStore _store;
    private readonly Func<string, CancellationToken, Task<string>> _secretOf;
    private readonly Uri _baseUrl;
    private readonly TimeProvider _clock;
    private readonly HttpClient _http;

    /// <param name="secretOf">The provider's current signing secret.</param>
    /// <param name="baseUrl">Where SmallChange listens (its webhook path is appended).</param>
    /// <param name="handler">The HTTP transport (null: a new connection pool; tests pass their in-memory server's).</param>
    public SandboxCallbacks(IStore store, Func<string, CancellationToken, Task<string>> secretOf, Uri baseUrl, TimeProvider clock, HttpMessageHandler? handler = null)
    {
        _store = store;
        _secretOf = secretOf;
        _baseUrl = baseUrl;
        _clock = clock;
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(10) }
            : new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Schedules the callbacks of a payment received for the first time (in the transaction that records it).</summary>
    public static async ValueTask Schedule(IStoreTx tx, SandboxPayment p)
    {
        if (p.Deliveries != 1)
        {
            return; // a redelivered instruction: its callbacks are scheduled already
        }

        await tx.ScheduleSandboxCallback(new SandboxCallback(p.ProviderId, p.IdempotencyKey, "settle", p.Cashout, p.Outcome == "failed" ? "failed" : "paid", p.SettleAt, 0));
        if (p.Outcome == "returned" && p.ReturnAt is { } at)
        {
            await tx.ScheduleSandboxCallback(new SandboxCallback(p.ProviderId, p.IdempotencyKey, "return", p.Cashout, "returned", at, 0));
        }
    }

    /// <summary>Sends the callbacks that are due; returns how many were attempted.</summary>
    public async Task<int> SendDue(int limit, CancellationToken ct)
    {
        var due = await _store.ReadAsync(r => r.ListSandboxCallbacksDue(_clock.GetUtcNow(), limit), ct);
        foreach (var c in due)
        {
            await Send(c, ct);
        }

        return due.Count;
    }

    private async Task Send(SandboxCallback c, CancellationToken ct)
    {
        var (type, reason) = c.Outcome switch
        {
            "failed" => ("payout.failed", "sandbox.simulated_failure"),
            "returned" => ("payout.returned", "sandbox.simulated_return"),
            _ => ("payout.paid", (string?)null),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?>
        {
            ["id"] = $"sbx_{c.Kind}_{c.Cashout.Value:N}",
            ["type"] = type,
            ["cashout_id"] = c.Cashout.ToString(),
            ["reason"] = reason,
            ["provider_ref"] = $"sbx_{c.ProviderId}_{c.Cashout.Value:N}",
            ["occurred_at"] = c.DueAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        });
        string? error;
        try
        {
            var secret = await _secretOf(c.ProviderId, ct);
            var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_baseUrl, $"v1/webhooks/providers/{Uri.EscapeDataString(c.ProviderId)}"))
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Header([secret], timestamp, body));
            using var response = await _http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode || status == 409 ? null : $"http.{status}";
        }
        catch (HttpRequestException)
        {
            error = "http.unreachable";
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            error = "http.timeout";
        }

        var now = _clock.GetUtcNow();
        await _store.WriteAsync(async tx =>
        {
            if (error is null)
            {
                await tx.MarkSandboxCallbackSent(c.ProviderId, c.IdempotencyKey, c.Kind, now);
            }
            else
            {
                await tx.RetrySandboxCallback(c.ProviderId, c.IdempotencyKey, c.Kind, now + TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(c.Attempts, 6)))), error);
            }

            return 0;
        }, ct);
    }

    public void Dispose() => _http.Dispose();
}
