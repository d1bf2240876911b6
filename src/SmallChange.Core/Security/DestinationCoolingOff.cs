using System.Globalization;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Destinations;

namespace SmallChange.Core.Security;

/// <summary>Where a destination is in its life: waiting out its cooling-off, usable, or cancelled by the holder.</summary>
public enum DestinationStatus
{
    Cooling,
    Active,
    Cancelled,
}

/// <summary>
/// The cooling-off state of a destination (stored beside it in <c>destination_states</c>). A new destination becomes
/// usable at <see cref="UsableAt"/>; until then no payout can go to it, and the holder can cancel it.
/// <see cref="ActivatedAt"/> is when the activation was noticed and recorded in the activity log (by
/// <see cref="DestinationActivation"/>); whether a payout may go there depends on <see cref="UsableAt"/> only.
/// </summary>
public sealed record DestinationState(DestinationId Destination, HolderId Holder, DateTimeOffset UsableAt, DateTimeOffset? CancelledAt, DateTimeOffset? ActivatedAt)
{
    public DestinationStatus StatusAt(DateTimeOffset now) =>
        CancelledAt is not null ? DestinationStatus.Cancelled : now >= UsableAt ? DestinationStatus.Active : DestinationStatus.Cooling;
}

/// <summary>
/// The cooling-off rule (PRODUCT.md §4, "destination age"): a destination added now is usable after the cooling-off
/// period of the holder's jurisdiction profile (<c>cooling_off_hours</c> in <c>jurisdictions.json</c>, 24 h by
/// default), and a cash-out to a destination that is still cooling off, or was cancelled, is refused with an error
/// that names when it becomes usable.
/// </summary>
public static class DestinationCoolingOff
{
    public const string CoolingCode = "destination.cooling_off";
    public const string CancelledCode = "destination.cancelled";

    /// <summary>The state of a destination added at <paramref name="now"/> by a holder under <paramref name="profile"/>.</summary>
    /// <param name="periodOverride">A period that replaces the profile's (tests, the demo); null to use the profile.</param>
    public static DestinationState Start(Destination destination, JurisdictionProfile profile, TimeSpan? periodOverride, DateTimeOffset now) =>
        new(destination.Id, destination.Holder, now + (periodOverride ?? profile.CoolingOff), null, null);

    /// <summary>Why a payout cannot go to the destination now, or null when it can.</summary>
    public static Error? Refusal(DestinationState? state, DateTimeOffset now)
    {
        if (state is null)
        {
            // Every destination gets its state in the transaction that adds it: a missing one is refused, never waved through.
            return new Error(CoolingCode, "This destination has no cooling-off record, so it cannot receive a payout.", "destination_id");
        }

        return state.StatusAt(now) switch
        {
            DestinationStatus.Cancelled => new Error(CancelledCode, "This destination was cancelled; add it again to use it.", "destination_id"),
            DestinationStatus.Cooling => new Error(CoolingCode,
                $"This destination is new and cooling off: it can receive payouts from {Format(state.UsableAt)}.", "destination_id"),
            _ => null,
        };
    }

    /// <summary>An instant as errors and alerts name it: UTC, to the minute.</summary>
    /// <remarks>Rounded up to the next whole minute, so that the named minute is never too early.</remarks>
    public static string Format(DateTimeOffset at)
    {
        var ticks = at.UtcTicks % TimeSpan.TicksPerMinute;
        var up = ticks == 0 ? at.UtcDateTime : at.UtcDateTime.AddTicks(TimeSpan.TicksPerMinute - ticks);
        return up.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    }
}
