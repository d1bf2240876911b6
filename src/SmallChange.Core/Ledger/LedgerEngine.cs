using SmallChange.Core.Ports;

namespace SmallChange.Core.Ledger;

/// <summary>
/// The ledger's rules, applied inside a store transaction. The store supplies primitive, conditional writes
/// (a debit that refuses to overdraw, unique resolution of a pending transfer, append-only transfers);
/// this class decides what a request means and which outcome it has.
/// </summary>
public sealed class LedgerEngine(TimeProvider clock)
{
    /// <summary>
    /// Applies the requests in order. Unlinked: each request stands alone. Linked: all succeed or none is
    /// applied (the failing one carries its own status, every other one <see cref="TransferStatus.LinkedEventFailed"/>).
    /// Replays (<see cref="TransferStatus.Exists"/>) count as success.
    /// </summary>
    public async ValueTask<IReadOnlyList<TransferResult>> Apply(IStoreTx tx, IReadOnlyList<TransferRequest> requests, bool linked)
    {
        var results = new TransferResult[requests.Count];
        var savepoint = linked ? await tx.Savepoint() : null;
        for (var i = 0; i < requests.Count; i++)
        {
            results[i] = await ApplyOne(tx, requests[i]);
            if (linked && !results[i].Succeeded)
            {
                await savepoint!.Rollback();
                for (var j = 0; j < results.Length; j++)
                {
                    if (j != i)
                    {
                        results[j] = new TransferResult(TransferStatus.LinkedEventFailed, null);
                    }
                }

                return results;
            }
        }

        if (savepoint is not null)
        {
            await savepoint.Release();
        }

        return results;
    }

    public async ValueTask<TransferResult> ApplyOne(IStoreTx tx, TransferRequest r)
    {
        var existing = await tx.GetTransfer(r.Id);
        if (existing is not null)
        {
            return new TransferResult(SameContent(r, existing) ? TransferStatus.Exists : TransferStatus.ExistsWithDifferentContent, existing);
        }

        if (!ReasonCodes.IsKnown(r.Reason))
        {
            return Fail(TransferStatus.ReasonUnknown);
        }

        return r.Kind switch
        {
            TransferKind.Single or TransferKind.Pending => await ApplyMovement(tx, r),
            _ => await ApplyResolution(tx, r),
        };
    }

    private async ValueTask<TransferResult> ApplyMovement(IStoreTx tx, TransferRequest r)
    {
        if (r.Amount <= 0)
        {
            return Fail(TransferStatus.AmountMustBePositive);
        }

        if (r.DebitAccount == r.CreditAccount)
        {
            return Fail(TransferStatus.AccountsMustBeDifferent);
        }

        var pending = r.Kind == TransferKind.Pending;
        if (pending && (r.Timeout is null || r.Timeout <= TimeSpan.Zero))
        {
            return Fail(TransferStatus.TimeoutRequired);
        }

        var debit = await tx.GetAccount(r.DebitAccount);
        var credit = await tx.GetAccount(r.CreditAccount);
        if (debit is null || credit is null)
        {
            return Fail(TransferStatus.AccountNotFound);
        }

        if (debit.Currency != credit.Currency)
        {
            return Fail(TransferStatus.CurrencyMismatch);
        }

        if (r.Reverses is { } reversed)
        {
            var original = await tx.GetTransfer(reversed);
            if (original is null || original.Kind is TransferKind.Pending or TransferKind.VoidPending)
            {
                return Fail(TransferStatus.ReversalTargetNotFound);
            }

            if (original.DebitAccount != r.CreditAccount || original.CreditAccount != r.DebitAccount || r.Amount > original.Amount || pending)
            {
                return Fail(TransferStatus.ReversalMismatch);
            }

            if (await tx.FindReversal(reversed) is not null)
            {
                return Fail(TransferStatus.AlreadyReversed);
            }
        }

        if (!await tx.TryDebit(debit.Id, r.Amount, pending))
        {
            return Fail(TransferStatus.InsufficientFunds);
        }

        await tx.Credit(credit.Id, r.Amount, pending);
        var now = clock.GetUtcNow();
        var t = new Transfer(r.Id, debit.Id, credit.Id, r.Amount, debit.Currency, r.Kind, null,
            pending ? now + r.Timeout!.Value : null, r.Reason, r.Reverses, r.Reference, 0, now);
        var seq = await tx.InsertTransfer(t);
        return new TransferResult(TransferStatus.Created, t with { Sequence = seq });
    }

