using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;

namespace SmallChange.Core.Ports;

// Automatic cash-out rules and the record of their trigger windows (migration NNNN_auto_cashout.sql).

public partial interface IStoreReader
{
    /// <summary>The holder's rule (enabled or not), or null when the holder never set one.</summary>
    ValueTask<AutoCashoutRule?> GetAutoCashoutRule(HolderId holder);

    /// <summary>Enabled rules in holder-id order; the cursor is the last holder id seen.</summary>
    ValueTask<Page<AutoCashoutRule>> ListEnabledAutoCashoutRules(string? cursor, int limit);

    /// <summary>The record of one trigger window of the holder's rule, or null when it was never evaluated.</summary>
    ValueTask<AutoCashoutRun?> GetAutoCashoutRun(HolderId holder, string window);

    /// <summary>The holder's most recent windows, the last evaluated first.</summary>
    ValueTask<IReadOnlyList<AutoCashoutRun>> ListAutoCashoutRuns(HolderId holder, int limit);
}

public partial interface IStoreTx
{
    /// <summary>Creates or replaces the holder's rule (<see cref="AutoCashoutRule.CreatedAt"/> of an existing rule is kept).</summary>
    ValueTask UpsertAutoCashoutRule(AutoCashoutRule rule);

    /// <summary>Turns the holder's rule off; false, writing nothing, when there is no rule or it is off already.</summary>
    ValueTask<bool> DisableAutoCashoutRule(HolderId holder, DateTimeOffset at);

    /// <summary>
    /// Records the outcome of a window: inserts it, or updates a record that is still <see cref="AutoCashoutOutcome.Waiting"/>
    /// (its first time is kept). A final record (created or refused) is never changed: returns false, writing nothing, when
    /// the window is final already, so of two nodes recording the same window exactly one succeeds.
    /// </summary>
    ValueTask<bool> RecordAutoCashoutRun(AutoCashoutRun run);
}
