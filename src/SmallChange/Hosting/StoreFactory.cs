using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Ports;

namespace SmallChange.Hosting;

/// <summary>
/// Chooses the store from <c>--db</c>: a PostgreSQL connection string (<c>postgres://…</c>, <c>postgresql://…</c>
/// or keywords with <c>Host=</c>, including several hosts with <c>Target Session Attributes=read-write</c>), else a
/// SQLite file path or connection string.
/// </summary>
public static class StoreFactory
{
    public const string DefaultDb = "smallchange.db";

    public static IStore Open(string db, TimeProvider clock)
    {
        if (PostgresConnectionString.IsPostgres(db))
        {
            try
            {
                return PostgresStore.Open(db, clock);
            }
            catch (ArgumentException e)
            {
                throw new StoreConfigurationException(e.Message);
            }
        }

        return SqliteStore.Open(db, clock);
    }
}

/// <summary>A --db value this build cannot use; the CLI prints the message and exits 2.</summary>
public sealed class StoreConfigurationException(string message) : Exception(message);
