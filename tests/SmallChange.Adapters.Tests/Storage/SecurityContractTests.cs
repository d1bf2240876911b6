using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>The storage contract for destination cooling-off, the activity log, known devices and step-up grants, on every backend.</summary>
public abstract class SecurityContractTests(IStoreBackend backend) : IAsyncLifetime
{
    protected ManualClock Clock { get; } = new();

    protected IStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await backend.Create(Clock);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    private DateTimeOffset Now => Clock.GetUtcNow();

    private Task Write(Func<IStoreTx, ValueTask> work) => Store.WriteAsync(async tx =>
    {
        await work(tx);
        return 0;
    });

    private async Task<Holder> NewHolder()
    {
        var holder = new Holder(HolderId.New(), "sec-" + Guid.NewGuid().ToString("N"), new PersonName("Ava Thompson"), "US", HolderStatus.Active, 1, Now);
        await Write(tx => tx.InsertHolder(holder));
        return holder;
    }

    private async Task<PortalUser> NewUser()
    {
        var holder = await NewHolder();
        var email = $"u{Guid.NewGuid():N}@example.com";
        var user = new PortalUser(PortalUserId.New(), holder.Id, new EmailAddress(email), email.ToUpperInvariant(), false, "hash", "stamp", "c",
            true, null, 0, true, null, null, Now);
        await Write(tx => tx.InsertPortalUser(user));
        return user;
    }

    /// <summary>A destination and its state, usable after <paramref name="cooling"/>.</summary>
    private async Task<DestinationState> NewDestination(HolderId holder, TimeSpan cooling)
    {
        var d = new Destination(DestinationId.New(), holder, DestinationKind.BankAccount, "us_ach", "US", Currencies.USD, "•••• 6789", "fp-" + Guid.NewGuid().ToString("N"),
            "021000021:123456789", null, "Ava Thompson", null, null, Now);
        var state = new DestinationState(d.Id, holder, Now + cooling, null, null);
        await Write(async tx =>
        {
            await tx.InsertDestination(d);
            await tx.InsertDestinationState(state);
        });
        return state;
    }

    [Fact]
    public async Task InsertDestinationState_ThenGetAndList_SameFields()
    {
        var holder = await NewHolder();
        var a = await NewDestination(holder.Id, TimeSpan.FromHours(24));
        var b = await NewDestination(holder.Id, TimeSpan.Zero);
        var other = await NewDestination((await NewHolder()).Id, TimeSpan.Zero);

        Assert.Equal(a, await Store.ReadAsync(r => r.GetDestinationState(a.Destination)));
        Assert.Null(await Store.ReadAsync(r => r.GetDestinationState(DestinationId.New())));
        var list = await Store.ReadAsync(r => r.ListDestinationStates(holder.Id));
        Assert.Equal(new[] { a, b }.OrderBy(s => s.Destination.Value), list.OrderBy(s => s.Destination.Value));
        Assert.DoesNotContain(other, list);
    }

