using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Credits;

/// <summary>A single credit for one source, as queued for a group commit.</summary>
public readonly record struct SourcedCredit(SourceId Source, CreditCommand Command);

public sealed partial class CreditService
{
    /// <summary>
    /// Applies independent single credits, possibly of several sources, in one read and ONE write transaction: the
    /// group commit behind <c>POST /v1/credits</c> (see <see cref="CreditBatcher"/>). Each item is checked exactly as
    /// <see cref="Apply"/> checks a one-item batch and gets its own outcome; a bad item is rejected and the others are
    /// written. Unlike a batch, the same (source, source reference) may appear more than once: the items behave as if
    /// applied one after the other in list order (the first is created, a later one is a replay or a conflict).
    /// Throws when the store does (nothing of the group is then written).
    /// </summary>
    public async Task<IReadOnlyList<CreditOutcome>> ApplyGroup(IReadOnlyList<SourcedCredit> items, CancellationToken ct = default)
    {
        HashSet<SourceId> sourceIds = [];
        HashSet<string>? refs = null;
        HashSet<HolderId>? ids = null;
        foreach (var item in items)
        {
            sourceIds.Add(item.Source);
            NoteUnknownHolder(item.Command.Holder, ref refs, ref ids);
        }

        var (sources, byRef, existing) = await store.ReadAsync(async r =>
        {
            var found = new Dictionary<SourceId, Source>(sourceIds.Count);
            foreach (var id in sourceIds)
            {
                if (await r.GetSource(id) is { } s)
                {
                    found[id] = s;
                }
            }

            return (found,
                refs is null ? NoRefs : await r.ResolveHolderRefs(refs),
                ids is null ? NoHolders : await r.ExistingHolders(ids));
        }, ct);
        RememberHolders(existing);

        var commands = new CreditCommand[items.Count];
        var outcomes = new CreditOutcome?[items.Count];
        var resolved = new HolderId[items.Count];
        var now = clock.GetUtcNow();
        var pending = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var (sourceId, command) = items[i];
            commands[i] = command;
            var error = sources.TryGetValue(sourceId, out var source)
                ? Validate(command, source, now) ?? ResolveHolder(command.Holder, existing, byRef, out resolved[i])
                : new Error("source.not_found", "The source does not exist.", "source_id");
            if (error is null)
            {
                pending++;
            }
            else
            {
                outcomes[i] = new CreditOutcome(CreditOutcomeStatus.Rejected, null, error);
            }
        }

        if (pending > 0)
        {
            var rows = await BuildRows(i => items[i].Source, commands, outcomes, resolved, pending, ct);
            var written = await store.WriteAsync(async tx =>
            {
                var results = await tx.InsertCredits(rows, clock.GetUtcNow(), linked: false);
                return results.Count == rows.Length
                    ? results
                    : throw new InvalidOperationException("Store contract broken in InsertCredits: one result per row expected."); // rolls back
            }, ct);

            for (int i = 0, k = 0; i < items.Count; i++)
            {
                if (outcomes[i] is null)
                {
                    outcomes[i] = ToOutcome(written[k++]);
                }
            }
        }

        return outcomes!;
    }
}
