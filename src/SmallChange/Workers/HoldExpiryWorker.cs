using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;

namespace SmallChange.Workers;

/// <summary>Voids pending transfers (holds) whose timeout has passed, every few seconds.</summary>
public sealed class HoldExpiryWorker(IStore store, LedgerEngine engine, ILogger<HoldExpiryWorker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int count;
                do
                {
                    var voids = await store.WriteAsync(tx => engine.VoidExpired(tx, 500), stoppingToken);
                    count = voids.Count;
                    if (count > 0)
                    {
                        log.LogInformation("Voided {Count} expired holds", count);
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
                log.LogError("Hold expiry sweep failed with {ExceptionType}; retrying in {Interval}", ex.GetType().Name, Interval);
                await Task.Delay(Interval, stoppingToken);
            }
        }
    }
}
