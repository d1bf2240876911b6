using Npgsql;
using SmallChange.Core.Audit;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// The verifiable log (0004_log.sql). Transfers inserted by this transaction are collected as they are written;
/// <see cref="AppendLog"/> runs right before the commit: it locks log_head (so every node appends in one order),
/// assigns the next leaf indexes, and stores the batch and the completed subtrees.
/// </summary>
internal sealed partial class PostgresTx
{
    private readonly LeafPipeline _logged = new();

    /// <summary>Whether this store appends to the log (off only for the benchmark that measures what the log costs).</summary>
    public bool LogEnabled { get; init; } = true;

    private void Logged(Transfer t)
    {
        if (LogEnabled)
        {
            _logged.Add(t);
        }
    }

    /// <summary>
    /// Appends this transaction's transfers. <paramref name="cache"/> is the store's frontier from its last append; it is
    /// used only if it still matches the newest batch (size and root) read under the lock, else rebuilt from the database.
    /// Returns the frontier to keep (valid only if the transaction then commits).
    /// </summary>
    internal async ValueTask<MerkleFrontier?> AppendLog(MerkleFrontier? cache, DateTimeOffset now)
    {
        if (_logged.Count == 0)
        {
            return cache;
        }

        var size = (long)(await One(r => (object)r.GetInt64(0), "SELECT tree_size FROM log_head WHERE id = 1 FOR UPDATE"))!;
        var last = await LastLogBatch();
        Require((last?.TreeSize ?? 0) == size, "the log head and the last batch disagree");
        var frontier = cache is not null && cache.Size == size && cache.Root() == (last?.Root ?? Merkle.EmptyRoot)
            ? cache
            : await LedgerLog.Restore(this);
        var (batch, nodes) = LedgerLog.Append(frontier, await _logged.Hashes(), now);

        // The leaves as runs of consecutive sequence numbers (see 0004_log.sql).
        var (firsts, froms, tos) = (new List<long>(), new List<long>(), new List<long>());
        for (var i = 0; i < _logged.Count; i++)
        {
            var seq = _logged[i].Sequence;
            if (i > 0 && seq == tos[^1] + 1)
            {
                tos[^1] = seq;
            }
            else
            {
                firsts.Add(batch.FirstIndex + i);
                froms.Add(seq);
                tos.Add(seq);
            }
        }

        await Exec("INSERT INTO log_ranges (first_idx, seq_from, seq_to) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])",
            firsts.ToArray(), froms.ToArray(), tos.ToArray());
        if (nodes.Count > 0)
        {
            await Exec("INSERT INTO log_nodes (level, idx, hash) SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bytea[])",
                nodes.Select(n => n.Level).ToArray(), nodes.Select(n => n.Index).ToArray(), nodes.Select(n => n.Hash.Bytes.ToArray()).ToArray());
        }

        await Exec("INSERT INTO log_batches (tree_size, first_index, root, committed_at) VALUES ($1, $2, $3, $4)",
            batch.TreeSize, batch.FirstIndex, batch.Root.Bytes.ToArray(), Ts(batch.CommittedAt));
        await Exec("UPDATE log_head SET tree_size = $1 WHERE id = 1", batch.TreeSize);
        _logged.Clear();
        return frontier;
    }

    // ---- reads -----------------------------------------------------------------------------------

    private static LogBatch ReadBatch(NpgsqlDataReader r) =>
        new(r.GetInt64(1), r.GetInt64(0), new Hash32(r.GetFieldValue<byte[]>(2)), Time(r, 3));

    public async ValueTask<LogBatch?> LastLogBatch() =>
        await One(ReadBatch, "SELECT tree_size, first_index, root, committed_at FROM log_batches ORDER BY tree_size DESC LIMIT 1");

    public async ValueTask<IReadOnlyDictionary<(int Level, long Index), Hash32>> GetLogNodes(IReadOnlyCollection<(int Level, long Index)> keys)
    {
        var found = new Dictionary<(int, long), Hash32>();
        if (keys.Count > 0)
        {
            foreach (var (level, index, hash) in await Many(r => (r.GetInt32(0), r.GetInt64(1), new Hash32(r.GetFieldValue<byte[]>(2))),
                         "SELECT n.level, n.idx, n.hash FROM unnest($1::integer[], $2::bigint[]) AS k(level, idx) JOIN log_nodes n ON n.level = k.level AND n.idx = k.idx",
                         keys.Select(k => k.Level).ToArray(), keys.Select(k => k.Index).ToArray()))
            {
                found[(level, index)] = hash;
            }
        }

        return found;
    }

