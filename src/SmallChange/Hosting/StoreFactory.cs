using SmallChange.Adapters.Storage;
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

    /// <param name="piiKeys">The personal-data key ring file (<c>--pii-keys</c>); see <see cref="PiiKeyFile.PathFor"/> for the default.</param>
    public static IStore Open(string db, TimeProvider clock, string? piiKeys = null)
    {
        PersonalData personalData;
        try
        {
            personalData = PiiKeyFile.For(db, piiKeys, clock.GetUtcNow());
        }
        catch (PiiKeyFileException e)
        {
            throw new StoreConfigurationException(e.Message);
        }

        if (PostgresConnectionString.IsPostgres(db))
        {
            try
            {
                return PostgresStore.Open(db, clock, RetryBudget(), personalData: personalData, requireSynchronousStandby: RequireSynchronousStandby());
            }
            catch (ArgumentException e)
            {
                throw new StoreConfigurationException(e.Message);
            }
        }

        return SqliteStore.Open(db, clock, personalData: personalData);
    }

    /// <summary>
    /// How long a PostgreSQL store keeps retrying while the database is unreachable or has no writable primary (a
    /// failover): <c>SMALLCHANGE_DB_RETRY_SECONDS</c>, default 30, at most 600.
    /// </summary>
    public static TimeSpan RetryBudget()
    {
        var text = Environment.GetEnvironmentVariable("SMALLCHANGE_DB_RETRY_SECONDS");
        if (string.IsNullOrEmpty(text))
        {
            return TimeSpan.FromSeconds(30);
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds is < 0 or > 600)
        {
            throw new StoreConfigurationException("SMALLCHANGE_DB_RETRY_SECONDS must be a number of seconds from 0 to 600.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// Whether a PostgreSQL store acknowledges only writes a synchronous standby has (<c>SMALLCHANGE_DB_REQUIRE_SYNC_STANDBY</c>
    /// = <c>1</c>/<c>true</c>; default off): see <see cref="PostgresStore.RequireSynchronousStandby"/> and docs/operations.md.
    /// </summary>
    public static bool RequireSynchronousStandby() => Environment.GetEnvironmentVariable("SMALLCHANGE_DB_REQUIRE_SYNC_STANDBY") switch
    {
        null or "" or "0" or "false" => false,
        "1" or "true" => true,
        _ => throw new StoreConfigurationException("SMALLCHANGE_DB_REQUIRE_SYNC_STANDBY must be 1, true, 0 or false."),
    };

    /// <summary>What <c>--db</c> names, fit for a console or log line: never a password.</summary>
    public static string Describe(string db)
    {
        if (!PostgresConnectionString.IsPostgres(db))
        {
            return db.Contains('=', StringComparison.Ordinal) ? "sqlite (connection string)" : $"sqlite {db}";
        }

        try
        {
            return PostgresStore.Describe(db);
        }
        catch (ArgumentException)
        {
            return "postgres (unparsable connection string)";
        }
    }
}

/// <summary>A --db value this build cannot use; the CLI prints the message and exits 2.</summary>
public sealed class StoreConfigurationException(string message) : Exception(message);
