using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Ports;

namespace SmallChange.Hosting;

/// <summary>Chooses the store from <c>--db</c>: a file path or SQLite connection string.</summary>
public static class StoreFactory
{
    public const string DefaultDb = "smallchange.db";

    public static IStore Open(string db, TimeProvider clock)
    {
        if (db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || db.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreConfigurationException("This build stores data in SQLite only; PostgreSQL support is not part of it yet. Pass a file path to --db.");
        }

        return SqliteStore.Open(db, clock);
    }
}

/// <summary>A --db value this build cannot use; the CLI prints the message and exits 2.</summary>
public sealed class StoreConfigurationException(string message) : Exception(message);