    private const string LeafIndex = "g.first_idx + (t.seq - g.seq_from)";

    public async ValueTask<IReadOnlyList<Transfer>> LogLeaves(long from, int count) =>
        await Many(ReadTransfer,
            $"SELECT {Prefixed("t.")} FROM log_ranges g JOIN transfers t ON t.seq BETWEEN g.seq_from AND g.seq_to " +
            $"WHERE g.first_idx < $2 AND g.first_idx + (g.seq_to - g.seq_from) >= $1 AND {LeafIndex} >= $1 AND {LeafIndex} < $2 ORDER BY {LeafIndex}",
            from, from + count);

    public async ValueTask<long?> LeafIndexOf(TransferId id)
    {
        var found = await One(r => (object)r.GetInt64(0),
            $"SELECT {LeafIndex} FROM transfers t JOIN LATERAL (SELECT * FROM log_ranges WHERE seq_from <= t.seq ORDER BY seq_from DESC LIMIT 1) g ON t.seq <= g.seq_to WHERE t.id = $1",
            id.Value);
        return found is long index ? index : null;
    }

    public async IAsyncEnumerable<(long Index, Transfer? Transfer)> AllLogLeaves()
    {
        // A transfer removed from inside a run leaves a gap in the indexes, which the verifier names.
        await using var cmd = Cmd($"SELECT {Prefixed("t.")}, {LeafIndex} FROM log_ranges g JOIN transfers t ON t.seq BETWEEN g.seq_from AND g.seq_to ORDER BY g.first_idx, t.seq");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            yield return (r.GetInt64(13), ReadTransfer(r));
        }
    }

    public async IAsyncEnumerable<LogBatch> AllLogBatches()
    {
        await using var cmd = Cmd("SELECT tree_size, first_index, root, committed_at FROM log_batches ORDER BY tree_size");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            yield return ReadBatch(r);
        }
    }

    public async IAsyncEnumerable<LogNode> AllLogNodes()
    {
        await using var cmd = Cmd("SELECT level, idx, hash FROM log_nodes");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            yield return new LogNode(r.GetInt32(0), r.GetInt64(1), new Hash32(r.GetFieldValue<byte[]>(2)));
        }
    }

    public async ValueTask<long> TransferCount() => (long)(await One(r => (object)r.GetInt64(0), "SELECT count(*) FROM transfers"))!;

    private static Checkpoint ReadCheckpoint(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), new Hash32(r.GetFieldValue<byte[]>(2)), Time(r, 3), r.GetString(4), r.GetFieldValue<byte[]>(5));

    public async ValueTask<Checkpoint?> LatestCheckpoint() =>
        await One(ReadCheckpoint, $"SELECT {CheckpointColumns} FROM log_checkpoints ORDER BY tree_size DESC, signed_at DESC LIMIT 1");

    public async IAsyncEnumerable<Checkpoint> AllCheckpoints()
    {
        await using var cmd = Cmd($"SELECT {CheckpointColumns} FROM log_checkpoints ORDER BY signed_at, tree_size");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            yield return ReadCheckpoint(r);
        }
    }

    public async ValueTask<IReadOnlyList<LogKey>> LogKeys() =>
        await Many(r => new LogKey(r.GetString(0), r.GetString(1), Time(r, 2)), "SELECT key_id, public_pem, created_at FROM log_keys ORDER BY created_at, key_id");

    // ---- writes ----------------------------------------------------------------------------------

    public async ValueTask InsertCheckpoint(Checkpoint c) =>
        await Exec($"INSERT INTO log_checkpoints ({CheckpointColumns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            c.Origin, c.TreeSize, c.Root.Bytes.ToArray(), Ts(c.Timestamp), c.KeyId, c.Signature);

    public async ValueTask InsertLogKey(LogKey key) =>
        await Exec("INSERT INTO log_keys (key_id, public_pem, created_at) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING",
            key.KeyId, key.PublicPem, Ts(key.CreatedAt));

    private static string Prefixed(string prefix) => string.Join(", ", TransferColumns.Split(", ").Select(c => prefix + c));
}
