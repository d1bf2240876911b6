using SmallChange.Core.Common;
using SmallChange.Core.Holders;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// One imported version of a list, as the store keeps it: which list, its number in that list's history (1, 2, …), the
/// content hash (over the entries, so regenerated files with unchanged entries are the same version), the publication
/// time the source states, when it was imported, how many entries, what changed against the version before, and the
/// names of the files it was read from.
/// </summary>
public sealed record StoredListVersion(
    long Id,
    string ListId,
    int Sequence,
    string ContentHash,
    DateTimeOffset? PublishedAt,
    DateTimeOffset ImportedAt,
    int EntryCount,
    int Added,
    int Removed,
    int Changed,
    string SourceFiles)
{
    /// <summary>The version as the screener names it.</summary>
    public ListVersion AsListVersion() => new(ContentHash, PublishedAt);
}

/// <summary>What an import did.</summary>
public enum ImportOutcome
{
    /// <summary>The same entries as the list's latest version: nothing written.</summary>
    Unchanged,

    /// <summary>A new version was stored.</summary>
    Imported,
}

/// <summary>
/// The answer to an import: the outcome, the list's latest version afterwards (the new one, or the unchanged one), the
/// version before, the entry ids added, removed and changed against it, and whether holders and destinations must be
/// screened again (whenever a new version was stored).
/// </summary>
public sealed record SanctionsImportResult(
    string ListId,
    ImportOutcome Outcome,
    StoredListVersion Version,
    StoredListVersion? Previous,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Changed,
    int DuplicatesDropped)
{
    public bool RescreenNeeded => Outcome == ImportOutcome.Imported;
}

/// <summary>A payout destination's account-holder name, for screening. Personal data: <see cref="ToString"/> redacts.</summary>
public sealed record NamedDestination(DestinationId Id, HolderId Holder, PersonName AccountHolderName)
{
    public override string ToString() => $"NamedDestination {{ Id = {Id}, Holder = {Holder} }}";
}

/// <summary>Who a rescreen hit is about.</summary>
public enum ScreenedSubject
{
    /// <summary>The holder's own name.</summary>
    Holder,

    /// <summary>The account-holder name of one of the holder's destinations.</summary>
    Destination,
}

/// <summary>
/// One match of a rescreen: whose name (the holder, or one of the holder's destinations), the list entry it matched and
/// the score. No name of ours is in it: the entry's primary name is the list's public data.
/// </summary>
public sealed record RescreenHit(
    ScreenedSubject Subject,
    HolderId Holder,
    DestinationId? Destination,
    string ListId,
    string EntryId,
    string EntryPrimaryName,
    double Score)
{
    /// <summary>The match itself (the entry, the name of it that matched, the explanation), for filing it as an alert.</summary>
    public ScreeningMatch? Match { get; init; }
}

/// <summary>What <see cref="SanctionsListService.RescreenAndFile"/> did: the rescreen, and how many hits became new alerts or were filed before.</summary>
public sealed record RescreenFiling(RescreenReport Report, int AlertsFiled, int AlreadyFiled);

/// <summary>What a rescreen looked at and what it found; hits are ordered by holder, then subject, then score (best first).</summary>
public sealed record RescreenReport(
    IReadOnlyList<ListVersionInfo> Lists,
    double Threshold,
    int HoldersScreened,
    int DestinationsScreened,
    IReadOnlyList<RescreenHit> Hits);

/// <summary>A list the screener holds: its id, version, entry count, and whether it came from the database or from files.</summary>
public sealed record ListVersionInfo(string ListId, string ContentHash, DateTimeOffset? PublishedAt, int Entries, bool FromStore, int? Sequence);
