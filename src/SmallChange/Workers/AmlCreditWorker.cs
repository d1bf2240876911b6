using SmallChange.Core.Compliance.Aml;

namespace SmallChange.Workers;

/// <summary>Runs the AML rules on committed credits (<see cref="AmlCreditMonitor"/>), off the credit path, on every node.</summary>
public sealed class AmlCreditWorker(AmlCreditMonitor monitor, ILogger<AmlCreditWorker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var round = await monitor.RunOnce(stoppingToken);
                if (round.Alerts > 0)
                {
                    log.LogInformation("AML on credits: {Credits} credits evaluated, {Alerts} alerts", round.Credits, round.Alerts);
                }

                if (round.Leaves == 0)
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
                // The host's edge: the round is repeated from the same durable position next interval.
                log.LogError("AML credit round failed with {ExceptionType}; retrying", ex.GetType().Name);
                await Task.Delay(Interval * 5, stoppingToken);
            }
        }
    }
}
