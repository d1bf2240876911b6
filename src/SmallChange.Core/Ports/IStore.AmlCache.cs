using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Ports;

/// <summary>A holder's credits booked at or after a window's start (no end), in time order, and the latest credit booked before it.</summary>
public sealed record AmlCreditWindow(IReadOnlyList<AmlCredit> Credits, DateTimeOffset? LastBefore);

/// <summary>
/// The two halves of <see cref="IStoreReader.AmlHistories"/>, for the credit monitor's per-holder window cache: the credits
/// (immutable once booked, so a monitor can carry them from one round to the next and read only the new ones) and the
/// holder with its counted cash-outs (which change state without telling the holder in the log, so they are read every round).
/// </summary>
public partial interface IStoreReader
{
    /// <summary>
    /// For each of <paramref name="holders"/> that exists: the holder as the AML rules see it, and over the window
    /// <paramref name="window"/> chooses for it only the counted cash-outs — <see cref="AmlHistory.Credits"/> is empty and
    /// <see cref="AmlHistory.LastActivityBefore"/> is the latest counted cash-out before the window. The same statements as
    /// <see cref="AmlHistories"/> without its credit read.
    /// </summary>
    ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHoldersAndCashouts(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window);

    /// <summary>
    /// For each holder of <paramref name="since"/>: its credits booked at or after its start, with no end (the credit read of
    /// <see cref="AmlHistories"/> over [since, ∞)), and the latest credit before it, in one statement. A holder without a
    /// wallet gets an empty entry; the caller asks only for holders it knows exist.
    /// </summary>
    ValueTask<IReadOnlyDictionary<HolderId, AmlCreditWindow>> AmlCreditWindows(IReadOnlyDictionary<HolderId, DateTimeOffset> since);

    /// <summary>Every declared source funding (what <see cref="SourceFunding"/> answers for each source that has one).</summary>
    ValueTask<IReadOnlyDictionary<SourceId, CreditFunding>> SourceFundings();
}
