using System.Data;
using Npgsql;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// The production store: PostgreSQL through one <see cref="NpgsqlDataSource"/> (the only connection factory),
/// safe with several <c>smallchange serve</c> nodes on one database. Nothing here relies on an in-process lock:
/// <list type="bullet">
/// <item>writes run at READ COMMITTED; balance rules are conditional updates that PostgreSQL re-checks on the
/// newest row version after waiting for a concurrent writer, plus CHECK constraints;</item>
/// <item>rows that must not race are locked in the database (<c>FOR UPDATE</c> on accounts in id order for credit
/// batches, on the holder before limit checks, <c>FOR UPDATE SKIP LOCKED</c> when claiming the outbox);</item>
/// <item>a work delegate that fails with a serialization failure (40001), a deadlock (40P01), a unique violation
/// from a concurrent insert of the same key (23505) or a lost connection is rolled back and run again from the
/// start (<see cref="PostgresRetry"/>). Every write is idempotent by id or key, so a commit whose outcome was lost
/// with the connection is safe to re-run: the replay finds the first run's rows.</item>
/// </list>
/// Reads run in a REPEATABLE READ transaction: one consistent snapshot for the whole read.
/// </summary>
public sealed partial class PostgresStore : IStore, IPersonalDataStore
{
    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _clock;
    private readonly PostgresRetry _retry;
    private readonly bool _logEnabled;

    /// <summary>The log's frontier after this store's last append (checked against the database before each use).</summary>
    private volatile Core.Audit.MerkleFrontier? _frontier;

    private PostgresStore(NpgsqlDataSource source, TimeProvider clock, PostgresRetry retry, bool logEnabled, PersonalData personalData)
    {
        _source = source;
        _clock = clock;
        _retry = retry;
        _logEnabled = logEnabled;
        PersonalData = personalData;
    }

    /// <summary>How personal data is sealed in this database (docs/privacy.md).</summary>
    public PersonalData PersonalData { get; }

    public string Backend => "postgres";

    /// <summary>The server and database, without credentials (for logs and diagnostics).</summary>
    public string Description { get; private init; } = "";

    /// <summary>The connection settings in effect, the store's defaults applied, without the password.</summary>
    public NpgsqlConnectionStringBuilder Settings { get; private init; } = new();

    /// <summary>
    /// Opens a store on a keyword or URI connection string (see <see cref="PostgresConnectionString"/>). Nothing
    /// connects until the first use. <paramref name="retryBudget"/> bounds how long a write keeps retrying while
    /// the database is unreachable (for example during a failover) before the error reaches the caller.
    /// </summary>
    /// <remarks>
    /// <paramref name="log"/> false leaves the verifiable log out: only for measuring what the log costs (bench ingest).
    /// Without <paramref name="personalData"/> the key ring comes from <see cref="PiiKeyFile"/> (<c>SMALLCHANGE_PII_KEY_FILE</c>;
    /// PostgreSQL has no default file).
    /// </remarks>
    public static PostgresStore Open(string connectionString, TimeProvider? clock = null, TimeSpan? retryBudget = null, bool log = true, PersonalData? personalData = null,
        bool requireSynchronousStandby = false)
    {
        var b = PostgresConnectionString.Parse(connectionString);
        // NpgsqlConnectionStringBuilder.ContainsKey says whether a keyword exists, not whether it was given: a setting
        // still at Npgsql's default is taken as not given.
        if (b.MaxAutoPrepare == 0)
        {
            // Statements repeat: let Npgsql prepare the most used ones on each connection.
            b.MaxAutoPrepare = 64;
        }

        if (b.Timeout == 15)
        {
            b.Timeout = 5;
        }

        if (b.HostRecheckSeconds == 10)
        {
            // How long Npgsql trusts what it learnt about a host (primary, standby, down). Its default of 10 s was most
            // of the outage clients saw in a failover (scripts/ha-test.sh: 10.5 s gap with 10, 2.8 s with 1).
            b.HostRecheckSeconds = 1;
        }

        if (string.IsNullOrEmpty(b.ApplicationName))
        {
            b.ApplicationName = "smallchange";
        }

        if (!b.NoResetOnClose)
        {
            // The store keeps no session state on a connection (no SET, LISTEN, temp tables or held advisory locks once a
            // call returns), so the reset Npgsql sends when a connection goes back to its pool (DISCARD ALL, or with
            // prepared statements seven statements) is a round trip for nothing: under single-credit load it was 1 in 8
            // statements the server ran (pg_stat_statements).
            b.NoResetOnClose = true;
        }

        clock ??= TimeProvider.System;
        personalData ??= PiiKeyFile.For(connectionString, null, clock.GetUtcNow());
        var ds = Build(b);
        var description = Describe(b);
        return new PostgresStore(ds, clock, new PostgresRetry(retryBudget ?? TimeSpan.FromSeconds(30), description), log, personalData)
        {
            Description = description,
            Settings = new NpgsqlConnectionStringBuilder(b.ConnectionString) { Password = null },
            RequireSynchronousStandby = requireSynchronousStandby,
        };
    }

