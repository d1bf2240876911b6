using System.Globalization;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Records;

namespace SmallChange.Portal.Records;

/// <summary>A holder's records and the names of the sources that credited them, read in one go for a portal page.</summary>
public sealed record PortalRecords(RecordBook Book, IReadOnlyDictionary<SourceId, string> SourceNames)
{
    public static Task<PortalRecords> Load(IStore store, HolderId holder, CancellationToken ct) =>
        store.ReadAsync(async r => new PortalRecords(await RecordBook.Load(r, holder), await SourceNamesOf(r)), ct);

    /// <summary>
    /// The statement of one period and the records it lists (the period's entries, not the whole history: see
    /// <see cref="PeriodRecords"/>), read in one go.
    /// </summary>
    public static Task<(Statement Statement, PortalRecords Records)> LoadStatement(IStore store, HolderId holder, StatementPeriod period, CancellationToken ct) =>
        store.ReadAsync(async r =>
        {
            var records = await PeriodRecords.Read(r, holder, period);
            return (Statement.For(records), new PortalRecords(records.Book, await SourceNamesOf(r)));
        }, ct);

    private static async ValueTask<IReadOnlyDictionary<SourceId, string>> SourceNamesOf(IStoreReader r)
    {
        var names = new Dictionary<SourceId, string>();
        string? cursor = null;
        do
        {
            var page = await r.ListSources(cursor, 500);
            foreach (var s in page.Items)
            {
                names[s.Id] = s.Name;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return names;
    }

    public string SourceName(SourceId? id) => id is { } s && SourceNames.TryGetValue(s, out var n) ? n : "Unknown source";

    /// <summary>What an entry is, in a few words: "Credit from Demo Creators" or "Cash-out via Sandbox Bank (paid)".</summary>
    public string Describe(HistoryEntry e) => e.Credit is not null
        ? $"Credit from {SourceName(e.Source)}"
        : $"Cash-out via {e.Cashout!.Option.ProviderName} ({Pages.Cashouts.StatusModel.StateText(e.Cashout.State).Split(',', ';')[0].ToLowerInvariant()})";

    /// <summary>The day of an instant as the portal shows it (UTC).</summary>
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
