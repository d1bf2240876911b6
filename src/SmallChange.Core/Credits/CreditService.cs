using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Credits;

/// <summary>Names the holder of a credit: by SmallChange id or by the operator's external reference.</summary>
public readonly record struct HolderRef(HolderId? Id, string? ExternalRef)
{
    public override string ToString() => Id?.ToString() ?? "ref:" + ExternalRef;
}

/// <summary>A parsed credit: who gets how much, from which payment of the source, and when it happened.</summary>
public sealed record CreditCommand(string SourceRef, HolderRef Holder, Money.Money Amount, DateTimeOffset OccurredAt);

public enum CreditOutcomeStatus
{
    Created,
    Exists,
    Conflict,
    Rejected,
    LinkedEventFailed,
}

/// <summary>One item's outcome: the credit (created or, for a replay or conflict, the original) or the reason it was rejected.</summary>
public sealed record CreditOutcome(CreditOutcomeStatus Status, Credit? Credit, Error? Error)
{
    public bool Succeeded => Status is CreditOutcomeStatus.Created or CreditOutcomeStatus.Exists;
}

/// <summary>
/// Applies credits from a source. Each item is validated and applied on its own (a bad item is rejected with its
/// reason, nothing of it written, and the good items applied) or, when linked, all or nothing.
/// Idempotent by (source, source reference).
/// </summary>
public sealed class CreditService(IStore store, AccountDirectory accounts, TimeProvider clock)
{
    public const int MaxBatch = 10_000;
    public const int MaxSourceRefLength = 128;

    /// <summary>How far in the future an <c>occurred_at</c> may be (clock skew between systems).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    public async Task<Result<IReadOnlyList<CreditOutcome>>> Apply(SourceId sourceId, IReadOnlyList<CreditCommand> items, bool linked, CancellationToken ct = default)
    {
        if (items.Count == 0)
        {
            return new Error("batch.empty", "The batch has no items.", "items");
        }

        if (items.Count > MaxBatch)
        {
            return new Error("batch.too_large", $"A batch has at most {MaxBatch} items.", "items");
        }

        var source = await store.ReadAsync(r => r.GetSource(sourceId), ct);
        if (source is null)
        {
            return new Error("source.not_found", "The source does not exist.", "source_id");
        }

        var outcomes = new CreditOutcome?[items.Count];
        var refs = items.Where(i => i.Holder.Id is null && i.Holder.ExternalRef is not null).Select(i => i.Holder.ExternalRef!).Distinct().ToList();
        var ids = items.Where(i => i.Holder.Id is not null).Select(i => i.Holder.Id!.Value).Distinct().ToList();
        var (byRef, existing) = await store.ReadAsync(async r => (await r.ResolveHolderRefs(refs), await r.ExistingHolders(ids)), ct);

        var now = clock.GetUtcNow();
        var resolved = new HolderId[items.Count];
        var seenRefs = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var error = Validate(item, source, now);
            if (error is null)
            {
                if (item.Holder.Id is { } hid)
                {
                    if (existing.Contains(hid))
                    {
                        resolved[i] = hid;
                    }
                    else
                    {
                        error = new Error("holder.not_found", "The holder does not exist.", "holder_id");
                    }
                }
                else if (item.Holder.ExternalRef is { } href && byRef.TryGetValue(href, out var rid))
                {
                    resolved[i] = rid;
                }
                else
                {
                    error = new Error("holder.not_found", "No holder has this external reference.", "holder_ref");
                }
            }

            if (error is null && !seenRefs.Add(item.SourceRef))
            {
                error = new Error("credit.duplicate_in_batch", "The same source reference appears twice in this batch.", "source_ref");
            }

            if (error is not null)
            {
                outcomes[i] = new CreditOutcome(CreditOutcomeStatus.Rejected, null, error);
            }
        }

        if (linked && outcomes.Any(o => o is not null))
        {
            return Result<IReadOnlyList<CreditOutcome>>.Ok(FailLinked(outcomes));
        }

        var pending = Enumerable.Range(0, items.Count).Where(i => outcomes[i] is null).ToList();
        if (pending.Count > 0)
        {
            var keys = pending.SelectMany(i => new[]
            {
                AccountKey.Wallet(resolved[i], items[i].Amount.Currency),
                AccountKey.Settlement(sourceId, items[i].Amount.Currency),
            });
            var accountIds = await accounts.Resolve(keys, ct);
            var rows = pending.Select(i => new CreditRow(
                sourceId, items[i].SourceRef, resolved[i], items[i].Amount, items[i].OccurredAt,
                accountIds[AccountKey.Wallet(resolved[i], items[i].Amount.Currency)],
                accountIds[AccountKey.Settlement(sourceId, items[i].Amount.Currency)],
                TransferId.New())).ToList();
            var written = await store.WriteAsync(tx => tx.InsertCredits(rows, clock.GetUtcNow(), linked), ct);
            for (var k = 0; k < pending.Count; k++)
            {
                var w = written[k];
                outcomes[pending[k]] = w.Status switch
                {
                    CreditWriteStatus.Created => new CreditOutcome(CreditOutcomeStatus.Created, w.Credit, null),
                    CreditWriteStatus.Exists => new CreditOutcome(CreditOutcomeStatus.Exists, w.Credit, null),
                    CreditWriteStatus.Conflict => new CreditOutcome(CreditOutcomeStatus.Conflict, w.Credit,
                        new Error("credit.conflict", "A credit with this source reference exists with different content.", "source_ref")),
                    _ => new CreditOutcome(CreditOutcomeStatus.LinkedEventFailed, null,
                        new Error("batch.linked_event_failed", "Another item of this linked batch failed; nothing was written.")),
                };
            }
        }

        return Result<IReadOnlyList<CreditOutcome>>.Ok(outcomes.Select(o => o!).ToList());
    }

    private static Error? Validate(CreditCommand item, Sources.Source source, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(item.SourceRef) || item.SourceRef.Length > MaxSourceRefLength || item.SourceRef.Any(char.IsControl))
        {
            return new Error("credit.source_ref_invalid", $"The source reference must be 1 to {MaxSourceRefLength} characters without control characters.", "source_ref");
        }

        if (!item.Amount.IsPositive)
        {
            return new Error("amount.not_positive", "The amount must be greater than zero.", "amount");
        }

        if (!source.Accepts(item.Amount.Currency))
        {
            return new Error("currency.not_accepted", $"This source does not credit {item.Amount.Currency.Code}.", "currency");
        }

        if (item.OccurredAt > now + FutureTolerance)
        {
            return new Error("credit.occurred_in_future", "occurred_at is in the future.", "occurred_at");
        }

        return null;
    }

    private static IReadOnlyList<CreditOutcome> FailLinked(CreditOutcome?[] outcomes) =>
        outcomes.Select(o => o ?? new CreditOutcome(CreditOutcomeStatus.LinkedEventFailed, null,
            new Error("batch.linked_event_failed", "Another item of this linked batch failed; nothing was written."))).ToList();
}