    private async ValueTask<TransferResult> ApplyResolution(IStoreTx tx, TransferRequest r)
    {
        if (r.PendingId is not { } pendingId)
        {
            return Fail(TransferStatus.PendingNotFound);
        }

        var p = await tx.GetTransfer(pendingId);
        if (p is null)
        {
            return Fail(TransferStatus.PendingNotFound);
        }

        if (p.Kind != TransferKind.Pending)
        {
            return Fail(TransferStatus.PendingNotPending);
        }

        var resolution = await tx.FindResolution(pendingId);
        if (resolution is not null)
        {
            return Fail(resolution.Kind == TransferKind.PostPending ? TransferStatus.PendingAlreadyPosted : TransferStatus.PendingAlreadyVoided);
        }

        var now = clock.GetUtcNow();
        var post = r.Kind == TransferKind.PostPending;
        if (post && p.Timeout is { } timeout && timeout <= now)
        {
            return Fail(TransferStatus.PendingExpired);
        }

        if (r.Amount < 0)
        {
            return Fail(TransferStatus.AmountMustBePositive);
        }

        if (r.Amount > p.Amount)
        {
            return Fail(TransferStatus.AmountExceedsPending);
        }

        var amount = post ? (r.Amount == 0 ? p.Amount : r.Amount) : p.Amount;
        await tx.ResolvePending(p, post ? amount : 0);
        var t = new Transfer(r.Id, p.DebitAccount, p.CreditAccount, amount, p.Currency, r.Kind, pendingId, null,
            r.Reason, null, r.Reference, 0, now);
        var seq = await tx.InsertTransfer(t);
        return new TransferResult(TransferStatus.Created, t with { Sequence = seq });
    }

    /// <summary>Voids every pending transfer whose timeout has passed. Returns the voids written.</summary>
    public async ValueTask<IReadOnlyList<Transfer>> VoidExpired(IStoreTx tx, int limit)
    {
        var expired = await tx.ListExpiredPending(clock.GetUtcNow(), limit);
        var voids = new List<Transfer>(expired.Count);
        foreach (var p in expired)
        {
            var result = await ApplyOne(tx, TransferRequest.Void(DerivedId(p.Id), p.Id, ReasonCodes.HoldExpired, p.Reference));
            if (result.Status == TransferStatus.Created)
            {
                voids.Add(result.Transfer!);
            }
        }

        return voids;
    }

    /// <summary>A deterministic id for a transfer derived from another (the expiry void of a hold), so retries are idempotent.</summary>
    public static Common.TransferId DerivedId(Common.TransferId from, byte salt = 0x5f)
    {
        Span<byte> b = stackalloc byte[16];
        from.Value.TryWriteBytes(b, bigEndian: true, out _);
        b[15] ^= salt;
        b[14] ^= 0xa5;
        return new Common.TransferId(new Guid(b, bigEndian: true));
    }

    private static bool SameContent(TransferRequest r, Transfer t)
    {
        if (r.Kind != t.Kind || r.Reason != t.Reason || r.PendingId != t.PendingId || r.Reverses != t.Reverses || r.Reference != t.Reference)
        {
            return false;
        }

        if (r.Kind is TransferKind.Single or TransferKind.Pending)
        {
            return r.DebitAccount == t.DebitAccount && r.CreditAccount == t.CreditAccount && r.Amount == t.Amount
                && (r.Kind != TransferKind.Pending || (t.Timeout is { } to && r.Timeout == to - t.CreatedAt));
        }

        return r.Amount == 0 || r.Amount == t.Amount;
    }

    private static TransferResult Fail(TransferStatus s) => new(s, null);
}
