using SmallChange.Core.Audit;

namespace SmallChange.Workers;

/// <summary>Signs a checkpoint of the log every <see cref="Interval"/> when it grew since the last one.</summary>
public sealed class CheckpointWorker(CheckpointService checkpoints, ILogger<CheckpointWorker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await checkpoints.Latest(ct: stoppingToken);
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The host's edge: a failed signing (e.g. the database briefly unavailable) is retried next interval.
                log.LogError("Checkpoint signing failed with {ExceptionType}; retrying in {Interval}", ex.GetType().Name, Interval);
                await Task.Delay(Interval, stoppingToken);
            }
        }
    }
}
