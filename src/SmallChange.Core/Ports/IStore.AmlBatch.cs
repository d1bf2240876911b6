using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;

namespace SmallChange.Core.Ports;

/// <summary>The window [<paramref name="Since"/>, <paramref name="Until"/>) a holder's AML history is read over.</summary>
public readonly record struct AmlWindow(DateTimeOffset Since, DateTimeOffset Until);

/// <summary>One holder of a batch read: the holder as the AML rules see it, and its history over its window.</summary>
public sealed record AmlHolderHistory(AmlHolder Holder, AmlWindow Window, AmlHistory History);

public partial interface IStoreReader
{
    /// <summary>
    /// The AML reads of many holders at once (a round of the credit monitor): for each of <paramref name="holders"/> that
    /// exists, the holder and <see cref="AmlHistory"/> over the window <paramref name="window"/> chooses once it knows the
    /// holder (the lookback depends on the holder's jurisdiction). Each entry holds what <c>GetHolder</c> and
    /// <c>AmlHistory(holder, window.Since, window.Until)</c> return, read in a number of statements that does not grow
    /// with the number of holders (the per-holder method stays for the cash-out path, one holder at a time).
    /// </summary>
    ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHistories(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window);
}
