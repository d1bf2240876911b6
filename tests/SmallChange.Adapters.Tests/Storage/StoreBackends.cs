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
