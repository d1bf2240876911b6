using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Workers;

/// <summary>
/// Builds the sanctions screener when the server starts and looks for newer list versions every
/// <see cref="SanctionsListService.CheckInterval"/>, so a screening on the request path never waits for a (re)build and a
/// list imported on any node reaches every node within that interval. When a list version was stored since the last
/// rescreen (imported on this node or another, or by the CLI while no server ran), it rescreens every holder and
/// destination and files the hits as alerts (<see cref="SanctionsListService.RescreenIfListsChanged"/>: a durable
/// position, and idempotent filing, so every node doing it files each hit once).
/// </summary>
public sealed class SanctionsListRefresher(SanctionsListService lists, ILogger<SanctionsListRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var screener = await lists.Screener(refresh: true, stoppingToken);
                log.LogDebug("Sanctions screener holds {Lists} lists, {Entries} entries", screener.Lists.Count, screener.EntryCount);
                if (await lists.RescreenIfListsChanged(stoppingToken) is { } filing)
                {
                    log.LogInformation("Sanctions lists changed: rescreened {Holders} holders and {Destinations} destinations, {Hits} hits, {Filed} new alerts",
                        filing.Report.HoldersScreened, filing.Report.DestinationsScreened, filing.Report.Hits.Count, filing.AlertsFiled);
                }

                await Task.Delay(SanctionsListService.CheckInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The host's edge: a failed check (e.g. the database briefly unavailable) is retried next interval.
                log.LogError("Sanctions list check failed with {ExceptionType}; retrying in {Interval}", ex.GetType().Name, SanctionsListService.CheckInterval);
                await Task.Delay(SanctionsListService.CheckInterval, stoppingToken);
            }
        }
    }
}
