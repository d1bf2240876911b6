using System.Security.Cryptography;
using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>The storage contract for portal accounts, recovery codes, the inbox and the key ring, on every backend.</summary>
public abstract class IdentityContractTests(IStoreBackend backend) : IAsyncLifetime
{
    protected ManualClock Clock { get; } = new();

    protected IStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await backend.Create(Clock);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    private async Task<PortalUser> NewUser(string email = "ava@example.com")
    {
        var holder = new Holder(HolderId.New(), "portal-" + Guid.NewGuid().ToString("N"), new PersonName("Ava Thompson"), "US", HolderStatus.Active, 0, Clock.GetUtcNow());
        var user = new PortalUser(PortalUserId.New(), holder.Id, new EmailAddress(email), email.ToUpperInvariant(), false, "hash-1", "stamp-1", "c-1",
            true, null, 0, false, null, null, Clock.GetUtcNow());
        await Write(async tx =>
        {
            await tx.InsertHolder(holder);
            await tx.InsertPortalUser(user);
        });
        return user;
    }

    private Task Write(Func<IStoreTx, ValueTask> work) => Store.WriteAsync(async tx =>
    {
        await work(tx);
        return 0;
    });

    private Task<PortalUser?> Get(PortalUserId id) => Store.ReadAsync(r => r.GetPortalUser(id));

    [Fact]
    public async Task InsertPortalUser_ThenFind_ReturnsSameFieldsByIdEmailAndHolder()
    {
        var u = await NewUser();
        Assert.Equal(u, await Get(u.Id));
        Assert.Equal(u, await Store.ReadAsync(r => r.FindPortalUserByEmail("AVA@EXAMPLE.COM")));
        Assert.Equal(u, await Store.ReadAsync(r => r.FindPortalUserByHolder(u.Holder)));
        Assert.Null(await Store.ReadAsync(r => r.FindPortalUserByEmail("ava@example.com")));
        Assert.Null(await Get(PortalUserId.New()));
    }

    [Fact]
    public async Task InsertPortalUser_SameNormalizedEmail_ThrowsAndKeepsFirst()
    {
        var first = await NewUser("kim@example.com");
        await Assert.ThrowsAnyAsync<Exception>(() => NewUser("kim@example.com"));
        Assert.Equal(first, await Store.ReadAsync(r => r.FindPortalUserByEmail("KIM@EXAMPLE.COM")));
    }

    [Fact]
    public async Task UpdatePortalUser_MatchingStamp_WritesProfileButNotCounters()
    {
        var u = await NewUser();
        await Write(async tx => await tx.IncrementAccessFailed(u.Id));
        var changed = u with
        {
            Email = new EmailAddress("new@example.com"), NormalizedEmail = "NEW@EXAMPLE.COM", EmailConfirmed = true, PasswordHash = "hash-2",
            SecurityStamp = "stamp-2", ConcurrencyStamp = "c-2", TwoFactorEnabled = true, ProtectedAuthenticatorKey = "protected-key",
            AccessFailedCount = 0, LockoutEnd = Clock.GetUtcNow().AddDays(1), LastTotpStep = 99,
        };
        Assert.True(await Store.WriteAsync(tx => tx.UpdatePortalUser(changed, "c-1")));
        var stored = await Get(u.Id);
        Assert.Equal(changed with { AccessFailedCount = 1, LockoutEnd = null, LastTotpStep = null }, stored);
    }

    [Fact]
    public async Task UpdatePortalUser_StaleStamp_WritesNothing()
    {
        var u = await NewUser();
        Assert.True(await Store.WriteAsync(tx => tx.UpdatePortalUser(u with { PasswordHash = "hash-2", ConcurrencyStamp = "c-2" }, "c-1")));
        Assert.False(await Store.WriteAsync(tx => tx.UpdatePortalUser(u with { PasswordHash = "hash-3", ConcurrencyStamp = "c-3" }, "c-1")));
        Assert.Equal("hash-2", (await Get(u.Id))!.PasswordHash);
    }

