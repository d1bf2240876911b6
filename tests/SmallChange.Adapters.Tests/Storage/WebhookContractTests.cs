using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Webhooks;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>The storage contract for webhooks (endpoints, the event outbox, provider secrets, received ids, sandbox callbacks), on every backend.</summary>
public abstract class WebhookContractTests(IStoreBackend backend) : IAsyncLifetime
{
    protected ManualClock Clock { get; } = new();

    protected IStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await backend.Create(Clock);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    private Task Write(Func<IStoreTx, ValueTask> work) => Store.WriteAsync(async tx =>
    {
        await work(tx);
        return 0;
    });

    private async Task<WebhookEndpoint> Endpoint(params string[] events)
    {
        var e = new WebhookEndpoint(WebhookEndpointId.New(), "https://hooks.example/" + Guid.NewGuid().ToString("N"), events, "protected-secret", null, null,
            "desc", Clock.GetUtcNow(), null);
        await Write(tx => tx.InsertWebhookEndpoint(e));
        return e;
    }

    private WebhookEvent Event(string type = WebhookEventTypes.CashoutPaid) =>
        new(WebhookEventId.New(), type, "{\"x\":1}", Clock.GetUtcNow());

    private Task<int> Enqueue(WebhookEvent e) => Store.WriteAsync(tx => tx.EnqueueWebhookEvent(e, Clock.GetUtcNow()));

    private Task<IReadOnlyList<WebhookDeliveryClaim>> Claim(int limit = 100) =>
        Store.WriteAsync(tx => tx.ClaimWebhookDeliveries(Clock.GetUtcNow(), TimeSpan.FromSeconds(60), limit));

