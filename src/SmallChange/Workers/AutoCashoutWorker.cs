using SmallChange.Core.Cashouts;

namespace SmallChange.Workers;

/// <summary>
/// Evaluates the holders' automatic cash-out rules every <see cref="Interval"/> (see <see cref="AutoCashoutService"/>).
/// Safe on several nodes at once: each trigger window ends in at most one cash-out, by keys in the store.
/// </summary>
public sealed class AutoCashoutWorker(AutoCashoutService auto, ILogger<AutoCashoutWorker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await auto.RunDue(stoppingToken);
                if (pass.Created + pass.Refused > 0)
                {
                    log.LogInformation("Automatic cash-out pass: {Evaluated} due, {Created} made, {Refused} refused, {Waiting} waiting",
                        pass.Evaluated, pass.Created, pass.Refused, pass.Waiting);
                }

                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The host's edge: a failed pass (e.g. the database briefly unavailable) is retried next interval.
                log.LogError("Automatic cash-out pass failed with {ExceptionType}; retrying in {Interval}", ex.GetType().Name, Interval);
                await Task.Delay(Interval, stoppingToken);
            }
        }
    }
}
