using SmallChange.Adapters.Storage;

namespace SmallChange.Adapters.Tests.Storage;

public sealed class MigrationSetTests
{
    [Fact]
    public void Load_BothBackends_SameNumbersAndNames()
    {
        var sqlite = Migration.Load("Sqlite").Select(m => (m.Version, m.Name)).ToList();
        var postgres = Migration.Load("Postgres").Select(m => (m.Version, m.Name)).ToList();
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgres);
    }

    [Fact]
    public void Load_UnknownBackend_FindsNothing()
    {
        Assert.Empty(Migration.Load("Oracle"));
    }
}
