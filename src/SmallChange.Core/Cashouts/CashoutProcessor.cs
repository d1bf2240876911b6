using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Core.Webhooks;

namespace SmallChange.Core.Cashouts;

/// <summary>The payout rails by name (the <c>rail</c> of each provider in the configuration).</summary>
public sealed class PayoutRails(IEnumerable<IPayoutRail> rails)
{
    private readonly Dictionary<string, IPayoutRail> _byName = rails.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public IPayoutRail? Find(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>
/// Moves approved cash-outs to their providers and books what the providers report:
/// outbox → submit (at least once; the provider is idempotent by cash-out id) → paid (post the hold and book the
/// fee) | failed (void the hold) | returned (reverse the fee and the payout). Every step is a conditional state
/// change in the same transaction as its ledger transfers, so a retry or a second node cannot book anything twice.
/// </summary>
public sealed class CashoutProcessor(IStore store, LedgerEngine engine, AccountDirectory accounts, PayoutSetup setup, PayoutRails rails, TimeProvider clock)
{
    /// <summary>How long after payment a return is still watched for.</summary>
    public TimeSpan ReturnWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Delivers due outbox items; returns how many were handled.</summary>
    public async Task<int> DispatchDue(int limit, CancellationToken ct)
    {
        var items = await store.WriteAsync(tx => tx.ClaimOutbox(clock.GetUtcNow(), setup.OutboxLease, limit), ct);
        foreach (var item in items)
        {
            await Dispatch(item, ct);
        }

        return items.Count;
    }

    private async Task Dispatch(OutboxItem item, CancellationToken ct)
    {
        var (cashout, destination, hold) = await store.ReadAsync(async r =>
        {
            var c = await r.GetCashout(item.Cashout);
            var d = c is null ? null : await r.GetDestination(c.Destination);
            var h = c?.HoldTransfer is { } hid ? await r.FindResolution(hid) : null;
            return (c, d, h);
        }, ct);
        if (cashout is null || destination is null || cashout.State != CashoutState.Approved)
        {
            await store.WriteAsync(async tx => { await tx.CompleteOutbox(item.Id, clock.GetUtcNow()); return 0; }, ct);
            return;
        }

        if (hold is not null)
        {
            // The hold expired (and was voided) before the cash-out reached its provider: it fails, nothing was paid.
            await store.WriteAsync(async tx =>
            {
                if (await tx.TransitionCashout(cashout.Id, CashoutState.Approved, CashoutState.Failed, "hold.expired", null, clock.GetUtcNow()))
                {
                    await Announce(tx, cashout, CashoutState.Failed, "hold.expired");
                }

                await tx.CompleteOutbox(item.Id, clock.GetUtcNow());
                return 0;
            }, ct);
            return;
        }

        var rail = rails.Find(cashout.Option.Rail);
        RailSubmitResult result;
        try
        {
            if (rail is null)
            {
                throw new InvalidOperationException($"No rail named '{cashout.Option.Rail}' is configured.");
            }

            result = await rail.Submit(new PayoutInstruction(cashout.Id, cashout.ProviderId, cashout.Method, cashout.Net, destination, cashout.CreatedAt), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(item.Attempts, 8))));
            await store.WriteAsync(async tx => { await tx.RetryOutbox(item.Id, clock.GetUtcNow() + delay, ex.GetType().Name); return 0; }, ct);
            return;
        }

        var now = clock.GetUtcNow();
        await store.WriteAsync(async tx =>
        {
            if (result.Status == RailSubmitStatus.Accepted)
            {
                await tx.TransitionCashout(cashout.Id, CashoutState.Approved, CashoutState.Submitted, null, result.ProviderRef, now);
            }
            else if (await tx.TransitionCashout(cashout.Id, CashoutState.Approved, CashoutState.Failed, result.Reason ?? "provider.rejected", null, now))
            {
                await Require(engine.ApplyOne(tx, TransferRequest.Void(cashout.VoidTransferId, cashout.HoldTransfer!.Value, ReasonCodes.CashoutVoid, cashout.Id.Value)));
                await Announce(tx, cashout, CashoutState.Failed, result.Reason ?? "provider.rejected");
            }

            await tx.CompleteOutbox(item.Id, now);
            return 0;
        }, ct);
    }

    /// <summary>Asks the rails about submitted and recently paid cash-outs and books what changed; returns how many changed.</summary>
    public async Task<int> Settle(int limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (submitted, paid) = await store.ReadAsync(async r => (
            await r.ListCashoutsInState(CashoutState.Submitted, DateTimeOffset.MinValue, limit),
            await r.ListCashoutsInState(CashoutState.Paid, now - ReturnWindow, limit)), ct);
        var changed = 0;
        foreach (var c in submitted.Concat(paid))
        {
            if (rails.Find(c.Option.Rail) is not { } rail)
            {
                continue;
            }

            var status = await rail.GetStatus(c.ProviderId, c.Id, ct);
            changed += await Book(c, status.Status, status.Reason, ct) ? 1 : 0;
        }

        return changed;
    }

    /// <summary>
    /// Books what a provider reported by callback (a verified inbound webhook) about one of its cash-outs, exactly as the
    /// settlement poll would: null when the provider has no such cash-out, otherwise whether anything changed (a repeat,
    /// or news the cash-out is already past, changes nothing).
    /// </summary>
    public async Task<bool?> ApplyProviderOutcome(string providerId, CashoutId id, RailPaymentStatus status, string? reason, CancellationToken ct)
    {
        var c = await store.ReadAsync(r => r.GetCashout(id), ct);
        if (c is null || c.ProviderId != providerId)
        {
            return null;
        }

        return await Book(c, status, reason, ct);
    }

