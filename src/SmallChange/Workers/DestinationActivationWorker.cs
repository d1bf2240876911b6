using SmallChange.Core.Security;

namespace SmallChange.Workers;

/// <summary>Records, every half minute, the destinations whose cooling-off has ended in their holders' activity logs.</summary>
public sealed class DestinationActivationWorker(DestinationActivation activation, ILogger<DestinationActivationWorker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int count;
                do
                {
                    count = await activation.ActivateDue(500, stoppingToken);
                    if (count > 0)
                    {
                        log.LogInformation("Activated {Count} destinations after their cooling-off", count);
                    }
                }
                while (count == 500 && !stoppingToken.IsCancellationRequested);

                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The host's edge: a failed sweep (e.g. the database briefly unavailable) is retried next interval.
                log.LogError("Destination activation sweep failed with {ExceptionType}; retrying in {Interval}", ex.GetType().Name, Interval);
                await Task.Delay(Interval, stoppingToken);
            }
        }
    }
}
