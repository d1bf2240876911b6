using System.Collections.Concurrent;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// Screeners built in this process, shared by every <see cref="SanctionsListService"/> (every host, every test server):
/// keyed by what a screener is built from — each list's id and content hash, and the options — so two services over
/// different databases holding the same list versions (or none, screening the same list files) share one index, and a
/// changed version makes a new key. Building an index over the OFAC and UN lists takes seconds and hundreds of
/// megabytes; it is done once per key. Only the few most recent keys are kept.
/// </summary>
public static class ScreenerCache
{
    /// <summary>How many screeners are kept (a node needs one; a test run that imports lists makes a few).</summary>
    public const int Capacity = 4;

    private static readonly ConcurrentDictionary<string, Lazy<Task<SanctionsScreener>>> Built = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> Order = new();

    /// <summary>The key of a screener over <paramref name="lists"/> (id and content hash of each) with <paramref name="options"/>.</summary>
    public static string Key(IEnumerable<(string ListId, string ContentHash)> lists, SanctionsScreenerOptions options) =>
        string.Join(" ", lists.Select(l => $"{l.ListId}@{l.ContentHash}")) + " | " + options;

    /// <summary>The screener for <paramref name="key"/>, building it with <paramref name="build"/> when this process has none.</summary>
    public static async Task<SanctionsScreener> GetOrBuild(string key, Func<Task<SanctionsScreener>> build)
    {
        var lazy = Built.GetOrAdd(key, _ => new Lazy<Task<SanctionsScreener>>(build, LazyThreadSafetyMode.ExecutionAndPublication));
        Task<SanctionsScreener> task;
        try
        {
            task = lazy.Value;
            var screener = await task;
            Remember(key);
            return screener;
        }
        catch
        {
            // A failed build (e.g. the database unavailable while reading entries) is not cached: the next caller tries again.
            Built.TryRemove(new KeyValuePair<string, Lazy<Task<SanctionsScreener>>>(key, lazy));
            throw;
        }
    }

    /// <summary>How many screeners are held now (tests).</summary>
    public static int Count => Built.Count;

    private static void Remember(string key)
    {
        if (Order.Contains(key))
        {
            return;
        }

        Order.Enqueue(key);
        while (Order.Count > Capacity && Order.TryDequeue(out var oldest))
        {
            // Services still holding the old screener keep using it; it is only no longer handed out.
            Built.TryRemove(oldest, out _);
        }
    }
}
