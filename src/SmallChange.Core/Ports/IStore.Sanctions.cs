using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Core.Ports;

/// <summary>One entry of a list version as stored: the list's entry id, type and primary name, the full document and its hash.</summary>
public sealed record StoredEntryRow(string EntryId, string Type, string PrimaryName, string Document, string Hash);

public partial interface IStoreReader
{
    /// <summary>The latest version of every list that was imported, by list id.</summary>
    ValueTask<IReadOnlyList<StoredListVersion>> LatestSanctionsVersions();

    /// <summary>Every stored version, newest first; of one list when <paramref name="listId"/> is given.</summary>
    ValueTask<IReadOnlyList<StoredListVersion>> ListSanctionsVersions(string? listId);

    /// <summary>Entry id → entry hash of one version (to tell what an import changes).</summary>
    ValueTask<IReadOnlyDictionary<string, string>> SanctionsEntryHashes(long versionId);

    /// <summary>The entries of one version, in the order the list gave them.</summary>
    ValueTask<IReadOnlyList<SanctionsEntry>> SanctionsEntries(long versionId);

    /// <summary>Destinations that name an account holder, by id; the cursor is the last id seen. For rescreening.</summary>
    ValueTask<Page<NamedDestination>> ListNamedDestinations(string? cursor, int limit);
}

public partial interface IStoreTx
{
    /// <summary>
    /// Stores a list version (its <see cref="StoredListVersion.Id"/> is assigned here) and its entries in the order
    /// given. Returns null, writing nothing, when the list already has a version with the same
    /// <see cref="StoredListVersion.Sequence"/> (another import got there first).
    /// </summary>
    ValueTask<StoredListVersion?> InsertSanctionsVersion(StoredListVersion version, IReadOnlyList<StoredEntryRow> entries);
}
