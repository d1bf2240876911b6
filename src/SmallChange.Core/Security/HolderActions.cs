using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;

namespace SmallChange.Core.Security;

/// <summary>
/// The portal's money actions, each behind a step-up (<see cref="StepUpGate.Require"/>): adding and cancelling a payout
/// destination, and cashing out. Each is recorded in the activity log and alerted. Page models call these and nothing
/// else for these actions, so posting straight to a handler still meets the check. The operator API does not come
/// through here (see docs/security.md: an operator authenticates its holders itself).
/// </summary>
public sealed class HolderActions(CashoutService cashouts, StepUpGate stepUp, ActivityLog activity)
{
    public async Task<Result<Destination>> AddDestination(PortalSession s, DestinationInput input, string? currency, CancellationToken ct = default)
    {
        if (await stepUp.Require(s, ct) is { } refused)
        {
            return refused;
        }

        var added = await cashouts.AddDestination(s.Holder, input, currency, ct);
        if (added.TryGet(out var d, out _))
        {
            await activity.DestinationAdded(d, s.Client, ct);
        }

        return added;
    }

    public async Task<Result<DestinationState>> CancelDestination(PortalSession s, DestinationId id, CancellationToken ct = default)
    {
        if (await stepUp.Require(s, ct) is { } refused)
        {
            return refused;
        }

        var cancelled = await cashouts.CancelDestination(s.Holder, id, ct);
        if (cancelled.IsOk && await cashouts.GetDestination(s.Holder, id, ct) is { } d)
        {
            await activity.DestinationCancelled(d, s.Client, ct);
        }

        return cancelled;
    }

    /// <summary>
    /// Cashes out against a quote of the holder's to one of the holder's destinations. <paramref name="idempotencyKey"/>
    /// comes from the confirmation form, so a double submit is one cash-out.
    /// </summary>
    public async Task<Result<CashoutResult>> Cashout(PortalSession s, QuoteId quote, DestinationId destination, string? providerId, string idempotencyKey, CancellationToken ct = default)
    {
        if (await stepUp.Require(s, ct) is { } refused)
        {
            return refused;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"portal|{s.Holder}|{quote}|{destination}|{providerId}"));
        var result = await cashouts.Request(new CashoutCommand(s.Holder, quote, destination, providerId), "portal:" + idempotencyKey, hash, ct);
        if (result.TryGet(out var r, out _) && !r.Replayed)
        {
            await activity.CashoutRequested(r.Cashout, s.Client, ct);
        }

        return result;
    }
}