    private async Task<bool> Book(Cashout c, RailPaymentStatus status, string? reason, CancellationToken ct) => (c.State, status) switch
    {
        (CashoutState.Submitted, RailPaymentStatus.Paid) => await Paid(c, ct),
        (CashoutState.Submitted, RailPaymentStatus.Failed) => await Failed(c, reason, ct),
        (CashoutState.Submitted, RailPaymentStatus.Returned) => await Paid(c, ct) && await Returned(c with { State = CashoutState.Paid }, reason, ct),
        (CashoutState.Paid, RailPaymentStatus.Returned) => await Returned(c, reason, ct),
        _ => false,
    };

    private Task<bool> Paid(Cashout c, CancellationToken ct) => Transition(c, CashoutState.Submitted, CashoutState.Paid, null, ct, async (tx, fees, clearing) =>
    {
        var post = await engine.ApplyOne(tx, TransferRequest.Post(c.PostTransferId, c.HoldTransfer!.Value, ReasonCodes.CashoutPost, reference: c.Id.Value));
        if (!post.Succeeded)
        {
            // The hold was voided (expired) although the provider paid: book the payout directly from the wallet,
            // or from suspense when the wallet no longer covers it, so the ledger matches what left.
            var wallet = await accounts.Resolve(AccountKey.Wallet(c.Holder, c.Gross.Currency), ct);
            var direct = await engine.ApplyOne(tx, TransferRequest.Single(c.PostTransferId, wallet, clearing, c.Gross.Units, ReasonCodes.CashoutPost, c.Id.Value));
            if (!direct.Succeeded)
            {
                var suspense = await accounts.Resolve(AccountKey.Suspense(c.Gross.Currency), ct);
                await Require(engine.ApplyOne(tx, TransferRequest.Single(c.PostTransferId, suspense, clearing, c.Gross.Units, ReasonCodes.CashoutPost, c.Id.Value)));
            }
        }

        if (c.Fee.IsPositive)
        {
            await Require(engine.ApplyOne(tx, TransferRequest.Single(c.FeeTransferId, clearing, fees, c.Fee.Units, ReasonCodes.CashoutFee, c.Id.Value)));
        }
    });

    private Task<bool> Failed(Cashout c, string? reason, CancellationToken ct) => Transition(c, CashoutState.Submitted, CashoutState.Failed, reason ?? "provider.failed", ct, async (tx, _, _) =>
    {
        var r = await engine.ApplyOne(tx, TransferRequest.Void(c.VoidTransferId, c.HoldTransfer!.Value, ReasonCodes.CashoutVoid, c.Id.Value));
        if (!r.Succeeded && r.Status != TransferStatus.PendingAlreadyVoided)
        {
            throw new InvalidOperationException($"Cash-out {c.Id}: void failed with {r.Status}.");
        }
    });

    private Task<bool> Returned(Cashout c, string? reason, CancellationToken ct) => Transition(c, CashoutState.Paid, CashoutState.Returned, reason ?? "provider.returned", ct, async (tx, _, _) =>
    {
        // Undo in reverse order: the fee back to clearing, then the payout back to the wallet.
        if (c.Fee.IsPositive)
        {
            var fee = await tx.GetTransfer(c.FeeTransferId) ?? throw new InvalidOperationException($"Cash-out {c.Id}: fee transfer missing.");
            await Require(engine.ApplyOne(tx, TransferRequest.Reversal(c.FeeReturnTransferId, fee, ReasonCodes.CashoutReturn, c.Id.Value)));
        }

        var post = await tx.GetTransfer(c.PostTransferId) ?? throw new InvalidOperationException($"Cash-out {c.Id}: post transfer missing.");
        await Require(engine.ApplyOne(tx, TransferRequest.Reversal(c.ReturnTransferId, post, ReasonCodes.CashoutReturn, c.Id.Value)));
    });

    private async Task<bool> Transition(Cashout c, CashoutState from, CashoutState to, string? reason, CancellationToken ct,
        Func<IStoreTx, AccountId, AccountId, ValueTask> book)
    {
        var fees = await accounts.Resolve(AccountKey.Fees(c.Gross.Currency), ct);
        var clearing = await accounts.Resolve(AccountKey.Clearing(c.Gross.Currency), ct);
        return await store.WriteAsync(async tx =>
        {
            if (!await tx.TransitionCashout(c.Id, from, to, reason, null, clock.GetUtcNow()))
            {
                return false; // another worker or node got there first
            }

            await book(tx, fees, clearing);
            await Announce(tx, c, to, reason);
            return true;
        }, ct);
    }

    /// <summary>Writes the operators' webhook event for the change, in the transaction that makes it (see WebhookEvents).</summary>
    private async ValueTask Announce(IStoreTx tx, Cashout c, CashoutState state, string? reason)
    {
        var now = clock.GetUtcNow();
        if (WebhookEvents.CashoutChanged(c, state, reason, now) is { } e)
        {
            await tx.EnqueueWebhookEvent(e, now);
        }
    }

    private static async ValueTask Require(ValueTask<TransferResult> pending)
    {
        var r = await pending;
        if (!r.Succeeded)
        {
            throw new InvalidOperationException($"A settlement transfer failed: {r.Status}.");
        }
    }
}
