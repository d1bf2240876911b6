using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>Creates a fresh, migrated store per test on one backend.</summary>
public interface IStoreBackend
{
    string Name { get; }

    Task<IStore> Create(TimeProvider clock);

    /// <summary>Runs raw SQL against the store's database with the append-only rules switched off: a tamperer's view.</summary>
    Task Tamper(IStore store, string sql);
}

public sealed class SqliteBackend : IStoreBackend
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "smallchange-tests");

    public string Name => "sqlite";

    private readonly Dictionary<IStore, string> _paths = [];

    public async Task<IStore> Create(TimeProvider clock)
    {
        Directory.CreateDirectory(Root);
        var path = Path.Combine(Root, $"{Guid.NewGuid():N}.db");
        var store = SqliteStore.Open(path, clock);
        await store.MigrateAsync();
        _paths[store] = path;
        return store;
    }

    public async Task Tamper(IStore store, string sql)
    {
        await using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_paths[store]};Pooling=False");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        // SQLite cannot switch triggers off: drop the ones that guard the ledger and the log.
        var drops = new List<string>();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger'";
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                drops.Add($"DROP TRIGGER {r.GetString(0)};");
            }
        }

        cmd.CommandText = string.Join("\n", drops) + "\n" + sql;
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>A fresh schema per store on the test server (see <see cref="SmallChange.Testing.TestPostgres"/>).</summary>
public sealed class PostgresBackend : IStoreBackend
{
    public string Name => "postgres";

    private readonly Dictionary<IStore, string> _schemas = [];

    public async Task<IStore> Create(TimeProvider clock)
    {
        var cs = await SmallChange.Testing.TestPostgres.NewSchema();
        var store = PostgresStore.Open(cs, clock);
        await store.MigrateAsync();
        _schemas[store] = cs;
        return store;
    }

    public async Task Tamper(IStore store, string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(_schemas[store]);
        await conn.OpenAsync();
        // As a superuser: replica mode skips the triggers that keep the ledger and the log append-only.
        await using var cmd = new Npgsql.NpgsqlCommand("SET session_replication_role = replica; " + sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
