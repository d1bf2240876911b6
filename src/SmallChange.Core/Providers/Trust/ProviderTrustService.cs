using SmallChange.Core.Ports;

namespace SmallChange.Core.Providers.Trust;

/// <summary>
/// Reads every provider's cash-out outcomes from the store and keeps the result for <see cref="MaxAge"/>, so quoting
/// does not query the cash-out history on every request: a provider suspended by its outcomes stops being quoted at
/// most <see cref="MaxAge"/> after the outcome that tipped it (on every node, each reading for itself).
/// </summary>
public sealed class ProviderTrustService(IStore store, ProviderCatalog catalog, TimeProvider clock)
{
    /// <summary>How long a reading of the outcomes is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile ProviderStanding? _current;

    public ProviderCatalog Catalog => catalog;

    /// <summary>The latest reading, read again from the store when it is older than <see cref="MaxAge"/>.</summary>
    public async ValueTask<ProviderStanding> Current(CancellationToken ct = default)
    {
        var current = _current;
        if (current is not null && clock.GetUtcNow() - current.ReadAt < MaxAge)
        {
            return current;
        }

        await _refresh.WaitAsync(ct);
        try
        {
            current = _current;
            return current is not null && clock.GetUtcNow() - current.ReadAt < MaxAge ? current : await ReadLocked(ct);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Reads the outcomes now (and keeps the reading for the next <see cref="MaxAge"/>).</summary>
    public async Task<ProviderStanding> Refresh(CancellationToken ct = default)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            return await ReadLocked(ct);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Every provider of the catalogue judged now, from a fresh reading, in catalogue order.</summary>
    public async Task<IReadOnlyList<(Provider Provider, ProviderTrust Trust)>> EvaluateAll(CancellationToken ct = default)
    {
        var standing = await Refresh(ct);
        var now = clock.GetUtcNow();
        return catalog.Providers.Select(p => (p, standing.Evaluate(p, now))).ToList();
    }

    private async Task<ProviderStanding> ReadLocked(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var policy = catalog.Trust;
        var outcomes = await store.ReadAsync(r => r.ProviderOutcomes(now - policy.OutcomeWindow), ct);
        var standing = new ProviderStanding(outcomes, policy, now);
        _current = standing;
        return standing;
    }
}
