using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// Sanctions lists kept in the database, with versions: <see cref="Import"/> stores a list read by the list readers (a
/// no-op when its entries are those of the list's latest version; otherwise a new version with what changed);
/// <see cref="Screener"/> builds the in-memory <see cref="SanctionsScreener"/> from the latest version of every list (a
/// list never imported comes from <paramref name="fallback"/>, typically the configured list files), rebuilt when a
/// newer version appears; <see cref="Rescreen"/> screens every holder and destination name against it.
/// </summary>
/// <param name="fallback">Lists to use for list ids never imported (e.g. read from testdata/sanctions); null for none.</param>
public sealed class SanctionsListService(IStore store, TimeProvider clock, SanctionsScreenerOptions? options = null, Func<IReadOnlyList<SanctionsList>>? fallback = null)
{
    /// <summary>How often <see cref="Screener"/> looks for a newer version in the store.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(60);

    private const int Page = 500;

    private readonly SemaphoreSlim _build = new(1, 1);
    private readonly SanctionsScreenerOptions _options = options ?? new SanctionsScreenerOptions();
    private readonly Lazy<IReadOnlyList<SanctionsList>> _fallback = new(() => fallback?.Invoke() ?? []);
    private volatile Built? _current;

    /// <summary>
    /// Stores <paramref name="list"/> as the list's next version unless its entries equal the latest version's. Entries
    /// are compared by the list's entry id and the hash of their stored document; an entry id given twice keeps the
    /// first. <paramref name="sourceFiles"/> names the files read (names only, no folders) for the record.
    /// </summary>
    public async Task<SanctionsImportResult> Import(SanctionsList list, IReadOnlyList<string> sourceFiles, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(list);
        var rows = new List<StoredEntryRow>(list.Entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in list.Entries)
        {
            if (seen.Add(e.EntryId))
            {
                var doc = SanctionsEntryJson.Write(e);
                rows.Add(new StoredEntryRow(e.EntryId, e.Type.ToString().ToLowerInvariant(), e.PrimaryName, doc, SanctionsEntryJson.Hash(doc)));
            }
        }

        var duplicates = list.Entries.Count - rows.Count;
        var contentHash = ContentHash(rows);
        var files = string.Join(", ", sourceFiles.Select(Path.GetFileName).Where(n => !string.IsNullOrEmpty(n)));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var latest = (await store.ReadAsync(r => r.ListSanctionsVersions(list.Id), ct)).FirstOrDefault();
            if (latest is not null && latest.ContentHash == contentHash)
            {
                return new SanctionsImportResult(list.Id, ImportOutcome.Unchanged, latest, null, [], [], [], duplicates);
            }

            var before = latest is null ? new Dictionary<string, string>() : await store.ReadAsync(r => r.SanctionsEntryHashes(latest.Id), ct);
            var now = new HashSet<string>(rows.Select(r => r.EntryId), StringComparer.Ordinal);
            var added = rows.Where(r => !before.ContainsKey(r.EntryId)).Select(r => r.EntryId).ToList();
            var changed = rows.Where(r => before.TryGetValue(r.EntryId, out var h) && h != r.Hash).Select(r => r.EntryId).ToList();
            var removed = before.Keys.Where(k => !now.Contains(k)).Order(StringComparer.Ordinal).ToList();
            var candidate = new StoredListVersion(0, list.Id, (latest?.Sequence ?? 0) + 1, contentHash, list.Version.PublishedAt, clock.GetUtcNow(),
                rows.Count, added.Count, removed.Count, changed.Count, files);
            var stored = await store.WriteAsync(tx => tx.InsertSanctionsVersion(candidate, rows), ct);
            if (stored is not null)
            {
                return new SanctionsImportResult(list.Id, ImportOutcome.Imported, stored, latest, added, removed, changed, duplicates);
            }

            // Another import stored this sequence number first: compare with that one.
        }

