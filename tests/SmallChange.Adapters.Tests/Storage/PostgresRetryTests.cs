using System.Net.Sockets;
using Npgsql;
using SmallChange.Adapters.Storage.Postgres;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>Which failures re-run a transaction as a lost connection (classified by type and SQLSTATE, never by message).</summary>
public sealed class PostgresRetryTests
{
    [Fact]
    public void IsConnectionLoss_NoWritableHostDuringFailover_Retried()
    {
        // Npgsql's multi-host data source when every host is offline or read-only: a bare exception, no SQLSTATE.
        Assert.True(PostgresRetry.IsConnectionLoss(new NpgsqlException("No suitable host was found.")));
        Assert.True(PostgresRetry.IsConnectionLoss(new NpgsqlException("Unable to connect", new AggregateException(new SocketException((int)SocketError.ConnectionRefused)))));
        Assert.True(PostgresRetry.IsConnectionLoss(new IOException("stream ended")));
    }

    [Fact]
    public void IsConnectionLoss_StatementErrors_NotRetriedAsConnectionLoss()
    {
        Assert.False(PostgresRetry.IsConnectionLoss(new InvalidOperationException("a bug")));
        Assert.False(PostgresRetry.IsConnectionLoss(new NpgsqlException("Unable to connect", new AggregateException(new InvalidOperationException("a bug")))));
    }
}
