using SmallChange.Core.Ports;
using SmallChange.Core.Staff;

namespace SmallChange.Core.Providers;

/// <summary>
/// The provider catalogue quotes use: the configured one (<c>providers.json</c>) with every approved fee schedule from the
/// store applied over it, the newest per provider and method. Each call checks the newest approved version (one small
/// query) and rebuilds only when it moved, so an approval on any node is in force for the next quote on every node.
/// An approved schedule whose provider or method is no longer configured, or that the configuration no longer accepts
/// (a source currency was removed), is skipped: the configuration file stays the authority on what exists.
/// </summary>
public sealed class EffectiveCatalog(IStore store, ProviderCatalog configured)
{
    private sealed record Snapshot(long Version, ProviderCatalog Catalog);

    private volatile Snapshot _current = new(0, configured);

    /// <summary>The catalogue as configured, before any approved change.</summary>
    public ProviderCatalog Configured => configured;

    public async ValueTask<ProviderCatalog> Current(CancellationToken ct = default)
    {
        var version = await store.ReadAsync(r => r.LatestFeeOverrideVersion(), ct);
        var current = _current;
        if (current.Version == version)
        {
            return current.Catalog;
        }

        var overrides = await store.ReadAsync(r => r.ListFeeOverrides(), ct);
        var next = new Snapshot(overrides.Count == 0 ? 0 : overrides[^1].Version, Apply(configured, overrides));
        _current = next;
        return next.Catalog;
    }

    /// <summary>The configured catalogue with the newest of <paramref name="overrides"/> (oldest first) per provider and method applied.</summary>
    public static ProviderCatalog Apply(ProviderCatalog configured, IReadOnlyList<FeeOverride> overrides)
    {
        if (overrides.Count == 0)
        {
            return configured;
        }

        var newest = new Dictionary<(string, PayoutMethod), FeeOverride>();
        foreach (var o in overrides)
        {
            newest[(o.ProviderId, o.Method)] = o;
        }

        var providers = configured.Providers.Select(p =>
        {
            var offerings = p.Offerings.Select(offering =>
                newest.TryGetValue((p.Id, offering.Method), out var o) && FeeScheduleJson.Parse(p.Id, offering, o.FeesJson).TryGet(out var fees, out _)
                    ? offering with { Fees = fees }
                    : offering).ToList();
            return p with { Offerings = offerings };
        });
        return ProviderCatalog.Create(providers, configured.Trust);
    }
}
