using System.Buffers.Binary;
using System.Collections.Concurrent;
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
/// <param name="OccurredAtGiven">
/// False when the client did not send <c>occurred_at</c> and the time of receipt stands in for it: a replay then matches
/// on holder and amount alone, so a retry without a timestamp is recognised as the same credit.
/// </param>
public sealed record CreditCommand(string SourceRef, HolderRef Holder, Money.Money Amount, DateTimeOffset OccurredAt, bool OccurredAtGiven = true);

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
/// <remarks>
/// Cost per batch, besides the one write transaction: one read (the source, plus the holders not seen before).
/// Holders are never deleted, so a holder the store has confirmed once is remembered for the life of the service.
/// </remarks>
public sealed partial class CreditService(IStore store, AccountDirectory accounts, TimeProvider clock)
{
    public const int MaxBatch = 10_000;
    public const int MaxSourceRefLength = 128;

    /// <summary>How far in the future an <c>occurred_at</c> may be (clock skew between systems).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The earliest <c>occurred_at</c> accepted: older timestamps are a client bug, not history.</summary>
    public static readonly DateTimeOffset EarliestOccurredAt = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyDictionary<string, HolderId> NoRefs = new Dictionary<string, HolderId>();
    private static readonly IReadOnlySet<HolderId> NoHolders = new HashSet<HolderId>();

    /// <summary>Holders the store has confirmed to exist (holders are never deleted).</summary>
    private readonly ConcurrentDictionary<HolderId, byte> _knownHolders = new();

    /// <summary>
    /// Applies a batch of credits for one source. With <paramref name="announce"/> (the batch endpoint: the number of
    /// the request's items it refused before calling), a batch that created credits also writes a
    /// <c>credits.batch_applied</c> webhook event in the same transaction.
    /// </summary>
    public async Task<Result<IReadOnlyList<CreditOutcome>>> Apply(SourceId sourceId, IReadOnlyList<CreditCommand> items, bool linked, CancellationToken ct = default, int? announce = null)
    {
        if (items.Count == 0)
        {
            return new Error("batch.empty", "The batch has no items.", "items");
        }

        if (items.Count > MaxBatch)
        {
            return new Error("batch.too_large", $"A batch has at most {MaxBatch} items.", "items");
        }

        // Only holders not confirmed before go to the store, in the same read as the source.
        HashSet<string>? refs = null;
        HashSet<HolderId>? ids = null;
        for (var i = 0; i < items.Count; i++)
        {
            NoteUnknownHolder(items[i].Holder, ref refs, ref ids);
        }

        var (source, byRef, existing) = await store.ReadAsync(async r => (
            await r.GetSource(sourceId),
            refs is null ? NoRefs : await r.ResolveHolderRefs(refs),
            ids is null ? NoHolders : await r.ExistingHolders(ids)), ct);
        if (source is null)
        {
            return new Error("source.not_found", "The source does not exist.", "source_id");
        }

        RememberHolders(existing);
        var outcomes = new CreditOutcome?[items.Count];
        var now = clock.GetUtcNow();
        var resolved = new HolderId[items.Count];
        var seenRefs = new HashSet<string>(items.Count, StringComparer.Ordinal);
        var rejected = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var error = Validate(item, source, now) ?? ResolveHolder(item.Holder, existing, byRef, out resolved[i]);
            if (error is null && !seenRefs.Add(item.SourceRef))
            {
                error = new Error("credit.duplicate_in_batch", "The same source reference appears twice in this batch.", "source_ref");
            }

            if (error is not null)
            {
                outcomes[i] = new CreditOutcome(CreditOutcomeStatus.Rejected, null, error);
                rejected++;
            }
        }

        if (linked && rejected > 0)
        {
            return Result<IReadOnlyList<CreditOutcome>>.Ok(FailLinked(outcomes));
        }

