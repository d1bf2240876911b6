using System.Collections.Frozen;

namespace SmallChange.Core.Providers;

using SmallChange.Core.Common;
using TrustPolicy = SmallChange.Core.Providers.Trust.TrustPolicy;

/// <summary>
/// The configured providers, in file order. Core does no file I/O: the host reads <c>config/providers.json</c>
/// and calls <see cref="Parse"/>.
/// </summary>
public sealed class ProviderCatalog
{
    private readonly FrozenDictionary<string, Provider> _byId;

    private ProviderCatalog(IReadOnlyList<Provider> providers, TrustPolicy trust)
    {
        Providers = providers;
        Trust = trust;
        _byId = providers.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>Every provider, in configuration order (quoted or not).</summary>
    public IReadOnlyList<Provider> Providers { get; }

    /// <summary>The lines of the provider trust rules (the <c>"trust"</c> section; defaults when absent).</summary>
    public TrustPolicy Trust { get; }

    /// <summary>Builds a catalogue in code; ids must be unique (a programmer error otherwise).</summary>
    public static ProviderCatalog Create(IEnumerable<Provider> providers, TrustPolicy? trust = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var list = providers.ToList();
        if (list.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count() != list.Count)
        {
            throw new ArgumentException("Provider ids must be unique.", nameof(providers));
        }

        return new ProviderCatalog(list, trust ?? TrustPolicy.Default);
    }

    /// <summary>
    /// Parses and validates the provider configuration. Bad configuration is an <see cref="Error"/> whose message
    /// names the provider and whose <see cref="Error.Field"/> is the JSON path, e.g.
    /// <c>providers[2].offerings[0].fees.flat.USD</c>. Codes: <c>providers.invalid_json</c>,
    /// <c>providers.missing_field</c>, <c>providers.unknown_field</c>, <c>providers.invalid_value</c>,
    /// <c>providers.unknown_currency</c>, <c>providers.unknown_method</c>, <c>providers.negative_fee</c>,
    /// <c>providers.min_above_max</c>, <c>providers.duplicate</c>. An optional root <c>"trust"</c> section sets the
    /// trust rules' lines (<see cref="TrustPolicy"/>).
    /// </summary>
    public static Result<ProviderCatalog> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parsed = ProviderCatalogParser.Parse(json);
        return parsed.TryGet(out var value, out var error) ? new ProviderCatalog(value.Providers, value.Trust) : error;
    }

    /// <summary>The provider with <paramref name="id"/>, or null.</summary>
    public Provider? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Providers that are quotable at <paramref name="now"/> and offer <paramref name="method"/>.</summary>
    public IEnumerable<Provider> QuotableFor(PayoutMethod method, DateTimeOffset now, RedFlagPolicy? policy = null) =>
        Providers.Where(p => p.OfferingFor(method) is not null && p.IsQuotable(now, policy));
}
