using Npgsql;
using SmallChange.Adapters.Storage.Postgres;

namespace SmallChange.Adapters.Tests.Storage;

public sealed class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("postgres://u@h/db", true)]
    [InlineData("postgresql://u@h/db", true)]
    [InlineData("Host=h;Database=db", true)]
    [InlineData("smallchange.db", false)]
    [InlineData("Data Source=x.db", false)]
    public void IsPostgres_Forms_Recognised(string db, bool expected) => Assert.Equal(expected, PostgresConnectionString.IsPostgres(db));

    [Fact]
    public void Parse_MultiHostUri_KeepsHostsPortsAndTargetSession()
    {
        var b = PostgresConnectionString.Parse("postgres://app:p%40ss%3Bw@10.0.0.1:5432,10.0.0.2:5433/ledger?target_session_attrs=read-write&sslmode=disable");

        Assert.Equal("10.0.0.1:5432,10.0.0.2:5433", b.Host);
        Assert.Equal("ledger", b.Database);
        Assert.Equal("app", b.Username);
        Assert.Equal("p@ss;w", b.Password);
        Assert.Equal("read-write", b.TargetSessionAttributes, ignoreCase: true);
        Assert.Equal(SslMode.Disable, b.SslMode);
    }

    [Fact]
    public void Parse_KeywordMultiHost_Accepted()
    {
        var b = PostgresConnectionString.Parse("Host=a:5432,b:5432;Database=ledger;Target Session Attributes=read-write");

        Assert.Equal("a:5432,b:5432", b.Host);
        Assert.Equal("read-write", b.TargetSessionAttributes, ignoreCase: true);
    }

    [Theory]
    [InlineData("postgres:///db")]
    [InlineData("postgres://u@h:port/db")]
    [InlineData("postgres://u@h/db?no_such_setting=1")]
    [InlineData("Host=;Database=x")]
    public void Parse_Invalid_ThrowsNamingProblemWithoutPassword(string db)
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresConnectionString.Parse(db));
        Assert.StartsWith("The PostgreSQL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_WithPassword_NeverShowsIt()
    {
        var text = PostgresStore.Describe("postgres://app:hunter2@db1:6432,db2:6432/ledger");

        Assert.Equal("postgres db1:6432,db2:6432/ledger", text);
    }
}

public sealed class PostgresStoreDefaultsTests
{
    [Fact]
    public async Task Open_NoHostRecheckGiven_OneSecondAndGivenValuesKept()
    {
        await using var defaults = PostgresStore.Open("Host=a,b;Database=x;Target Session Attributes=read-write");
        await using var given = PostgresStore.Open("Host=a,b;Database=x;Host Recheck Seconds=30;Timeout=9");

        Assert.Equal(1, defaults.Settings.HostRecheckSeconds);
        Assert.Equal(5, defaults.Settings.Timeout);
        Assert.Equal(30, given.Settings.HostRecheckSeconds);
        Assert.Equal(9, given.Settings.Timeout);
    }
}
