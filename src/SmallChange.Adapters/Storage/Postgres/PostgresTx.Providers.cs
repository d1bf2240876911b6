using SmallChange.Core.Providers.Trust;

namespace SmallChange.Adapters.Storage.Postgres;

internal sealed partial class PostgresTx
{
    public async ValueTask<IReadOnlyList<ProviderOutcomes>> ProviderOutcomes(DateTimeOffset since) =>
        await Many(r => new ProviderOutcomes(r.GetString(0), checked((int)r.GetInt64(1)), checked((int)r.GetInt64(2)), checked((int)r.GetInt64(3))),
            "SELECT provider_id, COUNT(*) FILTER (WHERE state = 'paid'), COUNT(*) FILTER (WHERE state = 'failed'), COUNT(*) FILTER (WHERE state = 'returned') " +
            "FROM cashouts WHERE state IN ('paid', 'failed', 'returned') AND updated_at >= $1 GROUP BY provider_id ORDER BY provider_id COLLATE \"C\"",
            Ts(since));
}
