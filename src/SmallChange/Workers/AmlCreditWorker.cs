using SmallChange.Core.Compliance.Aml;

namespace SmallChange.Workers;

/// <summary>Runs the AML rules on committed credits (<see cref="AmlCreditMonitor"/>), off the credit path, on every node, a round at most every <see cref="Interval"/> unless the monitor is behind.</summary>
public sealed class AmlCreditWorker(AmlCreditMonitor monitor, ILogger<AmlCreditWorker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var leaves = monitor.Batch;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var round = await monitor.RunOnce(leaves, stoppingToken);
                if (round.Alerts > 0)
                {
                    log.LogInformation("AML on credits: {Credits} credits evaluated, {Alerts} alerts", round.Credits, round.Alerts);
                }

                // A round reads each of its holders' history once: after a partial round, wait for the log to fill the
                // next one rather than read the same histories again for a few credits (alerts on credits come within
                // about an interval). A full round means the monitor is behind: the next goes on at once and reads
                // twice as many leaves (up to MaxBatch), so a busy holder's history is read once per many of its
                // credits rather than once per Batch leaves; back at the normal size once it has caught up.
                if (round.Leaves < leaves)
                {
                    leaves = monitor.Batch;
                    await Task.Delay(Interval, stoppingToken);
                }
                else
                {
                    leaves = Math.Min(leaves * 2, monitor.MaxBatch);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The host's edge: the round is repeated from the same durable position next interval.
                log.LogError("AML credit round failed with {ExceptionType}; retrying", ex.GetType().Name);
                await Task.Delay(Interval * 5, stoppingToken);
            }
        }
    }
}
