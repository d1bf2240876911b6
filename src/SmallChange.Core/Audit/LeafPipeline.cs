using SmallChange.Core.Ledger;

namespace SmallChange.Core.Audit;

/// <summary>
/// The transfers a write transaction has written so far, hashed as leaves while the transaction goes on: every
/// <see cref="Slice"/> transfers a task hashes them on another core, so that at commit time only the last few are
/// left to hash and the write lock is held barely longer than without the log.
/// </summary>
public sealed class LeafPipeline
{
    public const int Slice = 2048;

    private readonly List<Transfer> _leaves = [];
    private readonly List<Task<Hash32[]>> _slices = [];

    public int Count => _leaves.Count;

    public Transfer this[int index] => _leaves[index];

    public void Add(Transfer t)
    {
        _leaves.Add(t);
        if (_leaves.Count == (_slices.Count + 1) * Slice)
        {
            var slice = _leaves.GetRange(_slices.Count * Slice, Slice).ToArray();
            _slices.Add(Task.Run(() => LedgerLog.LeafHashes(slice)));
        }
    }

    /// <summary>Puts transfers before the ones already added (an upgrade's earlier transfers joining the first batch).</summary>
    public void Prepend(IReadOnlyList<Transfer> earlier)
    {
        var all = earlier.Concat(_leaves).ToList();
        Clear();
        foreach (var t in all)
        {
            Add(t);
        }
    }

    /// <summary>Forgets the transfers from <paramref name="count"/> on (a savepoint rolled back).</summary>
    public void Truncate(int count)
    {
        _leaves.RemoveRange(count, _leaves.Count - count);
        var keep = count / Slice;
        if (_slices.Count > keep)
        {
            // Hashes of undone transfers are dropped; their tasks only read copies and may finish on their own.
            _slices.RemoveRange(keep, _slices.Count - keep);
        }
    }

    public void Clear()
    {
        _leaves.Clear();
        _slices.Clear();
    }

    /// <summary>Every leaf hash, in order: the finished slices and the rest hashed now.</summary>
    public async ValueTask<Hash32[]> Hashes()
    {
        var hashes = new Hash32[_leaves.Count];
        for (var i = 0; i < _slices.Count; i++)
        {
            (await _slices[i]).CopyTo(hashes, i * Slice);
        }

        var done = _slices.Count * Slice;
        var rest = LedgerLog.LeafHashes(_leaves.GetRange(done, _leaves.Count - done));
        rest.CopyTo(hashes, done);
        return hashes;
    }
}
