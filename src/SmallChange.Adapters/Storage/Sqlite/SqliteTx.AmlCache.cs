using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;
using static SmallChange.Adapters.Storage.SqlTime;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>The reads of the credit monitor's window cache: the two halves of <see cref="AmlHistories(IReadOnlyCollection{HolderId}, Func{AmlHolder, AmlWindow})"/>, and the declared fundings.</summary>
internal sealed partial class SqliteTx
{
    public ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHoldersAndCashouts(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window) =>
        ValueTask.FromResult(AmlHistories(holders, window, credits: false));

    public ValueTask<IReadOnlyDictionary<HolderId, AmlCreditWindow>> AmlCreditWindows(IReadOnlyDictionary<HolderId, DateTimeOffset> since)
    {
        var result = new Dictionary<HolderId, AmlCreditWindow>(since.Count);
        if (since.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<HolderId, AmlCreditWindow>>(result);
        }

        // No end: the chain walk starts at each wallet's newest transfer whatever the window's end.
        var rows = AmlCreditRows(JsonSerializer.Serialize(since.Select(p => new object[] { Convert.ToHexString(ToBytes(p.Key.Value)), ToMicros(p.Value), long.MaxValue })));
        foreach (var h in since.Keys)
        {
            var (list, last) = rows.TryGetValue(h, out var c) ? c : ([], null);
            result[h] = new AmlCreditWindow(list, last);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<HolderId, AmlCreditWindow>>(result);
    }

    public ValueTask<IReadOnlyDictionary<SourceId, CreditFunding>> SourceFundings()
    {
        var result = new Dictionary<SourceId, CreditFunding>();
        using var r = Cmd("SELECT source_id, funding FROM source_funding").ExecuteReader();
        while (r.Read())
        {
            result[new SourceId(ToGuid((byte[])r[0]))] = CreditFundings.FromWire(r.GetString(1)) ?? CreditFunding.Unknown;
        }

        return ValueTask.FromResult<IReadOnlyDictionary<SourceId, CreditFunding>>(result);
    }
}
