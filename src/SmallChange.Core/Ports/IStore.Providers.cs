using SmallChange.Core.Providers.Trust;

namespace SmallChange.Core.Ports;

public partial interface IStoreReader
{
    /// <summary>
    /// Per provider, how many cash-outs reached an end (paid, failed or returned) with their last change at or after
    /// <paramref name="since"/>; providers with none are absent. Feeds the provider trust rules.
    /// </summary>
    ValueTask<IReadOnlyList<ProviderOutcomes>> ProviderOutcomes(DateTimeOffset since);
}