        var pending = items.Count - rejected;
        if (pending > 0)
        {
            var rows = await BuildRows(_ => sourceId, items, outcomes, resolved, pending, ct);
            var written = announce is { } refusedBefore
                ? await store.WriteAsync(async tx =>
                {
                    var w = await tx.InsertCredits(rows, clock.GetUtcNow(), linked);
                    if (BatchEvent(sourceId, linked, w, rejected + refusedBefore, clock.GetUtcNow()) is { } e)
                    {
                        await tx.EnqueueWebhookEvent(e, e.OccurredAt);
                    }

                    return w;
                }, ct)
                : await store.WriteAsync(tx => tx.InsertCredits(rows, clock.GetUtcNow(), linked), ct);
            for (int i = 0, k = 0; i < items.Count; i++)
            {
                if (outcomes[i] is not null)
                {
                    continue;
                }

                outcomes[i] = ToOutcome(written[k++]);
            }
        }

        return Result<IReadOnlyList<CreditOutcome>>.Ok(outcomes!);
    }

    /// <summary>Adds the holder to the set to look up when the store has not confirmed it before.</summary>
    private void NoteUnknownHolder(HolderRef h, ref HashSet<string>? refs, ref HashSet<HolderId>? ids)
    {
        if (h.Id is { } hid)
        {
            if (!_knownHolders.ContainsKey(hid))
            {
                (ids ??= []).Add(hid);
            }
        }
        else if (h.ExternalRef is { } href)
        {
            (refs ??= new HashSet<string>(StringComparer.Ordinal)).Add(href);
        }
    }

    private void RememberHolders(IReadOnlySet<HolderId> existing)
    {
        foreach (var hid in existing)
        {
            _knownHolders.TryAdd(hid, 0);
        }
    }

    /// <summary>The holder's id, from the store's answer or the holders confirmed before; an error when there is no such holder.</summary>
    private Error? ResolveHolder(HolderRef h, IReadOnlySet<HolderId> existing, IReadOnlyDictionary<string, HolderId> byRef, out HolderId holder)
    {
        if (h.Id is { } hid)
        {
            holder = hid;
            return existing.Contains(hid) || _knownHolders.ContainsKey(hid) ? null : new Error("holder.not_found", "The holder does not exist.", "holder_id");
        }

        if (h.ExternalRef is { } href && byRef.TryGetValue(href, out holder))
        {
            return null;
        }

        holder = default;
        return new Error("holder.not_found", "No holder has this external reference.", "holder_ref");
    }

    /// <summary>The operators' event for a batch that created credits (counts and totals, no holder data); null when it created none.</summary>
    private static Webhooks.WebhookEvent? BatchEvent(SourceId source, bool linked, IReadOnlyList<CreditWriteResult> written, int rejected, DateTimeOffset at)
    {
        var totals = new Dictionary<Money.Currency, long>();
        int created = 0, exists = 0;
        foreach (var w in written)
        {
            if (w.Status == CreditWriteStatus.Created)
            {
                created++;
                totals[w.Credit!.Amount.Currency] = totals.GetValueOrDefault(w.Credit.Amount.Currency) + w.Credit.Amount.Units;
            }

            exists += w.Status == CreditWriteStatus.Exists ? 1 : 0;
        }

        return created == 0
            ? null
            : Webhooks.WebhookEvents.CreditBatchApplied(source, linked, created, exists, written.Count - created - exists + rejected,
                totals.ToDictionary(t => t.Key.Code, t => new Money.Money(t.Value, t.Key).ToDecimalString()), at);
    }

    private static CreditOutcome ToOutcome(CreditWriteResult w) => w.Status switch
    {
        CreditWriteStatus.Created => new CreditOutcome(CreditOutcomeStatus.Created, w.Credit, null),
        CreditWriteStatus.Exists => new CreditOutcome(CreditOutcomeStatus.Exists, w.Credit, null),
        CreditWriteStatus.Conflict => new CreditOutcome(CreditOutcomeStatus.Conflict, w.Credit,
            new Error("credit.conflict", "A credit with this source reference exists with different content.", "source_ref")),
        _ => new CreditOutcome(CreditOutcomeStatus.LinkedEventFailed, null,
            new Error("batch.linked_event_failed", "Another item of this linked batch failed; nothing was written.")),
    };

    /// <summary>The rows to write for the items not rejected, in item order, with their accounts and fresh transfer ids.</summary>
    private async ValueTask<CreditRow[]> BuildRows(Func<int, SourceId> sourceOf, IReadOnlyList<CreditCommand> items, CreditOutcome?[] outcomes, HolderId[] resolved, int pending, CancellationToken ct)
    {
        // Accounts already known to the directory need no I/O; the others are created (or found) in one go.
        List<AccountKey>? missing = null;
        for (var i = 0; i < items.Count; i++)
        {
            if (outcomes[i] is null)
            {
                var currency = items[i].Amount.Currency;
                foreach (var key in (ReadOnlySpan<AccountKey>)[AccountKey.Wallet(resolved[i], currency), AccountKey.Settlement(sourceOf(i), currency)])
                {
                    if (!accounts.TryGet(key, out _))
                    {
                        (missing ??= []).Add(key);
                    }
                }
            }
        }

        IReadOnlyDictionary<AccountKey, AccountId>? created = missing is null ? null : await accounts.Resolve(missing, ct);
        AccountId Id(AccountKey key) => accounts.TryGet(key, out var id) ? id : created![key];

        var transferIds = NewTransferIds(pending);
        var rows = new CreditRow[pending];
        for (int i = 0, k = 0; i < items.Count; i++)
        {
            if (outcomes[i] is null)
            {
                var item = items[i];
                var currency = item.Amount.Currency;
                var sourceId = sourceOf(i);
                rows[k] = new CreditRow(sourceId, item.SourceRef, resolved[i], item.Amount, item.OccurredAt,
                    Id(AccountKey.Wallet(resolved[i], currency)), Id(AccountKey.Settlement(sourceId, currency)), transferIds[k], item.OccurredAtGiven);
                k++;
            }
        }

        return rows;
    }

    /// <summary>
    /// Time-ordered ids for a batch: one fresh UUIDv7, then its 62-bit random tail counted up, the "monotonic random"
    /// method of RFC 9562 (section 6.2, method 2). Still v7, unique and ordered, without a fresh random draw per credit.
    /// </summary>
    internal static TransferId[] NewTransferIds(int count)
    {
        const ulong TailMask = 0x3FFF_FFFF_FFFF_FFFF; // the 62 bits after the variant
        var ids = new TransferId[count];
        Span<byte> b = stackalloc byte[16];
        var i = 0;
        while (i < count)
        {
            Uuid7.New().TryWriteBytes(b, bigEndian: true, out _);
            var tail = BinaryPrimitives.ReadUInt64BigEndian(b[8..]);
            var variant = tail & ~TailMask;
            var counter = tail & TailMask;
            var room = TailMask - counter; // increments that fit before the counter would spill into the variant bits
            for (ulong k = 0; i < count && k <= room; k++, i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(b[8..], variant | (counter + k));
                ids[i] = new TransferId(new Guid(b, bigEndian: true));
            }
        }

        return ids;
    }

    private static Error? Validate(CreditCommand item, Sources.Source source, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(item.SourceRef) || item.SourceRef.Length > MaxSourceRefLength || HasControl(item.SourceRef))
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

        if (item.OccurredAt < EarliestOccurredAt)
        {
            return new Error("credit.occurred_at_invalid", "occurred_at is before 2000-01-01.", "occurred_at");
        }

        if (item.OccurredAt > now + FutureTolerance)
        {
            return new Error("credit.occurred_in_future", "occurred_at is in the future.", "occurred_at");
        }

        return null;
    }

    private static bool HasControl(string s)
    {
        foreach (var c in s)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static CreditOutcome[] FailLinked(CreditOutcome?[] outcomes)
    {
        var all = new CreditOutcome[outcomes.Length];
        for (var i = 0; i < outcomes.Length; i++)
        {
            all[i] = outcomes[i] ?? new CreditOutcome(CreditOutcomeStatus.LinkedEventFailed, null,
                new Error("batch.linked_event_failed", "Another item of this linked batch failed; nothing was written."));
        }

        return all;
    }
}