    /// <summary>
    /// Acknowledge a write only when a synchronous standby is known to have it (docs/operations.md, "Durability"): after
    /// each write's commit the store asks, on the same connection, whether the primary still names a synchronous
    /// standby, and watches for the server's warning that a wait for the standby was cancelled; either way, it throws
    /// <see cref="WriteUnconfirmedException"/> instead of returning (the commit stands; callers retry idempotently).
    /// </summary>
    public bool RequireSynchronousStandby { get; private init; }

    /// <summary>
    /// The data source. With <c>Target Session Attributes</c> (for example read-write: only the primary of a replicated
    /// pair) Npgsql needs its multi-host data source, which also accepts a single host.
    /// </summary>
    private static NpgsqlDataSource Build(NpgsqlConnectionStringBuilder b)
    {
        try
        {
            var tsa = b.TargetSessionAttributes;
            if (string.IsNullOrEmpty(tsa) || tsa.Equals("any", StringComparison.OrdinalIgnoreCase))
            {
                return new NpgsqlDataSourceBuilder(b.ConnectionString).Build();
            }

            var target = tsa.ToLowerInvariant() switch
            {
                "read-write" => TargetSessionAttributes.ReadWrite,
                "read-only" => TargetSessionAttributes.ReadOnly,
                "primary" => TargetSessionAttributes.Primary,
                "standby" => TargetSessionAttributes.Standby,
                "prefer-primary" => TargetSessionAttributes.PreferPrimary,
                "prefer-standby" => TargetSessionAttributes.PreferStandby,
                _ => throw new ArgumentException($"The PostgreSQL connection string has an unknown Target Session Attributes value '{tsa}'."),
            };
            var withoutTarget = new NpgsqlConnectionStringBuilder(b.ConnectionString) { TargetSessionAttributes = null };
            return new NpgsqlDataSourceBuilder(withoutTarget.ConnectionString).BuildMultiHost().WithTargetSession(target);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            throw new ArgumentException("The PostgreSQL connection string is not usable: " + e.Message);
        }
    }

    /// <summary>"postgres host[,host…]/database" from a connection string, without credentials.</summary>
    public static string Describe(string connectionString) => Describe(PostgresConnectionString.Parse(connectionString));