    [Fact]
    public async Task InsertWebhookEndpoint_ThenGetAndList_SameFields()
    {
        var a = await Endpoint("*");
        var b = await Endpoint(WebhookEventTypes.CashoutPaid, WebhookEventTypes.CashoutReturned);

        Assert.Equal(a, await Store.ReadAsync(r => r.GetWebhookEndpoint(a.Id)));
        Assert.Equal(b, await Store.ReadAsync(r => r.GetWebhookEndpoint(b.Id)));
        // Listed in id order: ids made in the same millisecond order by their random part (UUIDv7 bytes, big-endian).
        var (low, high) = a.Id.Value.ToByteArray(bigEndian: true).AsSpan().SequenceCompareTo(b.Id.Value.ToByteArray(bigEndian: true)) < 0 ? (a, b) : (b, a);
        var first = await Store.ReadAsync(r => r.ListWebhookEndpoints(null, 1));
        Assert.Equal([low], first.Items);
        var second = await Store.ReadAsync(r => r.ListWebhookEndpoints(first.NextCursor, 1));
        Assert.Equal([high], second.Items);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task EnqueueWebhookEvent_NoSubscriber_WritesNothing()
    {
        await Endpoint(WebhookEventTypes.CreditBatchApplied);
        var e = Event(WebhookEventTypes.CashoutPaid);

        Assert.Equal(0, await Enqueue(e));

        Assert.Null(await Store.ReadAsync(r => r.GetWebhookEvent(e.Id)));
        Assert.Empty(await Claim());
    }

    [Fact]
    public async Task EnqueueWebhookEvent_SubscribedEnabledEndpointsOnly_OneDeliveryEach()
    {
        var all = await Endpoint("*");
        var paid = await Endpoint(WebhookEventTypes.CashoutPaid);
        var credits = await Endpoint(WebhookEventTypes.CreditBatchApplied);
        var prefix = await Endpoint("cashout.pai"); // a prefix of the type is not a subscription
        var disabled = await Endpoint("*");
        Assert.True(await Store.WriteAsync(tx => tx.DisableWebhookEndpoint(disabled.Id, Clock.GetUtcNow())));
        var e = Event(WebhookEventTypes.CashoutPaid);

        Assert.Equal(2, await Enqueue(e));

        Assert.Equal(e, await Store.ReadAsync(r => r.GetWebhookEvent(e.Id)));
        var claims = await Claim();
        Assert.Equal(new[] { all.Id.Value, paid.Id.Value }.Order(), claims.Select(c => c.Endpoint.Value).Order());
        Assert.All(claims, c => Assert.Equal(e.Id, c.Event));
        Assert.All(claims, c => Assert.Equal(1, c.Attempt));
        Assert.Empty((await Store.ReadAsync(r => r.ListWebhookDeliveries(credits.Id, null, 10))).Items);
        Assert.Empty((await Store.ReadAsync(r => r.ListWebhookDeliveries(prefix.Id, null, 10))).Items);
    }

    [Fact]
    public async Task EnqueueWebhookEvent_SameIdTwice_FansOutOnce()
    {
        var endpoint = await Endpoint("*");
        var e = Event();
        Assert.Equal(1, await Enqueue(e));
        await Endpoint("*"); // a later endpoint does not receive the earlier event on a repeat

        Assert.Equal(0, await Enqueue(e with { Payload = "{\"other\":true}" }));

        Assert.Equal("{\"x\":1}", (await Store.ReadAsync(r => r.GetWebhookEvent(e.Id)))!.Payload);
        Assert.Single(await Claim());
        Assert.Single((await Store.ReadAsync(r => r.ListWebhookDeliveries(endpoint.Id, null, 10))).Items);
    }

    [Fact]
    public async Task ClaimWebhookDeliveries_Claimed_NotClaimedAgainUntilTheLeaseEnds()
    {
        await Endpoint("*");
        await Enqueue(Event());
        var first = Assert.Single(await Claim());

        Assert.Empty(await Claim());
        Clock.Advance(TimeSpan.FromSeconds(61));
        var again = Assert.Single(await Claim());

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(2, again.Attempt);
    }

    [Fact]
    public async Task Deliveries_RetryCompleteFail_RecordedAndNoLongerClaimedOnceDone()
    {
        var endpoint = await Endpoint("*");
        await Enqueue(Event());
        await Enqueue(Event(WebhookEventTypes.CashoutFailed));
        var claims = (await Claim()).OrderBy(c => c.Id).ToList();
        var start = Clock.GetUtcNow();
        await Write(tx => tx.RetryWebhookDelivery(claims[0].Id, start.AddSeconds(10), 503, "http.503"));
        await Write(tx => tx.FailWebhookDelivery(claims[1].Id, start, null, "endpoint.disabled"));

        Assert.Empty(await Claim());
        Clock.Advance(TimeSpan.FromSeconds(10));
        var retried = Assert.Single(await Claim());
        Assert.Equal(claims[0].Id, retried.Id);
        await Write(tx => tx.CompleteWebhookDelivery(retried.Id, Clock.GetUtcNow(), 204));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await Claim());

        var list = (await Store.ReadAsync(r => r.ListWebhookDeliveries(endpoint.Id, null, 10))).Items;
        Assert.Equal([claims[1].Id, claims[0].Id], list.Select(d => d.Id));
        var failed = list[0];
        Assert.Equal((WebhookEventTypes.CashoutFailed, 1, (int?)null, "endpoint.disabled", start), (failed.EventType, failed.Attempts, failed.LastStatus, failed.LastError, failed.FailedAt));
        Assert.Null(failed.DeliveredAt);
        var delivered = list[1];
        Assert.Equal((2, (int?)204, (string?)null), (delivered.Attempts, delivered.LastStatus, delivered.LastError));
        Assert.NotNull(delivered.DeliveredAt);
    }

