using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Security;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// Automatic cash-out (issue 7, point 3) over the operator API and the worker's pass, on a manual clock starting on a
/// Monday: a threshold triggers once per window, a schedule once per week, a cost above the target waits with the advice,
/// concurrent workers make one cash-out, refusals are recorded once per window, a disabled rule does nothing.
/// </summary>
public abstract class AutoCashoutTestBase(string backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new(NextMonday());
    private ApiFixture _api = null!;

    protected virtual TimeSpan? CoolingOff => TimeSpan.Zero;

    public async Task InitializeAsync() => _api = await ApiFixture.StartAsync(o => o with { Clock = _clock, CoolingOffOverride = CoolingOff }, backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>09:00 UTC on the Monday after today (the quotes' licences and rates stay current).</summary>
    private static DateTimeOffset NextMonday()
    {
        var today = DateTimeOffset.UtcNow.Date;
        var days = ((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7;
        return new DateTimeOffset(today.AddDays(days == 0 ? 7 : days).AddHours(9), TimeSpan.Zero);
    }

    protected ApiFixture Api => _api;

    protected ManualClock Clock => _clock;

    protected AutoCashoutService Auto => _api.App.Services.GetRequiredService<AutoCashoutService>();

    private TestSource? _source;

    protected async Task Credit(Guid holder, string amount)
    {
        _source ??= await _api.CreateSource("USD");
        using var c = await _source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("auto"), holder_id = holder, amount, currency = "USD" }));
        await Json.Expect(c, HttpStatusCode.Created);
    }

    /// <summary>A holder at <paramref name="tier"/> with <paramref name="amount"/> USD and a US bank account.</summary>
    protected async Task<(Guid Holder, Guid Destination)> Holder(string amount, int tier = 1)
    {
        var holder = await _api.CreateHolder();
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        if (amount != "0")
        {
            await Credit(holder, amount);
        }

        using var d = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations",
            Json.Body(new { kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789" }));
        return (holder, (await Json.Expect(d, HttpStatusCode.Created)).GetProperty("id").GetGuid());
    }

    protected async Task<JsonElement> Put(Guid holder, object body, HttpStatusCode expect = HttpStatusCode.OK)
    {
        using var r = await _api.Operator.PutAsync($"/v1/holders/{holder}/auto-cashout", Json.Body(body));
        return await Json.Expect(r, expect);
    }

    protected async Task<IReadOnlyList<Cashout>> Cashouts(Guid holder) =>
        (await _api.Store.ReadAsync(r => r.ListCashouts(new HolderId(holder), null, 100))).Items;

    protected async Task<IReadOnlyList<AutoCashoutRun>> Runs(Guid holder) => await Auto.Runs(new HolderId(holder), 100);

    protected async Task<IReadOnlyList<ActivityEntry>> Activity(Guid holder) =>
        (await _api.Store.ReadAsync(r => r.ListActivity(new HolderId(holder), null, 100))).Items;

    protected Task<AutoCashoutPass> Pass() => Auto.RunDue();
}

public abstract class AutoCashoutTests(string backend) : AutoCashoutTestBase(backend)
{
    private static object Threshold(Guid destination, string threshold = "25.00", int target = 300) =>
        new { currency = "USD", trigger = "threshold", threshold, destination_id = destination, target_max_cost_bps = target };

    [Fact]
    public async Task RunDue_ThresholdCrossed_OneCashoutPerDayWithActivityAndAlert()
    {
        var (holder, destination) = await Holder("10.00");
        await Put(holder, Threshold(destination));

        await Pass();
        Assert.Empty(await Cashouts(holder)); // under the threshold: not due, nothing recorded
        Assert.Empty(await Runs(holder));

        await Credit(holder, "20.00");
        await Pass();
        await Pass();
        var made = Assert.Single(await Cashouts(holder));
        Assert.Equal("30.00", made.Gross.ToDecimalString());
        Assert.Contains(made.State, new[] { CashoutState.Approved, CashoutState.Held });
        var run = Assert.Single(await Runs(holder));
        Assert.Equal(AutoCashoutOutcome.Created, run.Outcome);
        Assert.Equal(made.Id, run.Cashout);
        Assert.StartsWith("threshold:USD:", run.Window);

        // Above the threshold again the same day: the day's window is used.
        await Credit(holder, "40.00");
        await Pass();
        Assert.Single(await Cashouts(holder));

        Clock.Advance(TimeSpan.FromDays(1));
        await Pass();
        Assert.Equal(2, (await Cashouts(holder)).Count);
        Assert.Equal(2, (await Activity(holder)).Count(a => a.Kind == AutoCashoutService.ActivityCashout));
        var inbox = (await Api.Store.ReadAsync(r => r.ListInbox(new HolderId(holder), null, 100))).Items;
        Assert.Equal(2, inbox.Count(m => m.Subject == "An automatic cash-out was made"));
    }

    [Fact]
    public async Task RunDue_WeeklySchedule_OncePerIsoWeekFromTheChosenDay()
    {
        var (holder, destination) = await Holder("30.00");
        await Put(holder, new { currency = "USD", trigger = "weekly", weekly_day = "wednesday", destination_id = destination, target_max_cost_bps = 300 });

        await Pass(); // Monday
        Assert.Empty(await Cashouts(holder));

        Clock.Advance(TimeSpan.FromDays(2)); // Wednesday
        await Pass();
        Assert.Single(await Cashouts(holder));

        await Credit(holder, "30.00");
        Clock.Advance(TimeSpan.FromDays(1)); // Thursday, same week
        await Pass();
        Assert.Single(await Cashouts(holder));

        Clock.Advance(TimeSpan.FromDays(6)); // Wednesday of the next week
        await Pass();
        Assert.Equal(2, (await Cashouts(holder)).Count);
        Assert.Equal(2, (await Runs(holder)).Select(r => r.Window).Distinct().Count());
    }

    [Fact]
    public async Task RunDue_CostAboveTarget_WaitsWithAdviceThenCashesOutWhenTheBalanceGrows()
    {
        var (holder, destination) = await Holder("2.00");
        await Put(holder, Threshold(destination, "1.00"));

        var pass = await Pass();
        Assert.Equal(1, pass.Waiting);
        Assert.Empty(await Cashouts(holder));
        var waiting = Assert.Single(await Runs(holder));
        Assert.Equal(AutoCashoutOutcome.Waiting, waiting.Outcome);
        Assert.Equal("cost_above_target", waiting.Reason);
        Assert.Matches(@"^Waiting: cost \d+\.\d\d% above target 3\.00%", waiting.Detail);
        Assert.Contains(" At USD ", waiting.Detail, StringComparison.Ordinal); // the wait advice's amount

        await Pass(); // nothing new to say: the record is not rewritten
        Assert.Equal(waiting.At, Assert.Single(await Runs(holder)).At);

        await Credit(holder, "48.00");
        await Pass();
        Assert.Single(await Cashouts(holder));
        var created = Assert.Single(await Runs(holder));
        Assert.Equal(AutoCashoutOutcome.Created, created.Outcome);
        Assert.Equal(waiting.FirstAt, created.FirstAt);
    }

    [Fact]
    public async Task RunDue_SeveralWorkersAtOnce_OneCashout()
    {
        var (holder, destination) = await Holder("50.00");
        await Put(holder, Threshold(destination));
        var workers = Enumerable.Range(0, 4).Select(_ => ActivatorUtilities.CreateInstance<AutoCashoutService>(Api.App.Services)).ToList();

        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunDue())));

        Assert.Single(await Cashouts(holder));
        Assert.Equal(AutoCashoutOutcome.Created, Assert.Single(await Runs(holder)).Outcome);
        Assert.Single(await Activity(holder), a => a.Kind == AutoCashoutService.ActivityCashout);
        Assert.Equal("0.00", await Api.Available(holder, "USD"));
    }

    [Fact]
    public async Task RunDue_TierZeroHolder_RefusalRecordedOncePerWindowNotRetried()
    {
        var (holder, destination) = await Holder("50.00", tier: 0);
        await Put(holder, Threshold(destination));

        var first = await Pass();
        await Pass();
        await Pass();

        Assert.Equal(1, first.Refused);
        var rejected = Assert.Single(await Cashouts(holder)); // the rejected cash-out, with its checks, as for a manual one
        Assert.Equal(CashoutState.Rejected, rejected.State);
        var run = Assert.Single(await Runs(holder));
        Assert.Equal(AutoCashoutOutcome.Refused, run.Outcome);
        Assert.Equal(rejected.FailureReason, run.Reason);
        Assert.Single(await Activity(holder), a => a.Kind == AutoCashoutService.ActivityRefused);
        Assert.Equal("50.00", await Api.Available(holder, "USD"));

        Clock.Advance(TimeSpan.FromDays(1)); // the next window tries again, once
        await Pass();
        await Pass();
        Assert.Equal(2, (await Runs(holder)).Count);
        Assert.Equal(2, (await Cashouts(holder)).Count);
    }

    [Fact]
    public async Task RunDue_Disabled_DoesNothing()
    {
        var (holder, destination) = await Holder("50.00");
        await Put(holder, Threshold(destination));
        using (var d = await Api.Operator.DeleteAsync($"/v1/holders/{holder}/auto-cashout"))
        {
            Assert.False((await Json.Expect(d, HttpStatusCode.OK)).GetProperty("enabled").GetBoolean());
        }

        var pass = await Pass();

        Assert.Equal(0, pass.Evaluated);
        Assert.Empty(await Cashouts(holder));
        Assert.Empty(await Runs(holder));
        Assert.Equal("50.00", await Api.Available(holder, "USD"));
    }

    [Fact]
    public async Task AutoCashoutApi_PutGetDelete_RoundTripsWithStableProblemCodes()
    {
        var (holder, destination) = await Holder("5.00");
        var (other, foreign) = await Holder("0");

        using (var none = await Api.Operator.GetAsync($"/v1/holders/{holder}/auto-cashout"))
        {
            await Json.ExpectProblem(none, HttpStatusCode.NotFound, "auto_cashout.not_found");
        }

        using (var unknownHolder = await Api.Operator.GetAsync($"/v1/holders/{Guid.NewGuid()}/auto-cashout"))
        {
            await Json.ExpectProblem(unknownHolder, HttpStatusCode.NotFound, "holder.not_found");
        }

        async Task Problem(object body, HttpStatusCode status, string code)
        {
            using var r = await Api.Operator.PutAsync($"/v1/holders/{holder}/auto-cashout", Json.Body(body));
            await Json.ExpectProblem(r, status, code);
        }

        await Problem(new { currency = "USD", trigger = "daily", destination_id = destination, target_max_cost_bps = 300 }, HttpStatusCode.BadRequest, "auto_cashout.trigger_invalid");
        await Problem(new { currency = "USD", trigger = "threshold", threshold = "0", destination_id = destination, target_max_cost_bps = 300 }, HttpStatusCode.BadRequest, "auto_cashout.threshold_invalid");
        await Problem(new { currency = "USD", trigger = "weekly", weekly_day = "someday", destination_id = destination, target_max_cost_bps = 300 }, HttpStatusCode.BadRequest, "auto_cashout.day_invalid");
        await Problem(new { currency = "USD", trigger = "monthly", monthly_day = 32, destination_id = destination, target_max_cost_bps = 300 }, HttpStatusCode.BadRequest, "auto_cashout.day_invalid");
        await Problem(new { currency = "USD", trigger = "monthly", monthly_day = 1, destination_id = destination, target_max_cost_bps = 0 }, HttpStatusCode.BadRequest, "auto_cashout.target_invalid");
        await Problem(new { currency = "XXX", trigger = "monthly", monthly_day = 1, destination_id = destination, target_max_cost_bps = 300 }, HttpStatusCode.BadRequest, "currency.unknown");
        await Problem(new { currency = "USD", trigger = "monthly", monthly_day = 1, destination_id = foreign, target_max_cost_bps = 300 }, HttpStatusCode.UnprocessableEntity, "auto_cashout.destination_unknown");
        await Problem(new { currency = "USD", trigger = "monthly", monthly_day = 1, destination_id = destination, method = "crypto", target_max_cost_bps = 300 }, HttpStatusCode.UnprocessableEntity, "auto_cashout.method_mismatch");
        using (var r = await Api.Operator.GetAsync($"/v1/holders/{holder}/auto-cashout"))
        {
            await Json.ExpectProblem(r, HttpStatusCode.NotFound, "auto_cashout.not_found"); // nothing was stored
        }

        var put = await Put(holder, new { currency = "USD", trigger = "monthly", monthly_day = 31, destination_id = destination, method = "bank_transfer", target_max_cost_bps = 250 });
        Assert.True(put.GetProperty("enabled").GetBoolean());
        Assert.Equal("monthly", put.GetProperty("trigger").GetString());
        Assert.Equal(31, put.GetProperty("monthly_day").GetInt32());
        Assert.Equal("2.50", put.GetProperty("target_max_cost_percent").GetString());
        Assert.Equal("bank_transfer", put.GetProperty("method").GetString());

        using (var r = await Api.Operator.GetAsync($"/v1/holders/{holder}/auto-cashout"))
        {
            var got = await Json.Expect(r, HttpStatusCode.OK);
            Assert.Equal(destination, got.GetProperty("destination_id").GetGuid());
            Assert.Equal(0, got.GetProperty("runs").GetArrayLength());
        }

        using (var d = await Api.Operator.DeleteAsync($"/v1/holders/{holder}/auto-cashout"))
        {
            Assert.False((await Json.Expect(d, HttpStatusCode.OK)).GetProperty("enabled").GetBoolean());
        }

        using (var d = await Api.Operator.DeleteAsync($"/v1/holders/{other}/auto-cashout"))
        {
            await Json.ExpectProblem(d, HttpStatusCode.NotFound, "auto_cashout.not_found");
        }

        var kinds = (await Activity(holder)).Select(a => a.Kind).ToList();
        Assert.Contains(AutoCashoutService.ActivityChanged, kinds);
        Assert.Contains(AutoCashoutService.ActivityDisabled, kinds);
    }
}

