using System.Data.Common;
using System.Net;
using Microsoft.Data.Sqlite;
using Npgsql;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>
/// Someone who can run SQL with the application's rights (a bug, a stolen connection string): the database itself
/// refuses to change or remove ledger history, on both databases. (Someone who can switch the triggers off is caught by
/// <c>smallchange verify</c> and the Merkle log: see the <c>Verify_*</c> tamper tests of the storage contract.)
/// </summary>
public sealed class DatabaseTamperTests
{
    private static async Task<DbConnection> Open(ApiFixture api)
    {
        DbConnection c = api.Backend == "postgres" ? new NpgsqlConnection(api.Db) : new SqliteConnection($"Data Source={api.Db};Pooling=False");
        await c.OpenAsync();
        return c;
    }

    [Theory]
    [InlineData("sqlite", "UPDATE transfers SET amount = amount + 1")]
    [InlineData("sqlite", "DELETE FROM transfers")]
    [InlineData("postgres", "UPDATE transfers SET amount = amount + 1")]
    [InlineData("postgres", "DELETE FROM transfers")]
    [InlineData("postgres", "TRUNCATE transfers")]
    [InlineData("postgres", "DELETE FROM accounts")]
    public async Task LedgerHistory_ChangedBySql_RefusedByTheDatabase(string backend, string sql)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        using (var r = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = "t1", holder_id = holder, amount = "1.00", currency = "USD" })))
        {
            await Json.Expect(r, HttpStatusCode.Created);
        }

        var before = await api.Snapshot();
        await using (var c = await Open(api))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            var ex = await Assert.ThrowsAnyAsync<DbException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Matches("append-only|never deleted", ex.Message);
        }

        await api.AssertNothingWritten(before);
    }
}
