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

    /// <summary>Creates an empty schema and returns a connection string whose search path is that schema.</summary>
    public static async Task<string> NewSchema(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var conn = new NpgsqlConnection(BaseConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(BaseConnectionString) { SearchPath = name }.ConnectionString;
    }
}
