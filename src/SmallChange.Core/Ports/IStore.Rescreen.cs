using SmallChange.Core.Common;

namespace SmallChange.Core.Ports;

// Rescreen hits filed as alerts (migration NNNN_sanctions_rescreen.sql).

/// <summary>One rescreen hit as a key: a holder's or a destination's name against one list entry in one content (its hash).</summary>
/// <param name="SubjectKind"><c>holder</c> or <c>destination</c>.</param>
public sealed record RescreenHitKey(string SubjectKind, Guid SubjectId, string ListId, string EntryId, string EntryHash, HolderId Holder);

public partial interface IStoreTx
{
    /// <summary>
    /// Records the hit; true when it is new (file its alert in this transaction), false, writing nothing, when it was
    /// recorded before (by an earlier rescreen, on any node).
    /// </summary>
    ValueTask<bool> ClaimRescreenHit(RescreenHitKey hit, DateTimeOffset at);
}