    [Fact]
    public async Task IncrementAccessFailed_Concurrent_CountsEveryFailure()
    {
        var u = await NewUser();
        var counts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.WriteAsync(tx => tx.IncrementAccessFailed(u.Id)))));
        Assert.Equal(Enumerable.Range(1, 20), counts.Order());
        Assert.Equal(20, (await Get(u.Id))!.AccessFailedCount);
        await Write(tx => tx.ResetAccessFailed(u.Id));
        Assert.Equal(0, (await Get(u.Id))!.AccessFailedCount);
        Assert.Equal(0, await Store.WriteAsync(tx => tx.IncrementAccessFailed(PortalUserId.New())));
    }

    [Fact]
    public async Task SetLockoutEnd_ThenClear_RoundTripsToTheMicrosecond()
    {
        var u = await NewUser();
        var end = new DateTimeOffset(2026, 11, 1, 9, 15, 0, TimeSpan.Zero).AddTicks(12_345_67);
        await Write(tx => tx.SetLockoutEnd(u.Id, end));
        Assert.Equal(end.AddTicks(-7), (await Get(u.Id))!.LockoutEnd);
        await Write(tx => tx.SetLockoutEnd(u.Id, null));
        Assert.Null((await Get(u.Id))!.LockoutEnd);
    }

    [Fact]
    public async Task TryAdvanceTotpStep_SameOrOlderStep_Refused()
    {
        var u = await NewUser();
        Assert.True(await Store.WriteAsync(tx => tx.TryAdvanceTotpStep(u.Id, 1000)));
        Assert.False(await Store.WriteAsync(tx => tx.TryAdvanceTotpStep(u.Id, 1000)));
        Assert.False(await Store.WriteAsync(tx => tx.TryAdvanceTotpStep(u.Id, 999)));
        Assert.True(await Store.WriteAsync(tx => tx.TryAdvanceTotpStep(u.Id, 1001)));
        Assert.Equal(1001, (await Get(u.Id))!.LastTotpStep);
    }

    [Fact]
    public async Task TryAdvanceTotpStep_ConcurrentSameStep_AcceptedOnce()
    {
        var u = await NewUser();
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Store.WriteAsync(tx => tx.TryAdvanceTotpStep(u.Id, 5000)))));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task RedeemRecoveryCode_EachCodeOnce_AndReplaceDropsOldCodes()
    {
        var u = await NewUser();
        var a = SHA256.HashData("code-a"u8);
        var b = SHA256.HashData("code-b"u8);
        await Write(tx => tx.ReplaceRecoveryCodes(u.Id, [a, b]));
        Assert.Equal(2, await Store.ReadAsync(r => r.CountRecoveryCodes(u.Id)));
        var redeemed = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => Store.WriteAsync(tx => tx.RedeemRecoveryCode(u.Id, a)))));
        Assert.Single(redeemed, r => r);
        Assert.Equal(1, await Store.ReadAsync(r => r.CountRecoveryCodes(u.Id)));
        var c = SHA256.HashData("code-c"u8);
        await Write(tx => tx.ReplaceRecoveryCodes(u.Id, [c]));
        Assert.False(await Store.WriteAsync(tx => tx.RedeemRecoveryCode(u.Id, b)));
        Assert.True(await Store.WriteAsync(tx => tx.RedeemRecoveryCode(u.Id, c)));
        Assert.Equal(0, await Store.ReadAsync(r => r.CountRecoveryCodes(u.Id)));
    }

    [Fact]
    public async Task RedeemRecoveryCode_OtherUsersCode_Refused()
    {
        var u = await NewUser("one@example.com");
        var v = await NewUser("two@example.com");
        var a = SHA256.HashData("code-a"u8);
        await Write(tx => tx.ReplaceRecoveryCodes(u.Id, [a]));
        Assert.False(await Store.WriteAsync(tx => tx.RedeemRecoveryCode(v.Id, a)));
        Assert.Equal(1, await Store.ReadAsync(r => r.CountRecoveryCodes(u.Id)));
    }

    [Fact]
    public async Task DeletePortalUser_RemovesAccountAndCodes_KeepsHolder()
    {
        var u = await NewUser();
        await Write(tx => tx.ReplaceRecoveryCodes(u.Id, [SHA256.HashData("x"u8)]));
        Assert.True(await Store.WriteAsync(tx => tx.DeletePortalUser(u.Id)));
        Assert.Null(await Get(u.Id));
        Assert.Equal(0, await Store.ReadAsync(r => r.CountRecoveryCodes(u.Id)));
        Assert.NotNull(await Store.ReadAsync(r => r.GetHolder(u.Holder)));
        Assert.False(await Store.WriteAsync(tx => tx.DeletePortalUser(u.Id)));
    }

    [Fact]
    public async Task ListInbox_NewestFirst_PagedAndPerHolder()
    {
        var u = await NewUser("one@example.com");
        var other = await NewUser("two@example.com");
        // Ids are UUIDv7: time-ordered to the millisecond, so ids made in one millisecond are sorted here to fix "newest".
        var ids = Enumerable.Range(0, 5).Select(_ => NotificationId.New()).OrderBy(n => n.Value).ToList();
        for (var i = 0; i < 5; i++)
        {
            var m = new InboxMessage(ids[i], u.Holder, "security.test", $"Subject {i}", $"Body {i}", Clock.GetUtcNow(), null);
            await Write(tx => tx.InsertInboxMessage(m));
        }

        await Write(tx => tx.InsertInboxMessage(new InboxMessage(NotificationId.New(), other.Holder, "security.test", "Other", "Other", Clock.GetUtcNow(), null)));
        var first = await Store.ReadAsync(r => r.ListInbox(u.Holder, null, 3));
        Assert.Equal(ids.AsEnumerable().Reverse().Take(3), first.Items.Select(m => m.Id));
        var second = await Store.ReadAsync(r => r.ListInbox(u.Holder, first.NextCursor, 3));
        Assert.Equal(ids.Take(2).Reverse(), second.Items.Select(m => m.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal("Body 4", first.Items[0].Body);
        Assert.Equal(5, await Store.ReadAsync(r => r.CountUnread(u.Holder)));
    }

    [Fact]
    public async Task MarkInboxRead_OwnMessageOnce_OtherHoldersRefused()
    {
        var u = await NewUser("one@example.com");
        var other = await NewUser("two@example.com");
        var m = new InboxMessage(NotificationId.New(), u.Holder, "security.test", "S", "B", Clock.GetUtcNow(), null);
        await Write(tx => tx.InsertInboxMessage(m));
        Assert.False(await Store.WriteAsync(tx => tx.MarkInboxRead(other.Holder, m.Id, Clock.GetUtcNow())));
        Assert.True(await Store.WriteAsync(tx => tx.MarkInboxRead(u.Holder, m.Id, Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.MarkInboxRead(u.Holder, m.Id, Clock.GetUtcNow())));
        Assert.Equal(0, await Store.ReadAsync(r => r.CountUnread(u.Holder)));
        Assert.Equal(Clock.GetUtcNow(), (await Store.ReadAsync(r => r.ListInbox(u.Holder, null, 1))).Items[0].ReadAt);
    }

    [Fact]
    public async Task InsertDataProtectionKey_SameNameTwice_KeepsFirst()
    {
        await Write(tx => tx.InsertDataProtectionKey(new StoredXmlKey("key-b", "<key id=\"b\"/>", Clock.GetUtcNow())));
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Write(tx => tx.InsertDataProtectionKey(new StoredXmlKey("key-a", "<key id=\"a\"/>", Clock.GetUtcNow())));
        await Write(tx => tx.InsertDataProtectionKey(new StoredXmlKey("key-b", "<key id=\"changed\"/>", Clock.GetUtcNow())));
        var keys = await Store.ReadAsync(r => r.ListDataProtectionKeys());
        Assert.Equal(["key-b", "key-a"], keys.Select(k => k.Name));
        Assert.Equal("<key id=\"b\"/>", keys[0].Xml);
    }

    [Fact]
    public void PortalUser_ToString_ShowsNoEmail()
    {
        var u = new PortalUser(PortalUserId.New(), HolderId.New(), new EmailAddress("secret.person@example.com"), "SECRET.PERSON@EXAMPLE.COM", false,
            "hash", "stamp", "c", true, null, 0, false, "key", null, Clock.GetUtcNow());
        Assert.DoesNotContain("secret", u.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", u.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", $"{u.Email}", StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class SqliteIdentityContractTests() : IdentityContractTests(new SqliteBackend());
public sealed class PostgresIdentityContractTests() : IdentityContractTests(new PostgresBackend());
