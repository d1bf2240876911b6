using Npgsql;
using SmallChange.Tests.Support;
using SmallChange.Testing;

namespace SmallChange.Tests.Executable;

/// <summary>The operator verbs against PostgreSQL, run as the real executable.</summary>
public sealed class PostgresCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Migrate_PostgresKeywordStringTwice_AppliesThenUpToDateAndVerifies()
    {
        using var dir = new TempDir("pgcli");
        var db = await TestPostgres.NewSchema("cli");

        var first = await SmallChangeExe.Run(dir.Path, Timeout, "migrate", "--db", db);
        var second = await SmallChangeExe.Run(dir.Path, Timeout, "migrate", "--db", db);
        var verify = await SmallChangeExe.Run(dir.Path, Timeout, "verify", "--db", db);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"Applied migrations: {string.Join(", ", SmallChange.Adapters.Storage.Migration.Load("Postgres").Select(m => m.Version))}", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("up to date", second.Stdout, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Migrate_PostgresUri_UsesTheNamedServerAndSchema()
    {
        using var dir = new TempDir("pgcli");
        var keyword = new NpgsqlConnectionStringBuilder(await TestPostgres.NewSchema("uri"));
        var uri = $"postgres://{Uri.EscapeDataString(keyword.Username!)}@{keyword.Host}:{keyword.Port}/{keyword.Database}?search_path={keyword.SearchPath}&target_session_attrs=read-write";

        var result = await SmallChangeExe.Run(dir.Path, Timeout, "migrate", "--db", uri);

        Assert.True(result.ExitCode == 0, result.ToString());
        await using var conn = new NpgsqlConnection(keyword.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM schema_migrations", conn);
        Assert.Equal((long)SmallChange.Adapters.Storage.Migration.Load("Postgres").Count, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_PostgresUnreachable_ExitsThreeNamingServerNeverPassword()
    {
        using var dir = new TempDir("pgcli");
        var port = SmallChangeExe.FreePort(); // nothing listens there
        const string Planted = "pl4nted-s3cret";
        var db = $"Host=127.0.0.1;Port={port};Username=postgres;Password={Planted};Database=nowhere;Timeout=2";

        var result = await SmallChangeExe.RunWith(new Dictionary<string, string> { ["SMALLCHANGE_DB_RETRY_SECONDS"] = "1" }, dir.Path, Timeout, "migrate", "--db", db);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains($"127.0.0.1:{port}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Planted, result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_PostgresMalformedString_ExitsTwoWithReason()
    {
        using var dir = new TempDir("pgcli");

        var result = await SmallChangeExe.Run(dir.Path, Timeout, "migrate", "--db", "postgres://user@127.0.0.1:notaport/db");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("port", result.Stderr, StringComparison.Ordinal);
    }
}
