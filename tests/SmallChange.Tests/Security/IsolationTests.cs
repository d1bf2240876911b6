using System.Net;
using SmallChange.Core.Common;
using SmallChange.Core.Notifications;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>One holder cannot read or change another's data through the portal; one source cannot through its key (404 throughout).</summary>
public sealed class IsolationTests
{
    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Portal_HolderA_CannotReadOrMarkHolderBsInbox(string backend)
    {
        await using var api = await SecurityPortal.StartAsync(backend: backend);
        var (a, aEmail) = await SecurityPortal.SignUp(api);
        var (b, bEmail) = await SecurityPortal.SignUp(api);
        var bHolder = (await api.Store.ReadAsync(r => r.FindPortalUserByEmail(bEmail.ToUpperInvariant())))!.Holder;
        var secret = new InboxMessage(NotificationId.New(), bHolder, "test.private", "Only for B " + Guid.NewGuid(), "B's private message", DateTimeOffset.UtcNow, null);
        await api.Store.WriteAsync(async tx =>
        {
            await tx.InsertInboxMessage(secret);
            return 0;
        });

        var aInbox = await a.Page("/inbox");
        Assert.DoesNotContain(secret.Subject, aInbox, StringComparison.Ordinal);
        var aHolder = (await api.Store.ReadAsync(r => r.FindPortalUserByEmail(aEmail.ToUpperInvariant())))!.Holder;
        var own = (await api.Store.ReadAsync(r => r.ListInbox(aHolder, null, 1))).Items.Single();

        // A submits the mark-read form of its own inbox, with B's message id in place of one of its own; then with its own (the control).
        using (var mark = await a.Submit("/inbox", [], $"/inbox?handler=Read&id={secret.Id.Value}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, mark.StatusCode);
        }

        using (var markOwn = await a.Submit("/inbox", [], $"/inbox?handler=Read&id={own.Id.Value}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, markOwn.StatusCode);
        }

        var bMessages = (await api.Store.ReadAsync(r => r.ListInbox(bHolder, null, 50))).Items;
        Assert.Null(bMessages.Single(m => m.Id == secret.Id).ReadAt);
        Assert.NotNull((await api.Store.ReadAsync(r => r.ListInbox(aHolder, null, 50))).Items.Single(m => m.Id == own.Id).ReadAt);
        Assert.Contains(secret.Subject, await b.Page("/inbox"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task SourceKey_AnotherSourcesCreditsReceiptsHoldersAndSettings_404(string backend)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        var x = await api.CreateSource("USD");
        var y = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        using (var credit = await y.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = "y-private", holder_id = holder, amount = "3.00", currency = "USD" })))
        {
            await Json.Expect(credit, HttpStatusCode.Created);
        }

        using (var own = await y.Client.GetAsync($"/v1/sources/{y.Id}/credit/receipt?source_ref=y-private"))
        {
            await Json.Expect(own, HttpStatusCode.OK); // the owner can
        }

        foreach (var path in new[]
                 {
                     $"/v1/sources/{y.Id}", $"/v1/sources/{y.Id}/credit?source_ref=y-private", $"/v1/sources/{y.Id}/credit/receipt?source_ref=y-private",
                     $"/v1/sources/{x.Id}/credit?source_ref=y-private", $"/v1/sources/{x.Id}/credit/receipt?source_ref=y-private",
                     $"/v1/holders/{holder}", $"/v1/holders/{holder}/balances", $"/v1/holders/{holder}/transfers", $"/v1/holders/{holder}/destinations",
                     "/v1/holders", "/v1/sources", "/v1/cashouts", "/v1/keys", $"/v1/keys/{y.Key[4..20]}", "/v1/webhooks/endpoints",
                 })
        {
            using var r = await x.Client.GetAsync(path);
            Assert.True(r.StatusCode == HttpStatusCode.NotFound, $"GET {path} with another source's key: {(int)r.StatusCode}");
            Assert.DoesNotContain("y-private", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var before = await api.Snapshot();
        foreach (var (path, body) in new (string, object)[]
                 {
                     ("/v1/credits", new { source_id = y.Id, source_ref = "x-as-y", holder_id = holder, amount = "1.00", currency = "USD" }),
                     ($"/v1/keys/{y.Key[4..20]}/revoke", new { }),
                     ($"/v1/keys/{y.Key[4..20]}/rotate", new { }),
                     ("/v1/webhooks/endpoints", new { url = "https://evil.example/", events = new[] { "*" } }),
                     ($"/v1/holders/{holder}/destinations", new { kind = "bank_account", country = "US", account_holder_name = "X", routing_number = "021000021", account_number = "123456789" }),
                 })
        {
            using var r = await x.Client.PostAsync(path, Json.Body(body));
            Assert.True(r.StatusCode == HttpStatusCode.NotFound, $"POST {path} with another source's key: {(int)r.StatusCode}");
        }

        await api.AssertNothingWritten(before);
        using var stillWorks = await y.Client.GetAsync($"/v1/sources/{y.Id}");
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        Assert.Empty((await api.Store.ReadAsync(r => r.ListWebhookEndpoints(null, 10))).Items);
    }
}