    private static string Describe(NpgsqlConnectionStringBuilder b) =>
        $"postgres {b.Host}{(b.Port != NpgsqlConnection.DefaultPort && !(b.Host ?? "").Contains(',') ? ":" + b.Port : "")}/{b.Database ?? b.Username}";

    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct = default)
    {
        var migrated = await _retry.Run(async () =>
        {
            await using var conn = await _source.OpenConnectionAsync(ct);
            // One node migrates at a time (per schema); the others wait and then find nothing to do.
            await Exec(conn, "SELECT pg_advisory_lock(hashtext('smallchange.migrate.' || current_schema()))", ct);
            try
            {
                await Exec(conn, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)", ct);
                var applied = new HashSet<int>();
                await using (var cmd = new NpgsqlCommand("SELECT version FROM schema_migrations", conn))
                await using (var r = await cmd.ExecuteReaderAsync(ct))
                {
                    while (await r.ReadAsync(ct))
                    {
                        applied.Add(r.GetInt32(0));
                    }
                }

                var done = new List<int>();
                foreach (var m in Migration.Load("Postgres"))
                {
                    if (applied.Contains(m.Version))
                    {
                        continue;
                    }

                    await using var tx = await conn.BeginTransactionAsync(ct);
                    await using (var cmd = new NpgsqlCommand(m.Sql, conn, tx))
                    {
                        await cmd.ExecuteNonQueryAsync(ct);
                    }

                    await using (var cmd = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", conn, tx))
                    {
                        cmd.Parameters.Add(new NpgsqlParameter { Value = m.Version });
                        cmd.Parameters.Add(new NpgsqlParameter { Value = m.Name });
                        cmd.Parameters.Add(new NpgsqlParameter { Value = PostgresTx.Ts(_clock.GetUtcNow()) });
                        await cmd.ExecuteNonQueryAsync(ct);
                    }

                    await tx.CommitAsync(ct);
                    done.Add(m.Version);
                }

                return (IReadOnlyList<int>)done;
            }
            finally
            {
                try
                {
                    await Exec(conn, "SELECT pg_advisory_unlock(hashtext('smallchange.migrate.' || current_schema()))", CancellationToken.None);
                }
                catch (NpgsqlException)
                {
                    // Pooled connections are not reset (No Reset On Close): a connection that may still hold the lock must
                    // not go back to the pool. A broken connection has lost the lock with its session anyway.
                    NpgsqlConnection.ClearPool(conn);
                    throw;
                }
            }
        }, _source, ct);
        await SealOnFirstOpen(ct);
        return migrated;
    }

    public Task<T> WriteAsync<T>(Func<IStoreTx, ValueTask<T>> work, CancellationToken ct = default) =>
        _retry.Run(async () =>
        {
            await using var conn = await _source.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            var stx = new PostgresTx(conn, tx, _clock, PersonalData) { LogEnabled = _logEnabled };
            try
            {
                var result = await work(stx);
                var frontier = await stx.AppendLog(_frontier, _clock.GetUtcNow());
                if (!RequireSynchronousStandby)
                {
                    await tx.CommitAsync(ct);
                    _frontier = frontier;
                    return result;
                }

                var cancelledWait = false;
                void OnNotice(object? sender, NpgsqlNoticeEventArgs e) =>
                    cancelledWait |= e.Notice.SqlState == "01000" && e.Notice.MessageText.Contains("synchronous replication", StringComparison.Ordinal);
                conn.Notice += OnNotice;
                try
                {
                    await tx.CommitAsync(ct);
                }
                finally
                {
                    conn.Notice -= OnNotice;
                }

                _frontier = frontier;
                await ConfirmSynchronous(conn, cancelledWait);
                return result;
            }
            catch
            {
                // The frontier may have been advanced by an append that did not commit.
                _frontier = null;
                throw;
            }
        }, _source, ct);

    public Task<T> ReadAsync<T>(Func<IStoreReader, ValueTask<T>> work, CancellationToken ct = default) =>
        _retry.Run(async () =>
        {
            await using var conn = await _source.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var result = await work(new PostgresTx(conn, tx, _clock, PersonalData));
            await tx.CommitAsync(ct);
            return result;
        }, _source, ct);

    /// <summary>
    /// After a commit: a configuration reload that emptied <c>synchronous_standby_names</c> releases the commits waiting
    /// for the standby without a word, and the backend applies the reload before its next statement — so the setting
    /// read right after the commit is empty whenever the commit could have been released that way.
    /// </summary>
    private async Task ConfirmSynchronous(NpgsqlConnection conn, bool cancelledWait)
    {
        if (cancelledWait)
        {
            throw new WriteUnconfirmedException($"{Description}: the wait for the synchronous standby was cancelled; the commit is local only until the standby catches up.");
        }

        await using var cmd = new NpgsqlCommand("SELECT current_setting('synchronous_standby_names'), current_setting('synchronous_commit')", conn);
        await using var r = await cmd.ExecuteReaderAsync(CancellationToken.None);
        await r.ReadAsync(CancellationToken.None);
        var (names, level) = (r.GetString(0), r.GetString(1));
        if (string.IsNullOrWhiteSpace(names) || level is "off" or "local")
        {
            throw new WriteUnconfirmedException($"{Description}: the primary has no synchronous standby (synchronous_standby_names is empty or synchronous_commit is {level}); the commit is local only.");
        }
    }

    /// <summary>Runs one statement outside the store's transactions (tests and tools: creating a schema, reading a setting).</summary>
    public async Task<string?> Scalar(string sql, CancellationToken ct = default)
    {
        await using var conn = await _source.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToString(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
