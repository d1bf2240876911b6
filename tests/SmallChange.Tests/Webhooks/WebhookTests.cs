using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Api.Webhooks;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Webhooks;
using SmallChange.Tests.Support;
using SmallChange.Workers;

namespace SmallChange.Tests.Webhooks;

/// <summary>
/// Webhooks end to end on both databases: operators' endpoints receive signed events written with the change they
/// report, retried with backoff and deduplicated by event id; providers report outcomes by signed callbacks, verified,
/// applied once, replays and forgeries refused; the sandbox rail's callback mode. Workers are driven by hand on a manual clock.
/// </summary>
public abstract class WebhookTests(string backend) : IAsyncLifetime
{
    private const string Provider = "northwind-payouts";
    private readonly ManualClock _clock = new();
    private ApiFixture _api = null!;
    private SandboxOptions _sandbox = new() { SettleDelay = TimeSpan.FromMinutes(1), FailureBps = 0, ReturnBps = 0, ReturnDelay = TimeSpan.FromMinutes(5) };
    private WebhookOptions _webhooks = new();

    public Task InitializeAsync() => Start();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task Start() => _api = await ApiFixture.StartAsync(o => o with { Clock = _clock, Sandbox = _sandbox, Webhooks = _webhooks }, backend);

    private async Task Restart(SandboxOptions? sandbox = null, WebhookOptions? webhooks = null)
    {
        await _api.DisposeAsync();
        _sandbox = sandbox ?? _sandbox;
        _webhooks = webhooks ?? _webhooks;
        await Start();
    }

    private CashoutProcessor Processor => _api.App.Services.GetRequiredService<CashoutProcessor>();

    private WebhookDispatcher Dispatcher => _api.App.Services.GetRequiredService<WebhookDispatcher>();

    private async Task<(Guid Id, string Secret)> Endpoint(string url, params string[] events)
    {
        using var r = await _api.Operator.PostAsync("/v1/webhooks/endpoints", Json.Body(new { url, events, description = "ops" }));
        var body = await Json.Expect(r, HttpStatusCode.Created);
        return (body.GetProperty("endpoint").GetProperty("id").GetGuid(), body.GetProperty("secret").GetString()!);
    }

