using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Core.Common;
using SmallChange.Core.Security;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Portal;

/// <summary>
/// Destination cooling-off over the operator API, with the jurisdiction profiles' period (24 h for US holders) on a
/// manual clock: a new destination cannot receive a payout until it has cooled off, a cancelled one never again; the
/// holder's activity log and inbox record it all.
/// </summary>
public abstract class DestinationCoolingOffTests(string backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private ApiFixture _api = null!;

    public async Task InitializeAsync() =>
        _api = await ApiFixture.StartAsync(o => o with { Clock = _clock, CoolingOffOverride = null }, backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<Guid> FundedHolder(string country = "US")
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder(country: country);
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 1 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder, amount = "50.00", currency = "USD" }));
        await Json.Expect(c, HttpStatusCode.Created);
        return holder;
    }

    private async Task<JsonElement> AddDestination(Guid holder)
    {
        using var r = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(new
        {
            kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789",
        }));
        return await Json.Expect(r, HttpStatusCode.Created);
    }

    private async Task<HttpResponseMessage> CashOut(Guid holder, Guid destination)
    {
        Guid quote;
        using (var q = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "20.00", currency = "USD", country = "US", method = "bank_transfer" })))
        {
            quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts")
        {
            Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await _api.Operator.SendAsync(request);
    }

    private Task<IReadOnlyList<ActivityEntry>> Activity(Guid holder) =>
        _api.Store.ReadAsync<IReadOnlyList<ActivityEntry>>(async r => (await r.ListActivity(new HolderId(holder), null, 100)).Items);

    [Fact]
    public async Task Cashout_ToNewDestination_RefusedNamingWhenUsableThenPaidAfterCoolingOff()
    {
        var holder = await FundedHolder();
        var added = _clock.GetUtcNow();
        var d = await AddDestination(holder);
        Assert.Equal("cooling", d.GetProperty("status").GetString());
        var usableAt = DateTimeOffset.Parse(d.GetProperty("usable_at").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(usableAt - added, TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var destination = d.GetProperty("id").GetGuid();
        var before = await _api.Snapshot();

        using (var refused = await CashOut(holder, destination))
        {
            var problem = await Json.ExpectProblem(refused, HttpStatusCode.Conflict, DestinationCoolingOff.CoolingCode);
            Assert.Contains(DestinationCoolingOff.Format(usableAt), problem.GetProperty("detail").GetString());
        }

        await _api.AssertNothingWritten(before);
        Assert.Equal("50.00", await _api.Available(holder, "USD"));

        // A minute before the end: still refused.
        _clock.Advance(usableAt - _clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        using (var early = await CashOut(holder, destination))
        {
            await Json.ExpectProblem(early, HttpStatusCode.Conflict, DestinationCoolingOff.CoolingCode);
        }

        _clock.Advance(TimeSpan.FromMinutes(1));
        using (var ok = await CashOut(holder, destination))
        {
            Assert.Equal("approved", (await Json.Expect(ok, HttpStatusCode.Created)).GetProperty("state").GetString());
        }

        using var get = await _api.Operator.GetAsync($"/v1/holders/{holder}/destinations/{destination}");
        Assert.Equal("active", (await Json.Expect(get, HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AddDestination_ByOperator_ActivityAndInboxAlertMaskedThenActivationRecorded()
    {
        var holder = await FundedHolder();
        var destination = (await AddDestination(holder)).GetProperty("id").GetGuid();

        var added = Assert.Single(await Activity(holder), e => e.Kind == ActivityKinds.DestinationAdded);
        Assert.Equal("operator API", added.Device);
        Assert.Contains("•••• 6789", added.Detail);
        Assert.DoesNotContain("123456789", added.Detail);
        var inbox = await _api.Store.ReadAsync(r => r.ListInbox(new HolderId(holder), null, 10));
        var alert = Assert.Single(inbox.Items, m => m.Kind == "security.destination_added");
        Assert.Contains("•••• 6789", alert.Body);
        Assert.DoesNotContain("123456789", alert.Body);
        Assert.Contains("cancel it", alert.Body);

        var activation = _api.App.Services.GetRequiredService<DestinationActivation>();
        Assert.Equal(0, await activation.ActivateDue(100));
        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await activation.ActivateDue(100));
        Assert.Equal(0, await activation.ActivateDue(100));
        var activated = Assert.Single(await Activity(holder), e => e.Kind == ActivityKinds.DestinationActivated);
        Assert.Contains("•••• 6789", activated.Detail);
        Assert.Equal(destination, (await _api.Store.ReadAsync(r => r.GetDestinationState(new DestinationId(destination))))!.Destination.Value);
    }

    [Fact]
    public async Task Cashout_ToCancelledDestination_RefusedEvenAfterCoolingOff()
    {
        var holder = await FundedHolder();
        var destination = (await AddDestination(holder)).GetProperty("id").GetGuid();

        using (var cancel = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations/{destination}/cancel", null))
        {
            var body = await Json.Expect(cancel, HttpStatusCode.OK);
            Assert.Equal("cancelled", body.GetProperty("status").GetString());
        }

        using (var again = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations/{destination}/cancel", null))
        {
            await Json.ExpectProblem(again, HttpStatusCode.Conflict, DestinationCoolingOff.CancelledCode);
        }

        _clock.Advance(TimeSpan.FromDays(2));
        using (var refused = await CashOut(holder, destination))
        {
            await Json.ExpectProblem(refused, HttpStatusCode.Conflict, DestinationCoolingOff.CancelledCode);
        }

        Assert.Contains(await Activity(holder), e => e.Kind == ActivityKinds.DestinationCancelled);
        Assert.Equal(0, await _api.App.Services.GetRequiredService<DestinationActivation>().ActivateDue(100));
    }

    [Fact]
    public async Task CancelDestination_OfAnotherHolder_Returns404AndChangesNothing()
    {
        var owner = await FundedHolder();
        var other = await FundedHolder();
        var destination = (await AddDestination(owner)).GetProperty("id").GetGuid();

        using var r = await _api.Operator.PostAsync($"/v1/holders/{other}/destinations/{destination}/cancel", null);
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "destination.not_found");
        Assert.Null((await _api.Store.ReadAsync(rd => rd.GetDestinationState(new DestinationId(destination))))!.CancelledAt);
    }

    [Fact]
    public async Task Cashout_ByOperator_RecordedInActivityAndAlerted()
    {
        var holder = await FundedHolder();
        var destination = (await AddDestination(holder)).GetProperty("id").GetGuid();
        _clock.Advance(TimeSpan.FromHours(25));
        using (var ok = await CashOut(holder, destination))
        {
            await Json.Expect(ok, HttpStatusCode.Created);
        }

        var entry = Assert.Single(await Activity(holder), e => e.Kind == ActivityKinds.CashoutRequested);
        Assert.Contains("USD 20", entry.Detail);
        Assert.Contains("approved", entry.Detail);
        var inbox = await _api.Store.ReadAsync(r => r.ListInbox(new HolderId(holder), null, 10));
        Assert.Contains(inbox.Items, m => m.Kind == "security.cashout" && m.Body.Contains("•••• 6789", StringComparison.Ordinal));
    }
}

public sealed class SqliteDestinationCoolingOffTests() : DestinationCoolingOffTests("sqlite");

public sealed class PostgresDestinationCoolingOffTests() : DestinationCoolingOffTests("postgres");