        throw new InvalidOperationException($"Could not import {list.Id}: other imports of the same list kept winning.");
    }

    /// <summary>Every stored version, newest first (of one list when given).</summary>
    public Task<IReadOnlyList<StoredListVersion>> Versions(string? listId = null, CancellationToken ct = default) =>
        store.ReadAsync(r => r.ListSanctionsVersions(listId), ct);

    /// <summary>
    /// The lists to screen against: the latest stored version of every imported list, then the fallback's lists whose ids
    /// were never imported. Reads every entry of the stored versions.
    /// </summary>
    public async Task<IReadOnlyList<(SanctionsList List, StoredListVersion? Stored)>> LoadLists(CancellationToken ct = default)
    {
        var latest = await store.ReadAsync(r => r.LatestSanctionsVersions(), ct);
        var result = new List<(SanctionsList, StoredListVersion?)>();
        foreach (var v in latest.OrderBy(v => ListOrder(v.ListId)).ThenBy(v => v.ListId, StringComparer.Ordinal))
        {
            var entries = await store.ReadAsync(r => r.SanctionsEntries(v.Id), ct);
            result.Add((new SanctionsList(v.ListId, v.AsListVersion(), entries), v));
        }

        foreach (var l in _fallback.Value.Where(l => latest.All(v => v.ListId != l.Id)))
        {
            result.Add((l, null));
        }

        return result;
    }

    /// <summary>
    /// The screener over the current lists. Built on first use; afterwards, at most every <see cref="CheckInterval"/>, the
    /// store is asked for the latest versions and the screener rebuilt when one changed (callers keep getting the previous
    /// screener while the first caller rebuilds). <paramref name="refresh"/> checks now.
    /// </summary>
    public async ValueTask<SanctionsScreener> Screener(bool refresh = false, CancellationToken ct = default) => (await Current(refresh, ct)).Screener;

    /// <summary>
    /// Screens every holder's name and every destination's account-holder name against the current lists (checked for a
    /// newer version first) and returns the hits at or above the screener's threshold, with what was screened.
    /// </summary>
    public async Task<RescreenReport> Rescreen(CancellationToken ct = default)
    {
        var built = await Current(refresh: true, ct);
        var screener = built.Screener;
        var hits = new List<RescreenHit>();
        int holders = 0, destinations = 0;
        string? cursor = null;
        do
        {
            var page = await store.ReadAsync(r => r.ListHolders(cursor, Page), ct);
            foreach (var h in page.Items)
            {
                holders++;
                foreach (var m in screener.Screen(new ScreeningQuery(h.Name.Value)).Matches)
                {
                    hits.Add(new RescreenHit(ScreenedSubject.Holder, h.Id, null, m.Entry.ListId, m.Entry.EntryId, m.Entry.PrimaryName, m.Score) { Match = m });
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        do
        {
            var page = await store.ReadAsync(r => r.ListNamedDestinations(cursor, Page), ct);
            foreach (var d in page.Items)
            {
                destinations++;
                foreach (var m in screener.Screen(new ScreeningQuery(d.AccountHolderName.Value)).Matches)
                {
                    hits.Add(new RescreenHit(ScreenedSubject.Destination, d.Holder, d.Id, m.Entry.ListId, m.Entry.EntryId, m.Entry.PrimaryName, m.Score) { Match = m });
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var ordered = hits.OrderBy(h => h.Holder.Value).ThenBy(h => h.Subject).ThenBy(h => h.Destination?.Value).ThenByDescending(h => h.Score).ToList();
        return new RescreenReport(built.Lists, screener.Options.Threshold, holders, destinations, ordered);
    }

    /// <summary>
    /// <see cref="Rescreen"/>, then files each screened name's best hit as a sanctions alert in the holder's case
    /// (<see cref="CaseService.File"/>), about the holder or the destination. Idempotent: a hit is filed once per name, list
    /// entry and content of that entry (a key in the store, claimed in the alert's transaction), so rescreening again with
    /// the same list versions, on any node, files nothing new; an entry whose content changed alerts again.
    /// </summary>
    public async Task<RescreenFiling> RescreenAndFile(CancellationToken ct = default)
    {
        var report = await Rescreen(ct);
        var lists = string.Join(" ", report.Lists.Select(l => $"{l.ListId}@{l.ContentHash[..Math.Min(12, l.ContentHash.Length)]}"));
        int filed = 0, known = 0;
        foreach (var best in report.Hits.GroupBy(h => (h.Subject, h.Holder, h.Destination)).Select(g => g.First()))
        {
            var m = best.Match!;
            var hash = SanctionsEntryJson.Hash(SanctionsEntryJson.Write(m.Entry));
            var subject = best.Subject == ScreenedSubject.Holder ? AlertSubject.Of(best.Holder) : AlertSubject.Of(best.Destination!.Value);
            var key = new RescreenHitKey(subject.Kind.ToWire(), subject.Id, m.Entry.ListId, m.Entry.EntryId, hash, best.Holder);
            var draft = RescreenAlert(best, m, report.Threshold, lists);
            var now = clock.GetUtcNow();
            var isNew = await store.WriteAsync(async tx =>
            {
                if (!await tx.ClaimRescreenHit(key, now))
                {
                    return false;
                }

                await CaseService.File(tx, best.Holder, [draft], now);
                return true;
            }, ct);
            if (isNew)
            {
                filed++;
            }
            else
            {
                known++;
            }
        }

        return new RescreenFiling(report, filed, known);
    }

    /// <summary>The durable position of the list-change rescreen: the highest stored version id rescreened against.</summary>
    public const string RescreenMonitor = "sanctions_rescreen";

    /// <summary>
    /// Rescreens everyone and files the hits (<see cref="RescreenAndFile"/>) when a list version was stored since the last
    /// rescreen of this kind, on any node or by the CLI, even while no server ran; returns null when none was. Stored
    /// version ids only grow, so the highest one is the position; of two nodes at once both may rescreen (filing is
    /// idempotent) and one moves the position.
    /// </summary>
    public async Task<RescreenFiling?> RescreenIfListsChanged(CancellationToken ct = default)
    {
        var (done, latest) = await store.ReadAsync(async r =>
            (await r.MonitorPosition(RescreenMonitor), (await r.LatestSanctionsVersions()).Select(v => v.Id).DefaultIfEmpty(0).Max()), ct);
        if (latest <= done)
        {
            return null;
        }

        var filing = await RescreenAndFile(ct);
        await store.WriteAsync(tx => tx.AdvanceMonitor(RescreenMonitor, done, latest), ct);
        return filing;
    }

    /// <summary>The alert of a rescreen hit: the screening hooks' rule and figures, and that a rescreen found it.</summary>
    private static AlertDraft RescreenAlert(RescreenHit hit, ScreeningMatch m, double threshold, string lists)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var field = hit.Subject == ScreenedSubject.Holder ? ComplianceChecks.HolderNameField : ComplianceChecks.DestinationNameField;
        var subject = hit.Subject == ScreenedSubject.Holder ? AlertSubject.Of(hit.Holder) : AlertSubject.Of(hit.Destination!.Value);
        return new AlertDraft(ComplianceChecks.SanctionsRuleId, 1, Aml.AmlOutcome.Hold,
            string.Create(inv, $"A rescreen against the current lists found that the {field.Replace('_', ' ')} matches {m.Entry.Key} \"{m.MatchedName}\" with score {m.Score:0.000}."),
            [
                new AlertFigure("field", field),
                new AlertFigure("list", m.Entry.ListId),
                new AlertFigure("entry", m.Entry.Key),
                new AlertFigure("matched_name", m.MatchedName),
                new AlertFigure("score", m.Score.ToString("0.0000", inv)),
                new AlertFigure("threshold", threshold.ToString("0.00", inv)),
                new AlertFigure("lists", lists),
                new AlertFigure("trigger", "rescreen"),
                new AlertFigure("explanation", m.Explanation),
            ],
            subject);
    }

    /// <summary>OFAC SDN, OFAC consolidated, UN, then any other list: the order the list folder loads them in.</summary>
    private static int ListOrder(string id) => id switch
    {
        "ofac_sdn" => 0,
        "ofac_cons" => 1,
        "un" => 2,
        _ => 3,
    };

    /// <summary>SHA-256 over <c>entry_id TAB entry_hash LF</c> of every entry in entry-id order: the list's content, not its files.</summary>
    private static string ContentHash(IEnumerable<StoredEntryRow> rows)
    {
        var sb = new StringBuilder();
        foreach (var r in rows.OrderBy(r => r.EntryId, StringComparer.Ordinal))
        {
            sb.Append(r.EntryId).Append('\t').Append(r.Hash).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private async ValueTask<Built> Current(bool refresh, CancellationToken ct)
    {
        var current = _current;
        if (current is not null && !refresh && clock.GetUtcNow() - current.CheckedAt < CheckInterval)
        {
            return current;
        }

        if (current is not null && !refresh && !await _build.WaitAsync(0, ct))
        {
            // Someone else is checking or rebuilding: keep screening against what we have.
            return current;
        }

        if (current is null || refresh)
        {
            await _build.WaitAsync(ct);
        }

        try
        {
            current = _current;
            if (current is not null && !refresh && clock.GetUtcNow() - current.CheckedAt < CheckInterval)
            {
                return current;
            }

            var latest = await store.ReadAsync(r => r.LatestSanctionsVersions(), ct);
            var signature = string.Join(",", latest.Select(v => v.Id).Order());
            if (current is not null && current.Signature == signature)
            {
                current = current with { CheckedAt = clock.GetUtcNow() };
                _current = current;
                return current;
            }

            // What the screener is built from: the latest stored version of each imported list, the fallback's lists for
            // the rest. Its index is shared in the process by content (ScreenerCache), so only the first service to need a
            // set of versions reads the entries and builds it.
            var fallback = _fallback.Value.Where(l => latest.All(v => v.ListId != l.Id)).ToList();
            var sources = latest.OrderBy(v => ListOrder(v.ListId)).ThenBy(v => v.ListId, StringComparer.Ordinal).Select(v => (v.ListId, v.ContentHash))
                .Concat(fallback.Select(l => (l.Id, l.Version.ContentHash))).ToList();
            var screener = await ScreenerCache.GetOrBuild(ScreenerCache.Key(sources, _options), async () =>
                new SanctionsScreener((await LoadLists(ct)).Select(l => l.List), _options));
            var stored = latest.ToDictionary(v => v.ListId, StringComparer.Ordinal);
            var info = screener.Lists.Select(l => new ListVersionInfo(l.Id, l.Version.ContentHash, l.Version.PublishedAt, l.Entries.Count,
                stored.ContainsKey(l.Id), stored.TryGetValue(l.Id, out var sv) ? sv.Sequence : null)).ToList();
            current = new Built(screener, info, signature, clock.GetUtcNow());
            _current = current;
            return current;
        }
        finally
        {
            _build.Release();
        }
    }

    private sealed record Built(SanctionsScreener Screener, IReadOnlyList<ListVersionInfo> Lists, string Signature, DateTimeOffset CheckedAt);
}
