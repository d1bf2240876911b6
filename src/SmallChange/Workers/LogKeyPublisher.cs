using SmallChange.Core.Audit;
using SmallChange.Core.Ports;

namespace SmallChange.Workers;

/// <summary>Publishes this node's checkpoint-signing public key when the host starts (and again lazily before it first signs).</summary>
public sealed class LogKeyPublisher(CheckpointService checkpoints, ILogger<LogKeyPublisher> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await checkpoints.PublishKey(cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // The host's edge: serving can start without the database; the key is published before the first signature.
            log.LogWarning("Could not publish log key {KeyId} at start: the database is unavailable", checkpoints.KeyId);
        }
        catch (WriteUnconfirmedException)
        {
            // Committed on the primary, not yet confirmed on a standby; publishing is idempotent and is checked again
            // before the first signature.
            log.LogWarning("Log key {KeyId} published at start without a synchronous standby's confirmation", checkpoints.KeyId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