public sealed class SqliteAutoCashoutTests() : AutoCashoutTests("sqlite");

public sealed class PostgresAutoCashoutTests() : AutoCashoutTests("postgres");

/// <summary>With the jurisdiction profiles' cooling-off: a rule to a new destination is refused for its window, not retried in a loop.</summary>
public abstract class AutoCashoutCoolingOffTests(string backend) : AutoCashoutTestBase(backend)
{
    protected override TimeSpan? CoolingOff => TimeSpan.FromHours(36);

    [Fact]
    public async Task RunDue_DestinationCoolingOff_RefusedOnceThenPaidInALaterWindow()
    {
        var (holder, destination) = await Holder("50.00");
        await Put(holder, new { currency = "USD", trigger = "threshold", threshold = "25.00", destination_id = destination, target_max_cost_bps = 300 });

        await Pass();
        await Pass();

        Assert.Empty(await Cashouts(holder));
        var run = Assert.Single(await Runs(holder));
        Assert.Equal(AutoCashoutOutcome.Refused, run.Outcome);
        Assert.Equal("destination.cooling_off", run.Reason);

        Clock.Advance(TimeSpan.FromDays(2));
        await Pass();
        Assert.Single(await Cashouts(holder));
        Assert.Equal(AutoCashoutOutcome.Created, (await Runs(holder))[0].Outcome);
    }
}

public sealed class SqliteAutoCashoutCoolingOffTests() : AutoCashoutCoolingOffTests("sqlite");

public sealed class PostgresAutoCashoutCoolingOffTests() : AutoCashoutCoolingOffTests("postgres");
