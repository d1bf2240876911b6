using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so every acknowledged
/// commit is on disk. Writes are serialised (SQLite has one writer) through one connection with
/// <c>BEGIN IMMEDIATE</c>; reads use pooled connections and see the last committed state.
/// The in-process gate only avoids busy-waiting; correctness rests on SQLite's write lock, conditional
/// updates and constraints.
/// </summary>
public sealed partial class SqliteStore : IStore, IPersonalDataStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TimeProvider _clock;
    private SqliteConnection? _writer;
    private SqliteTx? _writerTx;

    /// <summary>
    /// Open read connections with their prepared statements, reused across reads: preparing the statements of a read
    /// afresh each time (the AML history's among them) cost more than running them (bench decide, docs/performance.md).
    /// </summary>
    private readonly ConcurrentBag<(SqliteConnection Conn, SqliteTx Tx)> _readers = [];

    private const int MaxPooledReaders = 16;

    private readonly bool _logEnabled;

    private SqliteStore(string connectionString, TimeProvider clock, bool logEnabled, PersonalData personalData)
    {
        _connectionString = connectionString;
        _clock = clock;
        _logEnabled = logEnabled;
        PersonalData = personalData;
    }

    /// <summary>How personal data is sealed in this database (docs/privacy.md).</summary>
    public PersonalData PersonalData { get; }

    public string Backend => "sqlite";

    /// <summary>How much of the database file each read connection maps (SQLite's <c>mmap_size</c>; beyond it, reads use pread).</summary>
    private const long ReaderMmapBytes = 1L << 30;

    /// <summary>Opens (creating if needed) the database at a file path or a SQLite connection string.</summary>
    /// <remarks>
    /// <paramref name="log"/> false leaves the verifiable log out: only for measuring what the log costs (bench ingest).
    /// Without <paramref name="personalData"/> the key ring comes from <see cref="PiiKeyFile"/> (by default
    /// <c>&lt;db&gt;.pii-keys.json</c>, created if missing).
    /// </remarks>
    public static SqliteStore Open(string pathOrConnectionString, TimeProvider? clock = null, bool log = true, PersonalData? personalData = null)
    {
        var builder = pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = true;
        builder.DefaultTimeout = 30;
        var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        clock ??= TimeProvider.System;
        personalData ??= PiiKeyFile.For(pathOrConnectionString, null, clock.GetUtcNow());
        return new SqliteStore(builder.ToString(), clock, log, personalData);
    }

    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct = default)
    {
        var done = new List<int>();
        await _writeGate.WaitAsync(ct);
        try
        {
            var conn = Writer();
            Exec(conn, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            var applied = new HashSet<int>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT version FROM schema_migrations";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    applied.Add(r.GetInt32(0));
                }
            }

            foreach (var m in Migration.Load("Sqlite"))
            {
                if (applied.Contains(m.Version))
                {
                    continue;
                }

                using var tx = conn.BeginTransaction(deferred: false);
                using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = m.Sql;
                    cmd.ExecuteNonQuery();
                    cmd.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
                    cmd.Parameters.AddWithValue("$v", m.Version);
                    cmd.Parameters.AddWithValue("$n", m.Name);
                    cmd.Parameters.AddWithValue("$t", SqlTime.ToMicros(_clock.GetUtcNow()));
                    cmd.ExecuteNonQuery();
                }

                tx.Commit();
                done.Add(m.Version);
            }

            // Statements prepared against the old schema are stale now.
            _writerTx?.Dispose();
            _writerTx = null;
            DropReaders();
        }
        finally
        {
            _writeGate.Release();
        }

        await SealOnFirstOpen(ct);
        return done;
    }

    public async Task<T> WriteAsync<T>(Func<IStoreTx, ValueTask<T>> work, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var conn = Writer();
            _writerTx ??= new SqliteTx(conn, PersonalData) { LogEnabled = _logEnabled };
            using var tx = conn.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock now.
            try
            {
                _writerTx.BeginWrite(tx);
                var result = await work(_writerTx);
                await _writerTx.AppendLog(_clock.GetUtcNow());
                tx.Commit();
                return result;
            }
            catch
            {
                _writerTx.RolledBack();
                tx.Rollback();
                throw;
            }
            finally
            {
                _writerTx.End();
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<T> ReadAsync<T>(Func<IStoreReader, ValueTask<T>> work, CancellationToken ct = default)
    {
        if (!_readers.TryTake(out var reader))
        {
            var conn = new SqliteConnection(_connectionString);
            conn.Open();
            Exec(conn, "PRAGMA busy_timeout = 30000");
            // Readers map the database file instead of copying each page they miss out of the kernel with pread (a copy
            // per page per connection was an eighth of a cash-out decision's CPU, bench decide). Pages still in the WAL are
            // read as before; the mapping is address space, shared with the kernel's page cache, not memory per reader.
            Exec(conn, $"PRAGMA mmap_size = {ReaderMmapBytes}");
            reader = (conn, new SqliteTx(conn, PersonalData));
        }

        var reuse = false;
        try
        {
            using var tx = reader.Conn.BeginTransaction(deferred: true); // one consistent snapshot for the whole read
            reader.Tx.Begin(tx);
            var result = await work(reader.Tx);
            tx.Commit();
            reuse = true;
            return result;
        }
        finally
        {
            reader.Tx.End();
            if (reuse && _readers.Count < MaxPooledReaders)
            {
                _readers.Add(reader);
            }
            else
            {
                reader.Tx.Dispose();
                reader.Conn.Dispose();
            }
        }
    }

    private void DropReaders()
    {
        while (_readers.TryTake(out var reader))
        {
            reader.Tx.Dispose();
            reader.Conn.Dispose();
        }
    }

    /// <summary>
    /// Checks the per-account transfer chains from the stored data (see 0001_ledger.sql): every transfer links to
    /// the previous transfer of each of its two accounts, and every account's <c>last_seq</c> names its newest.
    /// Returns the first violation, or null. The port's verifier checks balances; this checks the chains that
    /// listings walk.
    /// </summary>
    public Task<string?> VerifyChains(CancellationToken ct = default) => ReadAsync(r => ValueTask.FromResult(((SqliteTx)r).VerifyChains(ct)), ct);

    public ValueTask DisposeAsync()
    {
        DropReaders();
        _writerTx?.Dispose();
        _writer?.Dispose();
        _writeGate.Dispose();
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    private SqliteConnection Writer()
    {
        if (_writer is null)
        {
            var conn = new SqliteConnection(_connectionString);
            conn.Open();
            // WAL: readers do not block the writer. synchronous=FULL: the WAL is fsynced at every commit (durable).
            Exec(conn, "PRAGMA journal_mode = WAL");
            Exec(conn, "PRAGMA synchronous = FULL");
            Exec(conn, "PRAGMA foreign_keys = ON");
            Exec(conn, "PRAGMA busy_timeout = 30000");
            Exec(conn, "PRAGMA cache_size = -65536");
            _writer = conn;
        }

        return _writer;
    }

    internal static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Reads one pragma value as a read connection sees it (for tests and diagnostics).</summary>
    public Task<string> ReaderPragma(string name) =>
        ReadAsync(r => ValueTask.FromResult(((SqliteTx)r).Pragma(name)));

    /// <summary>Reads one pragma value (for tests and diagnostics).</summary>
    public async Task<string> Pragma(string name)
    {
        await _writeGate.WaitAsync();
        try
        {
            using var cmd = Writer().CreateCommand();
            cmd.CommandText = $"PRAGMA {name}";
            return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