    [Fact]
    public async Task CancelDestination_OnceByItsHolder_SecondTimeAndOtherHolderChangeNothing()
    {
        var holder = await NewHolder();
        var s = await NewDestination(holder.Id, TimeSpan.FromHours(24));

        Assert.False(await Store.WriteAsync(tx => tx.CancelDestination(s.Destination, HolderId.New(), Now)));
        Assert.Null((await Store.ReadAsync(r => r.GetDestinationState(s.Destination)))!.CancelledAt);

        var at = Now;
        Assert.True(await Store.WriteAsync(tx => tx.CancelDestination(s.Destination, holder.Id, at)));
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await Store.WriteAsync(tx => tx.CancelDestination(s.Destination, holder.Id, Now)));
        var stored = await Store.ReadAsync(r => r.GetDestinationState(s.Destination));
        Assert.Equal(at, stored!.CancelledAt);
        Assert.Equal(DestinationStatus.Cancelled, stored.StatusAt(Now + TimeSpan.FromDays(2)));
    }

    [Fact]
    public async Task ActivateDueDestinations_OnlyDueAndNotCancelled_EachOnce()
    {
        var holder = await NewHolder();
        var due = await NewDestination(holder.Id, TimeSpan.FromHours(1));
        var later = await NewDestination(holder.Id, TimeSpan.FromHours(3));
        var cancelled = await NewDestination(holder.Id, TimeSpan.FromHours(1));
        await Store.WriteAsync(tx => tx.CancelDestination(cancelled.Destination, holder.Id, Now));

        Assert.Empty(await Store.WriteAsync(tx => tx.ActivateDueDestinations(Now, 100)));
        Clock.Advance(TimeSpan.FromHours(2));
        var first = await Store.WriteAsync(tx => tx.ActivateDueDestinations(Now, 100));
        var again = await Store.WriteAsync(tx => tx.ActivateDueDestinations(Now, 100));

        Assert.Equal([due.Destination], first.Select(s => s.Destination));
        Assert.Equal(Now, first[0].ActivatedAt);
        Assert.Empty(again);
        Assert.Equal(Now, (await Store.ReadAsync(r => r.GetDestinationState(due.Destination)))!.ActivatedAt);
        Assert.Null((await Store.ReadAsync(r => r.GetDestinationState(later.Destination)))!.ActivatedAt);
        Assert.Null((await Store.ReadAsync(r => r.GetDestinationState(cancelled.Destination)))!.ActivatedAt);
    }

    [Fact]
    public async Task ActivateDueDestinations_Limit_TakesOldestFirstAndTheRestNextTime()
    {
        var holder = await NewHolder();
        var states = new List<DestinationState>();
        for (var i = 0; i < 3; i++)
        {
            states.Add(await NewDestination(holder.Id, TimeSpan.FromMinutes(10 - i)));
        }

        Clock.Advance(TimeSpan.FromHours(1));
        var first = await Store.WriteAsync(tx => tx.ActivateDueDestinations(Now, 2));
        var second = await Store.WriteAsync(tx => tx.ActivateDueDestinations(Now, 2));
        Assert.Equal([states[2].Destination, states[1].Destination], first.Select(s => s.Destination));
        Assert.Equal([states[0].Destination], second.Select(s => s.Destination));
    }

    [Fact]
    public async Task ListActivity_NewestFirstPagedAndPerHolder()
    {
        var holder = await NewHolder();
        var other = await NewHolder();
        var entries = new List<ActivityEntry>();
        for (var i = 0; i < 5; i++)
        {
            var e = new ActivityEntry(ActivityId.New(Now), holder.Id, ActivityKinds.SignIn, Now, "203.0.113.7", "Firefox on Linux", i % 2 == 0 ? null : $"detail {i} ' ; DROP TABLE activity; --");
            entries.Add(e);
            await Write(tx => tx.InsertActivity(e));
            Clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        await Write(tx => tx.InsertActivity(new ActivityEntry(ActivityId.New(Now), other.Id, ActivityKinds.SignIn, Now, null, null, null)));

        var page1 = await Store.ReadAsync(r => r.ListActivity(holder.Id, null, 3));
        var page2 = await Store.ReadAsync(r => r.ListActivity(holder.Id, page1.NextCursor, 3));
        Assert.Equal(entries.AsEnumerable().Reverse().Take(3), page1.Items);
        Assert.Equal(entries.Take(2).Reverse(), page2.Items);
        Assert.NotNull(page1.NextCursor);
        Assert.Null(page2.NextCursor);
    }

    [Fact]
    public async Task RememberDevice_FirstTimeTrueThenFalse_PerAccount()
    {
        var user = await NewUser();
        var other = await NewUser();
        var fp = System.Security.Cryptography.SHA256.HashData("device-1"u8);

        Assert.False(await Store.ReadAsync(r => r.IsKnownDevice(user.Id, fp)));
        Assert.True(await Store.WriteAsync(tx => tx.RememberDevice(user.Id, fp, Now)));
        Assert.False(await Store.WriteAsync(tx => tx.RememberDevice(user.Id, fp, Now + TimeSpan.FromHours(1))));
        Assert.True(await Store.ReadAsync(r => r.IsKnownDevice(user.Id, fp)));
        Assert.False(await Store.ReadAsync(r => r.IsKnownDevice(other.Id, fp)));
        Assert.True(await Store.WriteAsync(tx => tx.RememberDevice(other.Id, fp, Now)));
    }

    [Fact]
    public async Task GrantStepUp_ThenGet_PerSessionAndAccountAndExtends()
    {
        var user = await NewUser();
        var other = await NewUser();
        var session = System.Security.Cryptography.SHA256.HashData("session-1"u8);

        Assert.Null(await Store.ReadAsync(r => r.GetStepUp(session, user.Id)));
        await Write(tx => tx.GrantStepUp(session, user.Id, Now + TimeSpan.FromMinutes(5), Now));
        Assert.Equal(Now + TimeSpan.FromMinutes(5), await Store.ReadAsync(r => r.GetStepUp(session, user.Id)));
        Assert.Null(await Store.ReadAsync(r => r.GetStepUp(session, other.Id)));
        Assert.Null(await Store.ReadAsync(r => r.GetStepUp(System.Security.Cryptography.SHA256.HashData("session-2"u8), user.Id)));

        // Another account cannot take over a session's grant.
        await Write(tx => tx.GrantStepUp(session, other.Id, Now + TimeSpan.FromHours(1), Now));
        Assert.Null(await Store.ReadAsync(r => r.GetStepUp(session, other.Id)));

        Clock.Advance(TimeSpan.FromMinutes(3));
        await Write(tx => tx.GrantStepUp(session, user.Id, Now + TimeSpan.FromMinutes(5), Now));
        Assert.Equal(Now + TimeSpan.FromMinutes(5), await Store.ReadAsync(r => r.GetStepUp(session, user.Id)));
    }

    [Fact]
    public async Task GrantStepUp_ExpiredGrantsOfTheAccount_Deleted()
    {
        var user = await NewUser();
        var old = System.Security.Cryptography.SHA256.HashData("old-session"u8);
        await Write(tx => tx.GrantStepUp(old, user.Id, Now + TimeSpan.FromMinutes(5), Now));
        Clock.Advance(TimeSpan.FromMinutes(10));
        await Write(tx => tx.GrantStepUp(System.Security.Cryptography.SHA256.HashData("new-session"u8), user.Id, Now + TimeSpan.FromMinutes(5), Now));
        Assert.Null(await Store.ReadAsync(r => r.GetStepUp(old, user.Id)));
    }
}

public sealed class SqliteSecurityContractTests() : SecurityContractTests(new SqliteBackend());

public sealed class PostgresSecurityContractTests() : SecurityContractTests(new PostgresBackend());
