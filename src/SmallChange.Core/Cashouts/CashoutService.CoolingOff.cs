using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Security;

namespace SmallChange.Core.Cashouts;

// Destination cooling-off (issue 4, point 5), kept apart from the cash-out checks: a destination gets its state in
// the transaction that adds it, and a cash-out to a destination that is cooling off or cancelled is refused before
// anything is written.
public sealed partial class CashoutService
{
    /// <summary>The cooling-off of a destination the holder adds now, by the holder's jurisdiction profile.</summary>
    private DestinationState CoolingOffFor(Destination destination, Holder owner) =>
        DestinationCoolingOff.Start(destination, setup.Profiles.For(owner.Country), setup.CoolingOffOverride, clock.GetUtcNow());

    /// <summary>Why no payout can go to the destination at <paramref name="now"/>, or null when one can.</summary>
    private async Task<Error?> CoolingOffRefusal(DestinationId destination, DateTimeOffset now, CancellationToken ct) =>
        DestinationCoolingOff.Refusal(await store.ReadAsync(r => r.GetDestinationState(destination), ct), now);

    /// <summary>
    /// Cancels a destination of the holder: no payout goes to it afterwards (one already approved goes on). Returns the
    /// new state; an unknown or foreign destination is <c>destination.not_found</c>, a second cancel
    /// <c>destination.cancelled</c>.
    /// </summary>
    public async Task<Result<DestinationState>> CancelDestination(HolderId holder, DestinationId destination, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return await store.WriteAsync<Result<DestinationState>>(async tx =>
        {
            var state = await tx.GetDestinationState(destination);
            if (state is null || state.Holder != holder)
            {
                return new Error("destination.not_found", "No such destination for this holder.", "destination_id");
            }

            if (!await tx.CancelDestination(destination, holder, now))
            {
                return new Error(DestinationCoolingOff.CancelledCode, "This destination is cancelled already.", "destination_id");
            }

            return (await tx.GetDestinationState(destination))!;
        }, ct);
    }

    /// <summary>One of the holder's destinations, or null (also for another holder's).</summary>
    public async Task<Destination?> GetDestination(HolderId holder, DestinationId id, CancellationToken ct = default) =>
        await store.ReadAsync(r => r.GetDestination(id), ct) is { } d && d.Holder == holder ? d : null;

    /// <summary>The payout-side view of a holder's destinations: each with its cooling-off state, newest first.</summary>
    public async Task<IReadOnlyList<(Destination Destination, DestinationState? State)>> DestinationsWithState(HolderId holder, int limit, CancellationToken ct = default) =>
        await store.ReadAsync<IReadOnlyList<(Destination, DestinationState?)>>(async r =>
        {
            var page = await r.ListDestinations(holder, null, limit);
            var states = (await r.ListDestinationStates(holder)).ToDictionary(s => s.Destination);
            return page.Items.Select(d => (d, states.GetValueOrDefault(d.Id))).ToList();
        }, ct);
}
