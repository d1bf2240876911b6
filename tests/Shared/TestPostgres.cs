using Npgsql;

namespace SmallChange.Testing;

/// <summary>
/// The PostgreSQL the tests use: <c>./test.sh</c> starts a throwaway server and exports its connection string as
/// <c>SMALLCHANGE_TEST_POSTGRES</c>. Each test gets its own schema (its own objects, nothing shared to reset).
/// Linked into each test project that needs it.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "SMALLCHANGE_TEST_POSTGRES";

    /// <summary>
    /// PostgreSQL has no default personal-data key file (docs/privacy.md): every store the tests open, and every
    /// <c>smallchange</c> process they start, reads the ring from <c>SMALLCHANGE_PII_KEY_FILE</c>. <c>./test.sh</c> sets it
    /// for the whole run; otherwise each test process gets a fresh file of its own (created on first use).
    /// </summary>
#pragma warning disable CA2255 // a test assembly's setup, not a library's
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void UsePersonalDataKeyFile()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SMALLCHANGE_PII_KEY_FILE")))
        {
            var dir = Path.Combine(Path.GetTempPath(), "smallchange-test-pii-" + Guid.NewGuid().ToString("N"));
            Environment.SetEnvironmentVariable("SMALLCHANGE_PII_KEY_FILE", Path.Combine(dir, "pii-keys.json"));
        }
    }

    public static string BaseConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException($"PostgreSQL tests need a server: run ./test.sh (it starts one) or set {Variable} to a connection string.");

    // Schemas older than this are dropped by the next test process: no test run lasts that long (CI allows 20 minutes).
    private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);
    private static int _started;

    /// <summary>
    /// Creates an empty schema and returns a connection string whose search path is that schema. The name carries its
    /// creation time (<c>PREFIX_yyyyMMddHHmm_random</c>) and the first schema of each test process drops those older than an
    /// hour, so a long-lived development server does not pile up thousands of schemas (every table adds catalog rows, and
    /// Npgsql's type loading on each new data source slowed down with them until connections timed out). test.sh's server
    /// is thrown away after the run, so there the drop finds nothing.
    /// </summary>
    public static async Task<string> NewSchema(string prefix = "t")
    {
        var name = $"{prefix}_{DateTime.UtcNow:yyyyMMddHHmm}_{Guid.NewGuid():N}";
        await using (var conn = new NpgsqlConnection(BaseConnectionString))
        {
            await conn.OpenAsync();
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                await DropStale(conn);
            }

            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(BaseConnectionString) { SearchPath = name }.ConnectionString;
    }

    private static async Task DropStale(NpgsqlConnection conn)
    {
        var stale = new List<string>();
        var cutoff = DateTime.UtcNow - StaleAfter;
        await using (var list = new NpgsqlCommand("SELECT nspname FROM pg_namespace WHERE nspname ~ '^[a-z]+_[0-9]{12}_[0-9a-f]{32}$'", conn))
        await using (var r = await list.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                var name = r.GetString(0);
                var stamp = name.Split('_')[1];
                if (DateTime.TryParseExact(stamp, "yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at) && at < cutoff)
                {
                    stale.Add(name);
                }
            }
        }

        foreach (var name in stale)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {name} CASCADE", conn);
                await drop.ExecuteNonQueryAsync();
            }
            catch (PostgresException)
            {
                // Another test process dropped it first, or it is in use: the next process tries again.
            }
        }
    }
}
