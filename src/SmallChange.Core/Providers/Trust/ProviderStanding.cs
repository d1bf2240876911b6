using System.Collections.Frozen;

namespace SmallChange.Core.Providers.Trust;

/// <summary>
/// What the trust rules need besides the catalogue: every provider's stored outcomes in the policy's window, as read at
/// <see cref="ReadAt"/>, and the policy. Immutable; <see cref="Evaluate"/> judges a provider at any instant (licence
/// expiry is judged at that instant, outcomes as read).
/// </summary>
public sealed class ProviderStanding
{
    private readonly FrozenDictionary<string, ProviderOutcomes> _outcomes;

    public ProviderStanding(IEnumerable<ProviderOutcomes> outcomes, TrustPolicy policy, DateTimeOffset readAt)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(policy);
        _outcomes = outcomes.ToFrozenDictionary(o => o.ProviderId, StringComparer.Ordinal);
        Policy = policy;
        ReadAt = readAt;
    }

    public TrustPolicy Policy { get; }

    /// <summary>When the outcomes were read from the store.</summary>
    public DateTimeOffset ReadAt { get; }

    /// <summary>The outcomes of one provider (zeros when it had none in the window).</summary>
    public ProviderOutcomes OutcomesOf(string providerId) => _outcomes.GetValueOrDefault(providerId) ?? ProviderOutcomes.None(providerId);

    /// <summary>The provider's trust at <paramref name="now"/>.</summary>
    public ProviderTrust Evaluate(Provider provider, DateTimeOffset now) =>
        ProviderTrustRules.Evaluate(provider, OutcomesOf(provider.Id), now, Policy);

    /// <summary>A standing with no outcomes: only the configuration is judged.</summary>
    public static ProviderStanding ConfigurationOnly(TrustPolicy policy, DateTimeOffset readAt) => new([], policy, readAt);
}
