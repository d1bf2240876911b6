using SmallChange.Core.Common;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>
/// The credit monitor's per-holder credit windows, carried from one round to the next on one node (in memory): for each
/// holder a round evaluated, its credits booked at or after <see cref="Entry.Since"/> and the latest credit before, as of
/// the log position <see cref="Position"/> where the last round ended. Credits are immutable once booked, so an entry
/// stays exact as long as every later leaf's credits are appended to it: the next round, if it starts at
/// <see cref="Position"/>, reads from the store only the windows of holders it does not hold and appends its own credits
/// (already read from the log) to the others. Only the credits' funding (<see cref="Fundings"/>, a join at read time)
/// can change under an entry: a round that reads other fundings drops the cache.
/// </summary>
internal sealed class AmlWindowCache(long position, IReadOnlyDictionary<SourceId, CreditFunding> fundings)
{
    /// <summary>The log position the entries are exact at: every credit of a leaf before it is in its holder's entry.</summary>
    public long Position { get; set; } = position;

    /// <summary>The declared fundings the entries' credits were read with.</summary>
    public IReadOnlyDictionary<SourceId, CreditFunding> Fundings { get; set; } = fundings;

    public Dictionary<HolderId, Entry> Entries { get; } = [];

    /// <summary>Rounds run over this cache (for evicting the least recently used entries).</summary>
    public long Rounds { get; set; }

    public static bool SameFundings(IReadOnlyDictionary<SourceId, CreditFunding> a, IReadOnlyDictionary<SourceId, CreditFunding> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var f) && f == p.Value);

    /// <summary>Drops entries read before <paramref name="oldest"/>, then the least recently used beyond <paramref name="max"/>.</summary>
    public void Trim(DateTimeOffset oldest, int max)
    {
        foreach (var (h, _) in Entries.Where(e => e.Value.ReadAt < oldest).ToList())
        {
            Entries.Remove(h);
        }

        if (Entries.Count > max)
        {
            foreach (var (h, _) in Entries.OrderBy(e => e.Value.LastUsed).Take(Entries.Count - max).ToList())
            {
                Entries.Remove(h);
            }
        }
    }

    /// <summary>
    /// One holder's credits booked at or after <see cref="Since"/>, in time order (credits of one instant in the order they
    /// were added), and the latest credit booked before <see cref="Since"/>.
    /// </summary>
    /// <param name="Horizon">
    /// The log's size in the snapshot the entry was read from: the read held every credit of a leaf before it, so a credit
    /// of such a leaf met later in the log is already here (or in <see cref="LastBefore"/>) and is not added again.
    /// </param>
    /// <param name="ReadAt">When the entry was read from the store (entries live a bounded time).</param>
    public sealed class Entry(DateTimeOffset since, List<AmlCredit> credits, DateTimeOffset? lastBefore, long horizon, DateTimeOffset readAt)
    {
        public DateTimeOffset Since { get; private set; } = since;

        public List<AmlCredit> Credits { get; } = credits;

        public DateTimeOffset? LastBefore { get; private set; } = lastBefore;

        public long Horizon { get; } = horizon;

        public DateTimeOffset ReadAt { get; } = readAt;

        public long LastUsed { get; set; }

        /// <summary>Moves the window's start forward to <paramref name="since"/> (no-op when not later): older credits only count for <see cref="LastBefore"/>.</summary>
        public void PruneTo(DateTimeOffset since)
        {
            if (since <= Since)
            {
                return;
            }

            var n = FirstAtOrAfter(since);
            if (n > 0)
            {
                var newest = Credits[n - 1].At;
                LastBefore = LastBefore is { } l && l > newest ? l : newest;
                Credits.RemoveRange(0, n);
            }

            Since = since;
        }

        /// <summary>Adds a credit of a leaf at or after <see cref="Horizon"/> (after those of the same instant already held).</summary>
        public void Add(AmlCredit credit)
        {
            if (credit.At < Since)
            {
                LastBefore = LastBefore is { } l && l > credit.At ? l : credit.At;
                return;
            }

            var at = Credits.Count;
            if (at > 0 && Credits[at - 1].At > credit.At)
            {
                at = FirstAtOrAfter(credit.At.AddTicks(1));
            }

            Credits.Insert(at, credit);
        }

        /// <summary>The credits booked before <paramref name="until"/> (all of them at or after <see cref="Since"/>).</summary>
        public List<AmlCredit> Before(DateTimeOffset until) => Credits.GetRange(0, FirstAtOrAfter(until));

        /// <summary>The index of the first credit booked at or after <paramref name="at"/> (the count when none).</summary>
        private int FirstAtOrAfter(DateTimeOffset at)
        {
            var (lo, hi) = (0, Credits.Count);
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) / 2);
                if (Credits[mid].At < at)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }
}
