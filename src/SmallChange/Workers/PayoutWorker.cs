using SmallChange.Core.Cashouts;

namespace SmallChange.Workers;

/// <summary>Runs the outbox dispatcher and the settlement poller: approved cash-outs go to their providers, outcomes are booked.</summary>
public sealed class PayoutWorker(CashoutProcessor processor, ILogger<PayoutWorker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var dispatched = await processor.DispatchDue(100, stoppingToken);
                var settled = await processor.Settle(200, stoppingToken);
                if (dispatched + settled > 0)
                {
                    log.LogInformation("Payouts: {Dispatched} dispatched, {Settled} settled", dispatched, settled);
                }

                if (dispatched < 100 && settled < 200)
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
                log.LogError("Payout round failed with {ExceptionType}; retrying", ex.GetType().Name);
                await Task.Delay(Interval * 4, stoppingToken);
            }
        }
    }
}
