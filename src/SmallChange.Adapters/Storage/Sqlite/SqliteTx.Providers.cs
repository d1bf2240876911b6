using SmallChange.Core.Providers.Trust;
using static SmallChange.Adapters.Storage.SqlTime;

namespace SmallChange.Adapters.Storage.Sqlite;

internal sealed partial class SqliteTx
{
    public ValueTask<IReadOnlyList<ProviderOutcomes>> ProviderOutcomes(DateTimeOffset since)
    {
        var byProvider = new SortedDictionary<string, (int Paid, int Failed, int Returned)>(StringComparer.Ordinal);
        // cashouts_state (state, updated_at) serves the three ranges.
        using (var r = Cmd("SELECT provider_id, state, COUNT(*) FROM cashouts WHERE state IN ('paid', 'failed', 'returned') AND updated_at >= $p0 GROUP BY provider_id, state",
                   ToMicros(since)).ExecuteReader())
        {
            while (r.Read())
            {
                var (paid, failed, returned) = byProvider.GetValueOrDefault(r.GetString(0));
                var n = checked((int)r.GetInt64(2));
                byProvider[r.GetString(0)] = r.GetString(1) switch
                {
                    "paid" => (n, failed, returned),
                    "failed" => (paid, n, returned),
                    _ => (paid, failed, n),
                };
            }
        }

        return ValueTask.FromResult<IReadOnlyList<ProviderOutcomes>>(byProvider.Select(kv => new ProviderOutcomes(kv.Key, kv.Value.Paid, kv.Value.Failed, kv.Value.Returned)).ToList());
    }
}
