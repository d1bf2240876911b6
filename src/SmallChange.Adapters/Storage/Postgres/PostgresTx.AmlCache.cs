using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>The reads of the credit monitor's window cache: the two halves of <see cref="AmlHistories(IReadOnlyCollection{HolderId}, Func{AmlHolder, AmlWindow})"/>, and the declared fundings.</summary>
internal sealed partial class PostgresTx
{
    /// <summary>No end to a credit window: later than any booking time (and within PostgreSQL's timestamp range).</summary>
    private static readonly DateTimeOffset Unbounded = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHoldersAndCashouts(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window) =>
        await AmlHistories(holders, window, credits: false);

    public async ValueTask<IReadOnlyDictionary<HolderId, AmlCreditWindow>> AmlCreditWindows(IReadOnlyDictionary<HolderId, DateTimeOffset> since)
    {
        var result = new Dictionary<HolderId, AmlCreditWindow>(since.Count);
        if (since.Count == 0)
        {
            return result;
        }

        var pairs = since.ToArray();
        var rows = await AmlCreditRows(pairs.Select(p => p.Key.Value).ToArray(), pairs.Select(p => Ts(p.Value)).ToArray(), pairs.Select(_ => Unbounded).ToArray());
        foreach (var (h, _) in pairs)
        {
            var (list, last) = rows.TryGetValue(h.Value, out var c) ? c : ([], null);
            result[h] = new AmlCreditWindow(list, last);
        }

        return result;
    }

    public async ValueTask<IReadOnlyDictionary<SourceId, CreditFunding>> SourceFundings() =>
        (await Many(r => (new SourceId(r.GetGuid(0)), CreditFundings.FromWire(r.GetString(1)) ?? CreditFunding.Unknown), "SELECT source_id, funding FROM source_funding"))
        .ToDictionary(x => x.Item1, x => x.Item2);
}
