using System.Security.Cryptography;
using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>The storage contract for API keys (lookup, listing, rotation, revocation), on every backend.</summary>
public abstract class ApiKeyContractTests(IStoreBackend backend) : IAsyncLifetime
{
    protected ManualClock Clock { get; } = new();

    protected IStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await backend.Create(Clock);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    private async Task<ApiKeyRecord> Insert(ApiKeyRecord k)
    {
        await Store.WriteAsync(async tx =>
        {
            await tx.InsertApiKey(k);
            return 0;
        });
        return k;
    }

    private Task<ApiKeyRecord?> Find(string id) => Store.ReadAsync(r => r.FindApiKey(id));

    [Fact]
    public async Task InsertApiKey_ThenFind_ReturnsEveryField()
    {
        var source = ApiKeys.Issue(ApiKeyScope.Source, SourceId.New(), "source key", Clock.GetUtcNow()).Record;
        var readOnly = ApiKeys.Issue(ApiKeyScope.Operator, null, "auditor", Clock.GetUtcNow(), ApiKeyAccess.ReadOnly).Record with
        {
            PreviousSecretHash = RandomNumberGenerator.GetBytes(32), PreviousValidUntil = Clock.GetUtcNow().AddHours(1), RotatedAt = Clock.GetUtcNow(),
        };
        await Insert(source);
        await Insert(readOnly);

        Assert.Equal(source, await Find(source.KeyId));
        Assert.Equal(readOnly, await Find(readOnly.KeyId));
        Assert.Equal(ApiKeyAccess.ReadOnly, (await Find(readOnly.KeyId))!.Access);
        Assert.Null(await Find("0000000000000000"));
    }

    [Fact]
    public async Task RotateApiKey_Active_NewHashCurrentOldHashPreviousUntilGrace()
    {
        var key = await Insert(ApiKeys.Issue(ApiKeyScope.Operator, null, "op", Clock.GetUtcNow()).Record);
        var (_, hash) = ApiKeys.NewSecretFor(key.KeyId);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var until = Clock.GetUtcNow().AddHours(24);

        var rotated = await Store.WriteAsync(tx => tx.RotateApiKey(key.KeyId, hash, until, Clock.GetUtcNow()));

        var expected = key with { SecretHash = hash, PreviousSecretHash = key.SecretHash, PreviousValidUntil = until, RotatedAt = Clock.GetUtcNow() };
        Assert.Equal(expected, rotated);
        Assert.Equal(expected, await Find(key.KeyId));
    }

    [Fact]
    public async Task RotateApiKey_Twice_FirstSecretDroppedSecondIsPrevious()
    {
        var key = await Insert(ApiKeys.Issue(ApiKeyScope.Operator, null, "op", Clock.GetUtcNow()).Record);
        var (_, second) = ApiKeys.NewSecretFor(key.KeyId);
        var (_, third) = ApiKeys.NewSecretFor(key.KeyId);
        await Store.WriteAsync(tx => tx.RotateApiKey(key.KeyId, second, Clock.GetUtcNow().AddDays(1), Clock.GetUtcNow()));
        var again = await Store.WriteAsync(tx => tx.RotateApiKey(key.KeyId, third, Clock.GetUtcNow().AddMinutes(5), Clock.GetUtcNow()));

        Assert.Equal(third, again!.SecretHash);
        Assert.Equal(second, again.PreviousSecretHash);
        Assert.Equal(Clock.GetUtcNow().AddMinutes(5), again.PreviousValidUntil);
    }

    [Fact]
    public async Task RotateApiKey_RevokedOrUnknown_ReturnsNullAndChangesNothing()
    {
        var key = await Insert(ApiKeys.Issue(ApiKeyScope.Operator, null, "op", Clock.GetUtcNow()).Record);
        Assert.True(await Store.WriteAsync(tx => tx.RevokeApiKey(key.KeyId, Clock.GetUtcNow())));
        var (_, hash) = ApiKeys.NewSecretFor(key.KeyId);

        Assert.Null(await Store.WriteAsync(tx => tx.RotateApiKey(key.KeyId, hash, Clock.GetUtcNow().AddDays(1), Clock.GetUtcNow())));
        Assert.Null(await Store.WriteAsync(tx => tx.RotateApiKey("ffffffffffffffff", hash, Clock.GetUtcNow().AddDays(1), Clock.GetUtcNow())));
        Assert.Equal(key with { RevokedAt = Clock.GetUtcNow() }, await Find(key.KeyId));
    }

    [Fact]
    public async Task RevokeApiKey_Twice_SecondReturnsFalseAndKeepsFirstTime()
    {
        var key = await Insert(ApiKeys.Issue(ApiKeyScope.Source, SourceId.New(), "s", Clock.GetUtcNow()).Record);
        var first = Clock.GetUtcNow();
        Assert.True(await Store.WriteAsync(tx => tx.RevokeApiKey(key.KeyId, first)));
        Clock.Advance(TimeSpan.FromHours(1));

        Assert.False(await Store.WriteAsync(tx => tx.RevokeApiKey(key.KeyId, Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.RevokeApiKey("ffffffffffffffff", Clock.GetUtcNow())));
        Assert.Equal(first, (await Find(key.KeyId))!.RevokedAt);
    }

    [Fact]
    public async Task ListApiKeys_ThreePagesOfTwo_EveryKeyOnceInKeyIdOrder()
    {
        var keys = new List<ApiKeyRecord>();
        for (var i = 0; i < 5; i++)
        {
            keys.Add(await Insert(ApiKeys.Issue(ApiKeyScope.Operator, null, $"k{i}", Clock.GetUtcNow()).Record));
        }

        var seen = new List<ApiKeyRecord>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.ReadAsync(r => r.ListApiKeys(cursor, 2));
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(keys.OrderBy(k => k.KeyId, StringComparer.Ordinal), seen);
    }
}

public sealed class SqliteApiKeyContractTests() : ApiKeyContractTests(new SqliteBackend());
public sealed class PostgresApiKeyContractTests() : ApiKeyContractTests(new PostgresBackend());
