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

    /// <summary>Every value of one column as stored (raw SQL, text), for checking what is at rest.</summary>
    Task<List<string?>> RawColumn(IStore store, string sql);

    /// <summary>Another store on the same database (another process or node), migrated, optionally with another key ring.</summary>
    Task<IStore> Reopen(IStore store, TimeProvider clock, SmallChange.Adapters.Storage.PersonalData? personalData = null);
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

    public async Task<List<string?>> RawColumn(IStore store, string sql)
    {
        await using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_paths[store]};Pooling=False");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        var list = new List<string?>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(r.IsDBNull(0) ? null : r.GetValue(0) is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return list;
    }

    public async Task<IStore> Reopen(IStore store, TimeProvider clock, SmallChange.Adapters.Storage.PersonalData? personalData = null)
    {
        var other = SqliteStore.Open(_paths[store], clock, personalData: personalData);
        _paths[other] = _paths[store];
        await other.MigrateAsync();
        return other;
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

    public async Task<List<string?>> RawColumn(IStore store, string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(_schemas[store]);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        var list = new List<string?>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(r.IsDBNull(0) ? null : r.GetValue(0) is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return list;
    }

    public async Task<IStore> Reopen(IStore store, TimeProvider clock, SmallChange.Adapters.Storage.PersonalData? personalData = null)
    {
        var other = PostgresStore.Open(_schemas[store], clock, personalData: personalData);
        _schemas[other] = _schemas[store];
        await other.MigrateAsync();
        return other;
    }
}
