namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// Which publication of a list this is. <see cref="ContentHash"/> is the SHA-256 (lower-case hex) over the source
/// files the list was read from, so re-reading unchanged files gives the same version and a re-import is a no-op.
/// </summary>
/// <param name="ContentHash">64 lower-case hex digits.</param>
/// <param name="PublishedAt">The publication time the source states (UN <c>dateGenerated</c>), if it states one.</param>
public sealed record ListVersion(string ContentHash, DateTimeOffset? PublishedAt)
{
    /// <summary>The first 12 hex digits: enough to tell versions apart on a screen.</summary>
    public string Short => ContentHash[..Math.Min(12, ContentHash.Length)];

    public override string ToString() => PublishedAt is { } p ? $"{Short} ({p:yyyy-MM-dd})" : Short;
}

/// <summary>
/// A sanctions list as read: its id, version and entries. Built by the list readers from files, or by a store from
/// the entries it kept for a version; the screener does not care which.
/// </summary>
public sealed class SanctionsList
{
    public SanctionsList(string id, ListVersion version, IReadOnlyList<SanctionsEntry> entries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var e in entries)
        {
            if (!string.Equals(e.ListId, id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Entry {e.Key} does not belong to list {id}.", nameof(entries));
            }
        }

        Id = id;
        Version = version;
        Entries = entries;
    }

    /// <summary><c>ofac_sdn</c>, <c>ofac_cons</c>, <c>un</c>, …</summary>
    public string Id { get; }

    public ListVersion Version { get; }

    public IReadOnlyList<SanctionsEntry> Entries { get; }

    public override string ToString() => $"SanctionsList {{ {Id}, {Version}, {Entries.Count} entries }}";
}
