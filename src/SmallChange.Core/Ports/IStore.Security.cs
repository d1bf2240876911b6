using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Security;

namespace SmallChange.Core.Ports;

// The holder-side security records of migration NNNN_activity.sql: destination cooling-off, the activity log, the
// devices each portal account signed in from, and step-up grants.

public partial interface IStoreReader
{
    ValueTask<DestinationState?> GetDestinationState(DestinationId id);

    /// <summary>The states of every destination of a holder.</summary>
    ValueTask<IReadOnlyList<DestinationState>> ListDestinationStates(HolderId holder);

    /// <summary>A holder's activity, newest first (by id: UUIDv7, time-ordered to the millisecond).</summary>
    ValueTask<Page<ActivityEntry>> ListActivity(HolderId holder, string? cursor, int limit);

    /// <summary>Whether the account has signed in from a device with this fingerprint (a SHA-256 hash) before.</summary>
    ValueTask<bool> IsKnownDevice(PortalUserId user, byte[] fingerprint);

    /// <summary>Until when the portal session with this hash has a step-up for the account; null when it never had one.</summary>
    ValueTask<DateTimeOffset?> GetStepUp(byte[] sessionHash, PortalUserId user);
}

public partial interface IStoreTx
{
    ValueTask InsertDestinationState(DestinationState state);

    /// <summary>
    /// Cancels a destination of <paramref name="holder"/> that is not cancelled yet (a conditional update). Returns false,
    /// writing nothing, when there is no such destination of this holder or it was cancelled already.
    /// </summary>
    ValueTask<bool> CancelDestination(DestinationId id, HolderId holder, DateTimeOffset at);

    /// <summary>
    /// Marks up to <paramref name="limit"/> destinations whose cooling-off has ended by <paramref name="now"/>, and which
    /// are neither cancelled nor marked yet, as activated at <paramref name="now"/>; returns them (each is returned by
    /// one call only, on any node).
    /// </summary>
    ValueTask<IReadOnlyList<DestinationState>> ActivateDueDestinations(DateTimeOffset now, int limit);

    ValueTask InsertActivity(ActivityEntry entry);

    /// <summary>Records that the account signed in from the device; true when it was the first time.</summary>
    ValueTask<bool> RememberDevice(PortalUserId user, byte[] fingerprint, DateTimeOffset at);

    /// <summary>
    /// Grants (or extends) a step-up to the portal session with this hash until <paramref name="validUntil"/>, and deletes
    /// the account's grants that ended before <paramref name="now"/>.
    /// </summary>
    ValueTask GrantStepUp(byte[] sessionHash, PortalUserId user, DateTimeOffset validUntil, DateTimeOffset now);
}
