using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Ports;

/// <summary>
/// A holder's activity as the AML rules read it: credits (booking time) and counted cash-outs (approved, held, submitted
/// or paid; creation time) in [since, until), in all currencies, and the latest credit or counted cash-out before since.
/// </summary>
public sealed record AmlHistory(IReadOnlyList<AmlCredit> Credits, IReadOnlyList<AmlCashout> Cashouts, DateTimeOffset? LastActivityBefore);

/// <summary>A credit found in the ledger's log, for the credit monitor: its leaf index, holder, transfer and what the rules see.</summary>
public sealed record LoggedCredit(long LeafIndex, HolderId Holder, TransferId Transfer, AmlCredit Credit);

/// <summary>
/// One destination as the replay needs it: who registered which fingerprint when. The fingerprint is the stored, keyed
/// form (equal for equal accounts, comparable with <see cref="ReplayCashout.Fingerprint"/>, not with a destination's own).
/// </summary>
public sealed record DestinationUse(string Fingerprint, HolderId Holder, DateTimeOffset CreatedAt);

/// <summary>A stored cash-out as the replay needs it (any state), with its destination's details (its fingerprint in the stored, keyed form).</summary>
public sealed record ReplayCashout(CashoutId Id, HolderId Holder, AmlCashout Cashout, string Fingerprint, bool TravelRuleDataPresent, CashoutState State);

/// <summary>A stored credit as the replay needs it.</summary>
public sealed record ReplayCredit(HolderId Holder, TransferId Transfer, AmlCredit Credit);

/// <summary>Stored history for a back-test: holders, credits, cash-outs and destinations in a time range.</summary>
public sealed record AmlReplaySet(
    IReadOnlyList<AmlHolder> Holders,
    IReadOnlyList<ReplayCredit> Credits,
    IReadOnlyList<ReplayCashout> Cashouts,
    IReadOnlyList<DestinationUse> Destinations,
    IReadOnlyDictionary<HolderId, DateTimeOffset> LastActivityBefore);

public partial interface IStoreReader
{
    /// <summary>The holder's credits and counted cash-outs in [<paramref name="since"/>, <paramref name="until"/>) and the last activity before.</summary>
    ValueTask<AmlHistory> AmlHistory(HolderId holder, DateTimeOffset since, DateTimeOffset until);

    /// <summary>How many holders other than <paramref name="holder"/> registered a destination with this fingerprint.</summary>
    ValueTask<int> OtherHoldersOnDestination(string fingerprint, HolderId holder);

    /// <summary>The credits among the log's leaves [<paramref name="from"/>, <paramref name="to"/>), in leaf (commit) order.</summary>
    ValueTask<IReadOnlyList<LoggedCredit>> CreditsInLog(long from, long to);

    /// <summary>A monitor's durable position (0 when it never ran).</summary>
    ValueTask<long> MonitorPosition(string monitor);

    /// <summary>What the operator declared pays for the value a source credits (unknown when never declared).</summary>
    ValueTask<CreditFunding> SourceFunding(SourceId source);

    /// <summary>
    /// Holders, credits and cash-outs (any state) booked in [<paramref name="from"/>, <paramref name="to"/>), every destination
    /// registered before <paramref name="to"/>, and each holder's last activity before <paramref name="from"/>.
    /// </summary>
    ValueTask<AmlReplaySet> AmlReplaySet(DateTimeOffset from, DateTimeOffset to);
}

public partial interface IStoreTx
{
    /// <summary>
    /// Moves a monitor from <paramref name="from"/> to <paramref name="to"/> only if it is still at <paramref name="from"/>
    /// (a conditional update): of two nodes processing the same range, one wins and the other writes nothing.
    /// </summary>
    ValueTask<bool> AdvanceMonitor(string monitor, long from, long to);

    ValueTask SetSourceFunding(SourceId source, CreditFunding funding, DateTimeOffset at);
}