    [Fact]
    public async Task ClaimWebhookDeliveries_TwoDispatchersAtOnce_DisjointAndTogetherEverything()
    {
        await Endpoint("*");
        for (var i = 0; i < 10; i++)
        {
            await Enqueue(Event());
        }

        var both = await Task.WhenAll(Claim(5), Claim(5));

        Assert.Equal(5, both[0].Count);
        Assert.Equal(5, both[1].Count);
        Assert.Equal(10, both[0].Concat(both[1]).Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task RotateAndDisableWebhookEndpoint_OnlyWhileEnabled()
    {
        var e = await Endpoint("*");
        var until = Clock.GetUtcNow().AddHours(1);
        Assert.True(await Store.WriteAsync(tx => tx.RotateWebhookEndpointSecret(e.Id, "protected-2", until)));
        Assert.Equal(e with { ProtectedSecret = "protected-2", PreviousProtectedSecret = "protected-secret", PreviousValidUntil = until },
            await Store.ReadAsync(r => r.GetWebhookEndpoint(e.Id)));

        Assert.True(await Store.WriteAsync(tx => tx.DisableWebhookEndpoint(e.Id, Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.DisableWebhookEndpoint(e.Id, Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.RotateWebhookEndpointSecret(e.Id, "protected-3", until)));
        Assert.Equal(Clock.GetUtcNow(), (await Store.ReadAsync(r => r.GetWebhookEndpoint(e.Id)))!.DisabledAt);
    }

    [Fact]
    public async Task SetProviderWebhookSecret_SecondTime_FirstBecomesPrevious()
    {
        Assert.Null(await Store.ReadAsync(r => r.GetProviderWebhookSecret("sbx-bank")));
        var created = Clock.GetUtcNow();
        var first = await Store.WriteAsync(tx => tx.SetProviderWebhookSecret("sbx-bank", "p1", created.AddDays(1), created));
        Assert.Equal(new ProviderWebhookSecret("sbx-bank", "p1", null, null, created, null), first);

        Clock.Advance(TimeSpan.FromMinutes(1));
        var until = Clock.GetUtcNow().AddHours(2);
        var second = await Store.WriteAsync(tx => tx.SetProviderWebhookSecret("sbx-bank", "p2", until, Clock.GetUtcNow()));

        var expected = new ProviderWebhookSecret("sbx-bank", "p2", "p1", until, created, Clock.GetUtcNow());
        Assert.Equal(expected, second);
        Assert.Equal(expected, await Store.ReadAsync(r => r.GetProviderWebhookSecret("sbx-bank")));
    }

    [Fact]
    public async Task RememberInboundWebhookEvent_Twice_SecondFalseAndForgetDropsOnlyOldOnes()
    {
        Assert.True(await Store.WriteAsync(tx => tx.RememberInboundWebhookEvent("p", "evt-1", Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.RememberInboundWebhookEvent("p", "evt-1", Clock.GetUtcNow())));
        Assert.True(await Store.WriteAsync(tx => tx.RememberInboundWebhookEvent("other", "evt-1", Clock.GetUtcNow())));
        Assert.True(await Store.ReadAsync(r => r.InboundWebhookEventSeen("p", "evt-1")));
        Assert.False(await Store.ReadAsync(r => r.InboundWebhookEventSeen("p", "evt-2")));
        Clock.Advance(TimeSpan.FromDays(2));
        Assert.True(await Store.WriteAsync(tx => tx.RememberInboundWebhookEvent("p", "evt-2", Clock.GetUtcNow())));

        Assert.Equal(2, await Store.WriteAsync(tx => tx.ForgetInboundWebhookEvents(Clock.GetUtcNow().AddDays(-1))));

        Assert.False(await Store.ReadAsync(r => r.InboundWebhookEventSeen("p", "evt-1")));
        Assert.True(await Store.ReadAsync(r => r.InboundWebhookEventSeen("p", "evt-2")));
    }

    [Fact]
    public async Task SandboxCallbacks_ScheduledTwiceListedOnceUntilSent()
    {
        var cashout = CashoutId.New();
        var due = Clock.GetUtcNow().AddSeconds(3);
        var settle = new SandboxCallback("sbx-bank", cashout.ToString(), "settle", cashout, "paid", due, 0);
        await Write(tx => tx.ScheduleSandboxCallback(settle));
        await Write(tx => tx.ScheduleSandboxCallback(settle with { Outcome = "failed" }));
        await Write(tx => tx.ScheduleSandboxCallback(settle with { Kind = "return", Outcome = "returned", DueAt = due.AddSeconds(6) }));

        Assert.Empty(await Store.ReadAsync(r => r.ListSandboxCallbacksDue(Clock.GetUtcNow(), 10)));
        Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal([settle], await Store.ReadAsync(r => r.ListSandboxCallbacksDue(Clock.GetUtcNow(), 10)));

        await Write(tx => tx.RetrySandboxCallback("sbx-bank", cashout.ToString(), "settle", Clock.GetUtcNow().AddSeconds(2), "http.503"));
        Assert.Empty(await Store.ReadAsync(r => r.ListSandboxCallbacksDue(Clock.GetUtcNow(), 10)));
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([settle with { DueAt = Clock.GetUtcNow(), Attempts = 1 }], await Store.ReadAsync(r => r.ListSandboxCallbacksDue(Clock.GetUtcNow(), 10)));
        await Write(tx => tx.MarkSandboxCallbackSent("sbx-bank", cashout.ToString(), "settle", Clock.GetUtcNow()));
        Clock.Advance(TimeSpan.FromSeconds(10));
        var left = Assert.Single(await Store.ReadAsync(r => r.ListSandboxCallbacksDue(Clock.GetUtcNow(), 10)));
        Assert.Equal(("return", "returned"), (left.Kind, left.Outcome));
    }
}

public sealed class SqliteWebhookContractTests() : WebhookContractTests(new SqliteBackend());
public sealed class PostgresWebhookContractTests() : WebhookContractTests(new PostgresBackend());
