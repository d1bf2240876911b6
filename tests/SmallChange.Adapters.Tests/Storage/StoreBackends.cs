using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>Creates a fresh, migrated store per test on one backend.</summary>
public interface IStoreBackend
{
    string Name { get; }

    Task<IStore> Create(TimeProvider clock);
}

public sealed class SqliteBackend : IStoreBackend
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "smallchange-tests");

    public string Name => "sqlite";

    public async Task<IStore> Create(TimeProvider clock)
    {
        Directory.CreateDirectory(Root);
        var store = SqliteStore.Open(Path.Combine(Root, $"{Guid.NewGuid():N}.db"), clock);
        await store.MigrateAsync();
        return store;
    }
}

/// <summary>A fresh schema per store on the test server (see <see cref="SmallChange.Testing.TestPostgres"/>).</summary>
public sealed class PostgresBackend : IStoreBackend
{
    public string Name => "postgres";

    public async Task<IStore> Create(TimeProvider clock)
    {
        var store = PostgresStore.Open(await SmallChange.Testing.TestPostgres.NewSchema(), clock);
        await store.MigrateAsync();
        return store;
    }
}