    /// <summary>A funded tier-1 holder with a bank destination, and an approved cash-out of 20.00 USD to <see cref="Provider"/>.</summary>
    private async Task<(Guid Holder, Guid Cashout)> ApprovedCashout()
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder(name: "Ava Thompson");
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 1 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder, amount = "50.00", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        using var d = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(new
        {
            kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789",
        }));
        var destination = (await Json.Expect(d, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var q = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "20.00", currency = "USD", country = "US", method = "bank_transfer" }));
        var quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts")
        {
            Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination, provider_id = Provider }),
        };
        request.Headers.Add("Idempotency-Key", ApiFixture.NewRef("co"));
        using var created = await _api.Operator.SendAsync(request);
        var cashout = await Json.Expect(created, HttpStatusCode.Created);
        Assert.Equal("approved", cashout.GetProperty("state").GetString());
        return (holder, cashout.GetProperty("id").GetGuid());
    }

    private async Task<string> State(Guid cashout)
    {
        using var r = await _api.Operator.GetAsync($"/v1/cashouts/{cashout}");
        return (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("state").GetString()!;
    }

    private async Task<JsonElement> Deliveries(Guid endpoint)
    {
        using var r = await _api.Operator.GetAsync($"/v1/webhooks/endpoints/{endpoint}/deliveries");
        return (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("items");
    }

    private static void AssertSignedWith(ReceivedWebhook w, DateTimeOffset now, params string[] secrets)
    {
        var verified = WebhookSignature.Verify(secrets, w.Header(WebhookSignature.TimestampHeader), w.Header(WebhookSignature.SignatureHeader), w.Body, now);
        Assert.True(verified.IsOk, verified.Error?.ToString());
    }

    // ---- outbound -----------------------------------------------------------------------------------

    [Fact]
    public async Task CashoutPaid_SubscribedEndpoint_ReceivesOneSignedEventWithoutPersonalData()
    {
        using var receiver = new WebhookReceiver();
        var (endpoint, secret) = await Endpoint(receiver.Url, WebhookEventTypes.CashoutPaid);
        var (holder, cashout) = await ApprovedCashout();

        await Processor.DispatchDue(100, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Processor.Settle(100, CancellationToken.None);
        Assert.Equal("paid", await State(cashout));
        Assert.Equal(1, await Dispatcher.DeliverDue(100, CancellationToken.None));
        Assert.Equal(0, await Dispatcher.DeliverDue(100, CancellationToken.None));

        var w = Assert.Single(receiver.Received);
        AssertSignedWith(w, _clock.GetUtcNow(), secret);
        Assert.Equal("application/json; charset=utf-8", w.Header("Content-Type"));
        var e = JsonDocument.Parse(w.Body).RootElement;
        Assert.Equal(w.Header(WebhookSignature.EventIdHeader), e.GetProperty("id").GetString());
        Assert.Equal("cashout.paid", e.GetProperty("type").GetString());
        Assert.Equal(cashout, e.GetProperty("data").GetProperty("cashout_id").GetGuid());
        Assert.Equal(holder, e.GetProperty("data").GetProperty("holder_id").GetGuid());
        Assert.Equal("20.00", e.GetProperty("data").GetProperty("gross").GetProperty("amount").GetString());
        Assert.DoesNotContain("123456789", w.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ava", w.Text, StringComparison.Ordinal);
        var delivery = Assert.Single((await Deliveries(endpoint)).EnumerateArray());
        Assert.Equal(("delivered", 1, 200), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempts").GetInt32(), delivery.GetProperty("last_status").GetInt32()));
    }

    [Fact]
    public async Task Delivery_EndpointFailsTwice_RetriedWithBackoffSameEventIdThenDelivered()
    {
        using var receiver = new WebhookReceiver();
        receiver.Answer(500, 503);
        var (endpoint, secret) = await Endpoint(receiver.Url, "*");
        var (_, cashout) = await ApprovedCashout();
        await Processor.DispatchDue(100, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Processor.Settle(100, CancellationToken.None);

        Assert.Equal(1, await Dispatcher.DeliverDue(100, CancellationToken.None));
        var first = Assert.Single((await Deliveries(endpoint)).EnumerateArray());
        Assert.Equal(("pending", 1, 500, "http.500"), (first.GetProperty("status").GetString(), first.GetProperty("attempts").GetInt32(),
            first.GetProperty("last_status").GetInt32(), first.GetProperty("last_error").GetString()));
        Assert.Equal(0, await Dispatcher.DeliverDue(100, CancellationToken.None)); // not due before the backoff
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await Dispatcher.DeliverDue(100, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, await Dispatcher.DeliverDue(100, CancellationToken.None)); // the second wait is twice the first
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Dispatcher.DeliverDue(100, CancellationToken.None));

        var received = receiver.Received.ToList();
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.Header(WebhookSignature.EventIdHeader)).Distinct());
        AssertSignedWith(received[2], _clock.GetUtcNow(), secret);
        var done = Assert.Single((await Deliveries(endpoint)).EnumerateArray());
        Assert.Equal(("delivered", 3), (done.GetProperty("status").GetString(), done.GetProperty("attempts").GetInt32()));
        Assert.Equal("paid", await State(cashout));
    }

    [Fact]
    public async Task Delivery_EndpointKeepsFailing_GivenUpAfterMaxAttempts()
    {
        await Restart(webhooks: new WebhookOptions { MaxAttempts = 2 });
        using var receiver = new WebhookReceiver();
        receiver.Answer(500, 500, 500);
        var (endpoint, _) = await Endpoint(receiver.Url, WebhookEventTypes.CashoutPaid);
        await ApprovedCashout();
        await Processor.DispatchDue(100, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Processor.Settle(100, CancellationToken.None);

        await Dispatcher.DeliverDue(100, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await Dispatcher.DeliverDue(100, CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await Dispatcher.DeliverDue(100, CancellationToken.None));

        var d = Assert.Single((await Deliveries(endpoint)).EnumerateArray());
        Assert.Equal(("failed", 2, "http.500"), (d.GetProperty("status").GetString(), d.GetProperty("attempts").GetInt32(), d.GetProperty("last_error").GetString()));
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task Delivery_EndpointUnreachable_RecordedAndRetried()
    {
        var (endpoint, _) = await Endpoint("http://127.0.0.1:9/closed", "*"); // the discard port: nothing listens
        await ApprovedCashout();
        await Processor.DispatchDue(100, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Processor.Settle(100, CancellationToken.None);

        Assert.Equal(1, await Dispatcher.DeliverDue(100, CancellationToken.None));

        var d = Assert.Single((await Deliveries(endpoint)).EnumerateArray());
        Assert.Equal(("pending", "http.unreachable"), (d.GetProperty("status").GetString(), d.GetProperty("last_error").GetString()));
    }

    [Fact]
    public async Task CreditBatch_AnnouncedToSubscribersOnly_SingleCreditsNot()
    {
        using var batches = new WebhookReceiver();
        using var payouts = new WebhookReceiver();
        var (_, secret) = await Endpoint(batches.Url, WebhookEventTypes.CreditBatchApplied);
        await Endpoint(payouts.Url, WebhookEventTypes.CashoutPaid);
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();
        using (var single = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = "one", holder_id = holder, amount = "1.00", currency = "USD" })))
        {
            await Json.Expect(single, HttpStatusCode.Created);
        }

        using var batch = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new
        {
            items = new object[]
            {
                new { source_ref = "one", holder_id = holder, amount = "1.00", currency = "USD" },
                new { source_ref = "two", holder_id = holder, amount = "2.50", currency = "USD" },
                new { source_ref = "three", holder_id = holder, amount = "0.25", currency = "USD" },
                new { source_ref = "bad", holder_id = holder, amount = "-1", currency = "USD" },
            },
        }));
        await Json.Expect(batch, HttpStatusCode.OK);
        await Dispatcher.DeliverDue(100, CancellationToken.None);

        Assert.Empty(payouts.Received);
        var w = Assert.Single(batches.Received);
        AssertSignedWith(w, _clock.GetUtcNow(), secret);
        var data = JsonDocument.Parse(w.Body).RootElement.GetProperty("data");
        Assert.Equal((source.Id, 2, 1, 1), (data.GetProperty("source_id").GetGuid(), data.GetProperty("created").GetInt32(), data.GetProperty("exists").GetInt32(), data.GetProperty("failed").GetInt32()));
        var total = Assert.Single(data.GetProperty("created_totals").EnumerateArray());
        Assert.Equal(("2.75", "USD"), (total.GetProperty("amount").GetString(), total.GetProperty("currency").GetString()));
    }

    [Fact]
    public async Task RotateSecret_DuringGrace_SignedWithBothThenOnlyTheNew()
    {
        using var receiver = new WebhookReceiver();
        var (endpoint, old) = await Endpoint(receiver.Url, WebhookEventTypes.CreditBatchApplied);
        using var rotate = await _api.Operator.PostAsync($"/v1/webhooks/endpoints/{endpoint}/rotate-secret", Json.Body(new { grace_seconds = 600 }));
        var fresh = (await Json.Expect(rotate, HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();

        async Task<ReceivedWebhook> Batch(string reference)
        {
            using var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { items = new[] { new { source_ref = reference, holder_id = holder, amount = "1", currency = "USD" } } }));
            await Json.Expect(r, HttpStatusCode.OK);
            var before = receiver.Received.Count;
            await Dispatcher.DeliverDue(100, CancellationToken.None);
            Assert.Equal(before + 1, receiver.Received.Count);
            return receiver.Received.Last();
        }

        var during = await Batch("r1");
        AssertSignedWith(during, _clock.GetUtcNow(), old);
        AssertSignedWith(during, _clock.GetUtcNow(), fresh);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var after = await Batch("r2");
        AssertSignedWith(after, _clock.GetUtcNow(), fresh);
        Assert.False(WebhookSignature.Verify([old], after.Header(WebhookSignature.TimestampHeader), after.Header(WebhookSignature.SignatureHeader), after.Body, _clock.GetUtcNow()).IsOk);
    }

    [Fact]
    public async Task DisabledEndpoint_PendingDeliveryGivenUpAndNoNewOnes()
    {
        using var receiver = new WebhookReceiver();
        var (endpoint, _) = await Endpoint(receiver.Url, WebhookEventTypes.CreditBatchApplied);
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();
        using (var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { items = new[] { new { source_ref = "d1", holder_id = holder, amount = "1", currency = "USD" } } })))
        {
            await Json.Expect(r, HttpStatusCode.OK);
        }

        using var disable = await _api.Operator.PostAsync($"/v1/webhooks/endpoints/{endpoint}/disable", null);
        Assert.Equal("disabled", (await Json.Expect(disable, HttpStatusCode.OK)).GetProperty("status").GetString());
        using (var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { items = new[] { new { source_ref = "d2", holder_id = holder, amount = "1", currency = "USD" } } })))
        {
            await Json.Expect(r, HttpStatusCode.OK);
        }

        await Dispatcher.DeliverDue(100, CancellationToken.None);

        Assert.Empty(receiver.Received);
        var d = Assert.Single((await Deliveries(endpoint)).EnumerateArray());
        Assert.Equal(("failed", "endpoint.disabled"), (d.GetProperty("status").GetString(), d.GetProperty("last_error").GetString()));
    }

    [Theory]
    [InlineData("ftp://hooks.example/x")]
    [InlineData("http://hooks.example/x")]
    [InlineData("https://user:pw@hooks.example/x")]
    [InlineData("hooks.example/x")]
    public async Task CreateEndpoint_UrlNotHttpsOrWithCredentials_Rejected(string url)
    {
        using var r = await _api.Operator.PostAsync("/v1/webhooks/endpoints", Json.Body(new { url, events = new[] { "*" } }));
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "webhook.url_invalid");
    }

    [Fact]
    public async Task ListEndpoints_ShowsNoSecret()
    {
        var (endpoint, secret) = await Endpoint("https://hooks.example/in", "*");
        using var list = await _api.Operator.GetAsync("/v1/webhooks/endpoints");
        using var one = await _api.Operator.GetAsync($"/v1/webhooks/endpoints/{endpoint}");
        var texts = new[] { (await Json.Expect(list, HttpStatusCode.OK)).GetRawText(), (await Json.Expect(one, HttpStatusCode.OK)).GetRawText() };
        Assert.All(texts, t => Assert.Contains(endpoint.ToString(), t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain(secret[6..], t, StringComparison.Ordinal));
        var stored = await _api.Store.ReadAsync(r => r.GetWebhookEndpoint(new WebhookEndpointId(endpoint)));
        Assert.DoesNotContain(secret[6..], stored!.ProtectedSecret, StringComparison.Ordinal); // protected at rest, not in clear
    }

    // ---- inbound ------------------------------------------------------------------------------------

    private async Task<string> ProviderSecret(string provider = Provider)
    {
        using var r = await _api.Operator.PostAsync($"/v1/webhooks/providers/{provider}/secret", null);
        return (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("secret").GetString()!;
    }

    private static byte[] Callback(string id, string type, Guid cashout, string? reason = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?> { ["id"] = id, ["type"] = type, ["cashout_id"] = cashout, ["reason"] = reason });

    private Task<HttpResponseMessage> Send(byte[] body, string secret, long? timestamp = null, string provider = Provider, string? signatureFor = null)
    {
        var ts = timestamp ?? _clock.GetUtcNow().ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/webhooks/providers/{provider}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Header([signatureFor ?? secret], ts, body));
        return _api.Anonymous.SendAsync(request);
    }

    /// <summary>Sandbox in callback mode, so the status poll never settles and only callbacks move the cash-out.</summary>
    private async Task<Guid> SubmittedCashout()
    {
        await Restart(_sandbox with { Callbacks = true });
        var (_, cashout) = await ApprovedCashout();
        await Processor.DispatchDue(100, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Processor.Settle(100, CancellationToken.None);
        Assert.Equal("submitted", await State(cashout)); // the poll learns nothing in callback mode
        return cashout;
    }

    [Fact]
    public async Task ProviderCallback_SignedPaid_PostsTheHoldOnceAndAnnounces()
    {
        var cashout = await SubmittedCashout();
        var secret = await ProviderSecret();
        using var receiver = new WebhookReceiver();
        await Endpoint(receiver.Url, WebhookEventTypes.CashoutPaid);

        using var r = await Send(Callback("evt-paid-1", "payout.paid", cashout), secret);

        var body = await Json.Expect(r, HttpStatusCode.OK);
        Assert.Equal(("evt-paid-1", "applied"), (body.GetProperty("event_id").GetString(), body.GetProperty("status").GetString()));
        Assert.Equal("paid", await State(cashout));
        await _api.AssertLedgerVerifies();
        await Dispatcher.DeliverDue(100, CancellationToken.None);
        Assert.Equal("cashout.paid", JsonDocument.Parse(Assert.Single(receiver.Received).Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ProviderCallback_Replayed_Refused409AndNothingBookedTwice()
    {
        var cashout = await SubmittedCashout();
        var secret = await ProviderSecret();
        var body = Callback("evt-1", "payout.paid", cashout);
        var ts = _clock.GetUtcNow().ToUnixTimeSeconds();
        using (var first = await Send(body, secret, ts))
        {
            await Json.Expect(first, HttpStatusCode.OK);
        }

        var before = await _api.Snapshot();
        _clock.Advance(TimeSpan.FromSeconds(30));

        using var replay = await Send(body, secret, ts); // the same message, byte for byte, inside the window
        await Json.ExpectProblem(replay, HttpStatusCode.Conflict, "webhook.replayed");
        using var resent = await Send(body, secret); // the same event id, freshly signed
        await Json.ExpectProblem(resent, HttpStatusCode.Conflict, "webhook.replayed");
        using var returned = await Send(Callback("evt-1", "payout.returned", cashout), secret); // same id, other content
        await Json.ExpectProblem(returned, HttpStatusCode.Conflict, "webhook.replayed");

        await _api.AssertNothingWritten(before);
        Assert.Equal("paid", await State(cashout));
    }

    [Fact]
    public async Task ProviderCallback_ForgedOrStale_Refused401AndNothingBooked()
    {
        var cashout = await SubmittedCashout();
        var secret = await ProviderSecret();
        var other = await ProviderSecret("tidewater-settlement");
        var before = await _api.Snapshot();
        var body = Callback("evt-f", "payout.failed", cashout);
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();

        var attempts = new (string Name, Func<Task<HttpResponseMessage>> Send, string Code)[]
        {
            ("re-signed with a guessed secret", () => Send(body, secret, signatureFor: "whsec_guess"), "webhook.signature_invalid"),
            ("signed with another provider's secret", () => Send(body, secret, signatureFor: other), "webhook.signature_invalid"),
            ("body changed after signing", async () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/webhooks/providers/{Provider}") { Content = new ByteArrayContent(Callback("evt-f", "payout.paid", cashout)) };
                request.Headers.Add(WebhookSignature.TimestampHeader, now.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Header([secret], now, body));
                return await _api.Anonymous.SendAsync(request);
            }, "webhook.signature_invalid"),
            ("six minutes old", () => Send(body, secret, now - 360), "webhook.timestamp_out_of_window"),
            ("six minutes ahead", () => Send(body, secret, now + 360), "webhook.timestamp_out_of_window"),
            ("unknown provider", () => Send(body, secret, provider: "no-such-provider"), "webhook.signature_invalid"),
        };
        foreach (var (name, send, code) in attempts)
        {
            using var r = await send();
            var problem = await Json.Expect(r, HttpStatusCode.Unauthorized);
            Assert.True(problem.GetProperty("code").GetString() == code, $"{name}: {problem}");
        }

        await _api.AssertNothingWritten(before);
        Assert.Equal("submitted", await State(cashout));
        // Nothing was remembered either: the genuine message still goes through.
        using var genuine = await Send(body, secret);
        await Json.Expect(genuine, HttpStatusCode.OK);
        Assert.Equal("failed", await State(cashout));
    }

    [Fact]
    public async Task ProviderCallback_OtherProvidersCashoutOrBadBody_RefusedWithoutEffect()
    {
        var cashout = await SubmittedCashout();
        var other = await ProviderSecret("tidewater-settlement");
        var secret = await ProviderSecret();

        using var notTheirs = await Send(Callback("evt-x", "payout.paid", cashout), other, provider: "tidewater-settlement");
        await Json.ExpectProblem(notTheirs, HttpStatusCode.NotFound, "cashout.not_found");
        using var badType = await Send(Callback("evt-y", "payout.maybe", cashout), secret);
        await Json.ExpectProblem(badType, HttpStatusCode.BadRequest, "webhook.body_invalid");
        using var notJson = await Send(Encoding.UTF8.GetBytes("id=1"), secret);
        await Json.ExpectProblem(notJson, HttpStatusCode.BadRequest, "webhook.body_invalid");
        Assert.Equal("submitted", await State(cashout));
    }

    [Fact]
    public async Task ProviderSecret_Rotated_OldAcceptedDuringGraceOnly()
    {
        var cashout = await SubmittedCashout();
        var old = await ProviderSecret();
        using var rotate = await _api.Operator.PostAsync($"/v1/webhooks/providers/{Provider}/secret", Json.Body(new { grace_seconds = 60 }));
        var rotated = await Json.Expect(rotate, HttpStatusCode.OK);
        Assert.NotNull(rotated.OptionalString("previous_secret_valid_until"));

        using (var during = await Send(Callback("evt-a", "payout.paid", cashout), old))
        {
            await Json.Expect(during, HttpStatusCode.OK);
        }

        _clock.Advance(TimeSpan.FromSeconds(61));
        using var after = await Send(Callback("evt-b", "payout.returned", cashout), old);
        await Json.ExpectProblem(after, HttpStatusCode.Unauthorized, "webhook.signature_invalid");
        using var fresh = await Send(Callback("evt-b", "payout.returned", cashout), rotated.GetProperty("secret").GetString()!);
        await Json.Expect(fresh, HttpStatusCode.OK);
        Assert.Equal("returned", await State(cashout));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task SetProviderSecret_UnknownProvider404()
    {
        using var r = await _api.Operator.PostAsync("/v1/webhooks/providers/no-such-provider/secret", null);
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "provider.not_found");
    }

    // ---- the sandbox rail in callback mode ----------------------------------------------------------

    private SandboxCallbacks Callbacks() => new(_api.Store, _api.App.Services.GetRequiredService<WebhookSecrets>().SandboxSigningSecret,
        new Uri("http://localhost/"), _clock, _api.App.GetTestServer().CreateHandler());

    [Fact]
    public async Task SandboxCallbackMode_PaidThenReturned_ByCallbacksOnly()
    {
        await Restart(_sandbox with { Callbacks = true, ReturnBps = 10_000 });
        var (holder, cashout) = await ApprovedCashout();
        using var callbacks = Callbacks();
        await Processor.DispatchDue(100, CancellationToken.None);
        Assert.Equal(0, await callbacks.SendDue(100, CancellationToken.None)); // not settled yet

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await callbacks.SendDue(100, CancellationToken.None));
        Assert.Equal("paid", await State(cashout));
        Assert.Equal(0, await callbacks.SendDue(100, CancellationToken.None));

        _clock.Advance(TimeSpan.FromMinutes(5));
        await Processor.Settle(100, CancellationToken.None); // the poll still learns nothing
        Assert.Equal("paid", await State(cashout));
        Assert.Equal(1, await callbacks.SendDue(100, CancellationToken.None));
        Assert.Equal("returned", await State(cashout));
        Assert.Equal("50.00", await _api.Available(holder, "USD"));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task SandboxCallbackMode_Failure_VoidsTheHold()
    {
        await Restart(_sandbox with { Callbacks = true, FailureBps = 10_000 });
        var (holder, cashout) = await ApprovedCashout();
        using var callbacks = Callbacks();
        await Processor.DispatchDue(100, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, await callbacks.SendDue(100, CancellationToken.None));

        Assert.Equal("failed", await State(cashout));
        Assert.Equal("50.00", await _api.Available(holder, "USD"));
        await _api.AssertLedgerVerifies();
    }
}

public sealed class SqliteWebhookTests() : WebhookTests("sqlite");
public sealed class PostgresWebhookTests() : WebhookTests("postgres");
