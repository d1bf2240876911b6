using Npgsql;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// When a failed transaction is run again, classified by SQLSTATE (never by message text):
/// <list type="bullet">
/// <item>40001 serialization failure and 40P01 deadlock: the database chose this transaction as the loser; run it
/// again at once (with a little jitter), up to <see cref="MaxConflictAttempts"/> times;</item>
/// <item>23505 unique violation: a concurrent transaction inserted the same key first; the re-run finds its row and
/// answers as a replay. A few attempts only: a unique violation that repeats is a bug and must surface;</item>
/// <item>a lost or refused connection, a server shutting down (57P01, 57P02, 57P03), a read-only server
/// (25006: the node was demoted by a failover), or no writable primary among the hosts of a multi-host string
/// (Npgsql's bare <see cref="NpgsqlException"/> during a failover, see <see cref="IsConnectionLoss"/>): the pool is
/// cleared and the work re-run with backoff until
/// <see cref="Budget"/> has passed, then <see cref="StoreUnavailableException"/>. Every write is idempotent, so
/// re-running a commit whose outcome was lost is safe.</item>
/// </list>
/// </summary>
public sealed class PostgresRetry(TimeSpan budget, string server)
{
    /// <summary>Hosts and database, for messages (never credentials).</summary>
    public string Server { get; } = server;

    public const int MaxConflictAttempts = 30;
    public const int MaxUniqueAttempts = 4;

    public TimeSpan Budget { get; } = budget;

    /// <summary>How many transactions were re-run, by cause (diagnostics and tests).</summary>
    public long Conflicts => _conflicts;

    public long Reconnects => _reconnects;

    private long _conflicts;
    private long _reconnects;

    public async Task<T> Run<T>(Func<Task<T>> attempt, NpgsqlDataSource source, CancellationToken ct)
    {
        var conflicts = 0;
        var uniques = 0;
        var started = Environment.TickCount64;
        var backoff = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (PostgresException e) when (!ct.IsCancellationRequested && e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                                              && ++conflicts < MaxConflictAttempts)
            {
                Interlocked.Increment(ref _conflicts);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (conflicts * 2))), ct);
            }
            catch (PostgresException e) when (!ct.IsCancellationRequested && e.SqlState == PostgresErrorCodes.UniqueViolation && ++uniques < MaxUniqueAttempts)
            {
                Interlocked.Increment(ref _conflicts);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && IsConnectionLoss(e))
            {
                if (TimeSpan.FromMilliseconds(Environment.TickCount64 - started) >= Budget)
                {
                    throw new StoreUnavailableException(
                        $"PostgreSQL ({Server}) could not be reached as a writable primary for {Budget.TotalSeconds:0} s: {Describe(e)}", e);
                }

                Interlocked.Increment(ref _reconnects);
                // Pooled connections may point at a server that is gone or no longer primary.
                source.Clear();
                await Task.Delay(backoff, ct);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 1000));
            }
        }
    }

    /// <summary>The kind of failure, without anything a message might carry from a request.</summary>
    private static string Describe(Exception e) => e switch
    {
        PostgresException p => $"SQLSTATE {p.SqlState}",
        System.Net.Sockets.SocketException s => s.SocketErrorCode.ToString(),
        NpgsqlException { InnerException: null } n when n.GetType() == typeof(NpgsqlException) => "every host offline or read-only",
        _ when e.InnerException is { } inner => Describe(inner),
        _ => e.GetType().Name,
    };

    /// <summary>Whether the failure is the connection or the server's role rather than this transaction's content.</summary>
    public static bool IsConnectionLoss(Exception e) => e switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        // Npgsql's multi-host data source (Target Session Attributes=read-write) when no host is a writable primary:
        // the failures of every host in an AggregateException when none could be reached, or a bare NpgsqlException
        // (no SQLSTATE, no inner cause: "No suitable host was found.") when the hosts answered, or are remembered for
        // Host Recheck Seconds, as standby or offline: the window of a failover. Neither is marked transient.
        NpgsqlException { InnerException: AggregateException a } => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsConnectionLoss),
        NpgsqlException { InnerException: null } n when n.GetType() == typeof(NpgsqlException) => true,
        NpgsqlException n => n.IsTransient,
        System.Net.Sockets.SocketException or IOException or TimeoutException => true,
        _ => e.InnerException is { } inner && IsConnectionLoss(inner),
    };
}
