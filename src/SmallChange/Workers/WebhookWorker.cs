using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Api.Webhooks;
using SmallChange.Core.Ports;

namespace SmallChange.Workers;

/// <summary>
/// Runs the webhook outbox (<see cref="WebhookDispatcher"/>), the sandbox providers' callbacks when they report by
/// callback (<see cref="SandboxCallbacks"/>), and, hourly, forgets received provider event ids older than the retention.
/// </summary>
public sealed class WebhookWorker(
    WebhookDispatcher dispatcher, IStore store, WebhookOptions options, TimeProvider clock, ILogger<WebhookWorker> log, SandboxCallbacks? callbacks = null)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPrune = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var delivered = await dispatcher.DeliverDue(50, stoppingToken);
                var called = callbacks is null ? 0 : await callbacks.SendDue(50, stoppingToken);
                if (clock.GetUtcNow() >= nextPrune)
                {
                    await store.WriteAsync(tx => tx.ForgetInboundWebhookEvents(clock.GetUtcNow() - options.InboundRetention), stoppingToken);
                    nextPrune = clock.GetUtcNow().AddHours(1);
                }

                if (delivered < 50 && called < 50)
                {
                    await Task.Delay(Interval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The host's edge: a failed round (e.g. the database briefly unavailable) is retried next interval.
                log.LogError("Webhook round failed with {ExceptionType}; retrying", ex.GetType().Name);
                await Task.Delay(Interval * 4, stoppingToken);
            }
        }
    }
}
