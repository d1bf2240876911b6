using System.Globalization;
using System.Text;
using SmallChange.Api.Webhooks;
using SmallChange.Core.Ports;
using SmallChange.Core.Webhooks;

namespace SmallChange.Workers;

/// <summary>
/// Delivers the webhook outbox: claims due deliveries (a lease, so several nodes share the work and none sends the same
/// delivery at the same time), POSTs each event's payload to its endpoint signed with the endpoint's secret(s)
/// (<see cref="WebhookSignature"/>; headers <c>SmallChange-Event-Id</c>, <c>-Timestamp</c>, <c>-Signature</c>), and
/// books the answer: 2xx delivered; anything else (or no answer within the timeout) retried with exponential backoff,
/// given up after <see cref="WebhookOptions.MaxAttempts"/>. Delivery is at least once: a receiver deduplicates by the
/// event id, which every attempt of an event carries. Redirects are not followed. Nothing of a payload or URL is logged.
/// </summary>
public sealed class WebhookDispatcher(IStore store, WebhookSecrets secrets, WebhookOptions options, TimeProvider clock, ILogger<WebhookDispatcher> log) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = options.Timeout,
    };

    /// <summary>Delivers up to <paramref name="limit"/> due deliveries (a few at a time); returns how many were attempted.</summary>
    public async Task<int> DeliverDue(int limit, CancellationToken ct)
    {
        var claims = await store.WriteAsync(tx => tx.ClaimWebhookDeliveries(clock.GetUtcNow(), options.Lease, limit), ct);
        if (claims.Count == 0)
        {
            return 0;
        }

        var (events, endpoints) = await store.ReadAsync(async r =>
        {
            var ev = new Dictionary<WebhookEventId, WebhookEvent?>();
            var ep = new Dictionary<WebhookEndpointId, WebhookEndpoint?>();
            foreach (var c in claims)
            {
                if (!ev.ContainsKey(c.Event))
                {
                    ev[c.Event] = await r.GetWebhookEvent(c.Event);
                }

                if (!ep.ContainsKey(c.Endpoint))
                {
                    ep[c.Endpoint] = await r.GetWebhookEndpoint(c.Endpoint);
                }
            }

            return (ev, ep);
        }, ct);
        await Parallel.ForEachAsync(claims, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (c, token) => await Deliver(c, events[c.Event], endpoints[c.Endpoint], token));
        return claims.Count;
    }

    private async Task Deliver(WebhookDeliveryClaim claim, WebhookEvent? e, WebhookEndpoint? endpoint, CancellationToken ct)
    {
        if (e is null || endpoint is null || endpoint.DisabledAt is not null)
        {
            await Book(tx => tx.FailWebhookDelivery(claim.Id, clock.GetUtcNow(), null, "endpoint.disabled"), ct);
            return;
        }

        int? status = null;
        string? error = null;
        try
        {
            var body = Encoding.UTF8.GetBytes(e.Payload);
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
            request.Headers.Add(WebhookSignature.EventIdHeader, e.Id.ToString());
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Header(secrets.SigningSecrets(endpoint), timestamp, body));
            request.Headers.UserAgent.ParseAdd("SmallChange-Webhooks/1");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"http.{status}";
        }
        catch (HttpRequestException)
        {
            error = "http.unreachable";
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            error = "http.timeout";
        }

        var now = clock.GetUtcNow();
        if (error is null)
        {
            await Book(tx => tx.CompleteWebhookDelivery(claim.Id, now, status!.Value), ct);
        }
        else if (claim.Attempt >= options.MaxAttempts)
        {
            log.LogWarning("Webhook delivery {DeliveryId} of event {EventId} to endpoint {EndpointId} given up after {Attempts} attempts ({Error})",
                claim.Id, e.Id, endpoint.Id, claim.Attempt, error);
            await Book(tx => tx.FailWebhookDelivery(claim.Id, now, status, error), ct);
        }
        else
        {
            await Book(tx => tx.RetryWebhookDelivery(claim.Id, now + options.Backoff(claim.Attempt), status, error), ct);
        }
    }

    private Task Book(Func<IStoreTx, ValueTask> write, CancellationToken ct) => store.WriteAsync(async tx =>
    {
        await write(tx);
        return 0;
    }, ct);

    public void Dispose() => _http.Dispose();
}
