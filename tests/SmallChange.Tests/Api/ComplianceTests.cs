using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// AML and sanctions wired in, end to end over HTTP: a suspicious cash-out is held with an alert in the holder's case;
/// the officer's decision releases it (the payout goes out) or rejects it (the hold is voided, the balance returns) or
/// files a suspicious activity report; a currency transaction report appears when a day's cash-outs reach the threshold;
/// a sanctioned name alerts at holder creation and holds a cash-out; the credit monitor raises alerts on credits once.
/// The workers are driven by hand on a manual clock.
/// </summary>
public abstract class ComplianceTests(string backend) : IAsyncLifetime
{
    private const string SanctionedName = "THARWAT SALAH SHIHATA";

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero));
    private readonly SandboxOptions _sandbox = new() { SettleDelay = TimeSpan.FromMinutes(1), FailureBps = 0, ReturnBps = 0 };
    private ApiFixture _api = null!;

    public async Task InitializeAsync() => _api = await ApiFixture.StartAsync(o => o with { Clock = _clock, Sandbox = _sandbox }, backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private CashoutProcessor Processor => _api.App.Services.GetRequiredService<CashoutProcessor>();

    private async Task<(Guid Holder, TestSource Source)> FundedHolder(string amount, string name = "Ava Thompson", int tier = 2)
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder(name: name);
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        await Credit(source, holder, amount);
        return (holder, source);
    }

    private static async Task Credit(TestSource source, Guid holder, string amount)
    {
        using var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder, amount, currency = "USD" }));
        await Json.Expect(c, HttpStatusCode.Created);
    }

    private async Task<Guid> Destination(Guid holder, object? body = null)
    {
        using var r = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(body ?? new
        {
            kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021",
            account_number = Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        return (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    private async Task<HttpResponseMessage> CashOut(Guid holder, Guid destination, string amount, string method = "bank_transfer")
    {
        using var q = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount, currency = "USD", country = "US", method }));
        var quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts") { Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await _api.Operator.SendAsync(request);
    }

    private async Task<JsonElement> Get(string path)
    {
        using var r = await _api.Operator.GetAsync(path);
        return await Json.Expect(r, HttpStatusCode.OK);
    }

    private async Task<JsonElement> Post(string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var r = await _api.Operator.PostAsync(path, Json.Body(body));
        return await Json.Expect(r, expected);
    }

    private async Task RunPayouts()
    {
        await Processor.DispatchDue(1_000, CancellationToken.None);
        _clock.Advance(_sandbox.SettleDelay + TimeSpan.FromSeconds(1));
        await Processor.Settle(1_000, CancellationToken.None);
    }

    /// <summary>USD 1,500 credited, USD 1,400 cashed out ten minutes later: rapid in-and-out holds it.</summary>
    private async Task<(Guid Holder, Guid Cashout, Guid Case)> HeldRapidInOut()
    {
        var (holder, _) = await FundedHolder("1500.00");
        var destination = await Destination(holder);
        _clock.Advance(TimeSpan.FromMinutes(10));
        using var r = await CashOut(holder, destination, "1400.00");
        var cashout = await Json.Expect(r, HttpStatusCode.Created);
        Assert.Equal("held", cashout.GetProperty("state").GetString());
        Assert.Equal(RapidInOutRule(), cashout.GetProperty("failure_reason").GetString());
        var cases = await Get($"/v1/compliance/cases?holder_id={holder}&status=open");
        var c = Assert.Single(cases.GetProperty("items").EnumerateArray().ToList());
        return (holder, cashout.GetProperty("id").GetGuid(), c.GetProperty("id").GetGuid());
    }

    private static string RapidInOutRule() => Core.Compliance.Aml.Rules.RapidInOutRule.RuleId;

    [Fact]
    public async Task Cashout_RapidInOut_HeldWithAlertCaseAndEveryDecisionArchived()
    {
        var (holder, cashoutId, caseId) = await HeldRapidInOut();

        var cashout = await Get($"/v1/cashouts/{cashoutId}");
        var checks = cashout.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal("pass", checks.Single(c => c.GetProperty("check").GetString() == "sanctions").GetProperty("outcome").GetString());
        var aml = checks.Single(c => c.GetProperty("check").GetString() == "aml");
        Assert.Equal("review", aml.GetProperty("outcome").GetString());
        Assert.Equal("aml.rapid_in_out", aml.GetProperty("reason").GetString());
        Assert.Equal("pass", checks.Single(c => c.GetProperty("check").GetString() == "funds").GetProperty("outcome").GetString());
        Assert.Equal("100.00", await _api.Available(holder, "USD"));

        var alert = Assert.Single((await Get($"/v1/compliance/alerts?holder_id={holder}")).GetProperty("items").EnumerateArray().ToList());
        Assert.Equal("aml.rapid_in_out", alert.GetProperty("rule_id").GetString());
        Assert.Equal(1, alert.GetProperty("rule_version").GetInt32());
        Assert.Equal("hold", alert.GetProperty("outcome").GetString());
        Assert.Equal(caseId, alert.GetProperty("case_id").GetGuid());
        Assert.Equal("cashout", alert.GetProperty("subject").GetProperty("kind").GetString());
        Assert.Equal(cashoutId, alert.GetProperty("subject").GetProperty("id").GetGuid());
        var figures = alert.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal("USD 1500.00", figures["credited_in_window"]);
        Assert.Equal("93.33%", figures["share"]);

        var evaluation = Assert.Single((await Get($"/v1/compliance/cashouts/{cashoutId}/decisions")).EnumerateArray().ToList());
        Assert.Equal("hold", evaluation.GetProperty("outcome").GetString());
        var decisions = evaluation.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(11, decisions.Count);
        Assert.All(decisions, d => Assert.NotEmpty(d.GetProperty("figures").EnumerateArray()));
        Assert.Equal(["aml.rapid_in_out"], decisions.Where(d => d.GetProperty("outcome").GetString() != "allow").Select(d => d.GetProperty("rule_id").GetString()));

        // Held: nothing goes to the provider until a decision.
        await RunPayouts();
        Assert.Equal("held", (await Get($"/v1/cashouts/{cashoutId}")).GetProperty("state").GetString());
        Assert.Empty(await _api.Store.ReadAsync(r => r.ListSandboxPayments()));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Decide_Release_PayoutSentAndCaseClosedWithTrail()
    {
        var (holder, cashoutId, caseId) = await HeldRapidInOut();
        await Post($"/v1/compliance/cases/{caseId}/assign", new { assignee = "officer-kim", officer = "lead-lee" });
        await Post($"/v1/compliance/cases/{caseId}/notes", new { text = "Holder confirmed the payout is a creator advance.", officer = "officer-kim" }, HttpStatusCode.Created);

        var decision = await Post($"/v1/compliance/cases/{caseId}/decision", new { decision = "release", reason = "Explained and documented.", officer = "officer-kim" });

        Assert.Equal([cashoutId], decision.GetProperty("released_cashouts").EnumerateArray().Select(x => x.GetGuid()));
        Assert.Equal("closed", decision.GetProperty("case").GetProperty("status").GetString());
        Assert.Equal("release", decision.GetProperty("case").GetProperty("decision").GetString());
        Assert.Equal("approved", (await Get($"/v1/cashouts/{cashoutId}")).GetProperty("state").GetString());
        await RunPayouts();
        Assert.Equal("paid", (await Get($"/v1/cashouts/{cashoutId}")).GetProperty("state").GetString());
        Assert.Single(await _api.Store.ReadAsync(r => r.ListSandboxPayments()));
        Assert.Equal("100.00", await _api.Available(holder, "USD"));

        var detail = await Get($"/v1/compliance/cases/{caseId}");
        var trail = detail.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["opened", "alert_added", "assigned", "noted", "decided", "cashout_released"], trail.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(Enumerable.Range(1, 6), trail.Select(e => e.GetProperty("sequence").GetInt32()));
        Assert.StartsWith("lead-lee (key:", trail[2].GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("officer-kim (key:", trail[4].GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal("officer-kim", detail.GetProperty("case").GetProperty("assignee").GetString());
        Assert.Single(detail.GetProperty("alerts").EnumerateArray());

        using var again = await _api.Operator.PostAsync($"/v1/compliance/cases/{caseId}/decision", Json.Body(new { decision = "reject", reason = "second thoughts" }));
        await Json.ExpectProblem(again, HttpStatusCode.Conflict, "case.conflict");
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Decide_Reject_HoldVoidedAndBalanceReturns()
    {
        var (holder, cashoutId, caseId) = await HeldRapidInOut();

        var decision = await Post($"/v1/compliance/cases/{caseId}/decision", new { decision = "reject", reason = "Pass-through pattern, no explanation." });

        Assert.Equal([cashoutId], decision.GetProperty("rejected_cashouts").EnumerateArray().Select(x => x.GetGuid()));
        var cashout = await Get($"/v1/cashouts/{cashoutId}");
        Assert.Equal("rejected", cashout.GetProperty("state").GetString());
        Assert.Equal("case.rejected", cashout.GetProperty("failure_reason").GetString());
        Assert.Equal("1500.00", await _api.Available(holder, "USD"));
        await RunPayouts();
        Assert.Empty(await _api.Store.ReadAsync(r => r.ListSandboxPayments()));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Decide_FileReport_SarStoredWithXmlAndCsvAndCashoutRefused()
    {
        var (holder, cashoutId, caseId) = await HeldRapidInOut();

        using (var noReason = await _api.Operator.PostAsync($"/v1/compliance/cases/{caseId}/decision", Json.Body(new { decision = "file_report" })))
        {
            await Json.ExpectProblem(noReason, HttpStatusCode.BadRequest, "case.reason_required");
        }

        var decision = await Post($"/v1/compliance/cases/{caseId}/decision",
            new { decision = "file_report", reason = "Funds credited and withdrawn within ten minutes with no business purpose." });

        var report = decision.GetProperty("report");
        Assert.Equal("sar", report.GetProperty("kind").GetString());
        Assert.Equal(holder, report.GetProperty("holder_id").GetGuid());
        Assert.Equal(caseId, report.GetProperty("case_id").GetGuid());
        Assert.Equal("1400.00", report.GetProperty("amount").GetProperty("amount").GetString());
        Assert.Equal(["fincen-bsa-xml", "csv"], report.GetProperty("formats").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("rejected", (await Get($"/v1/cashouts/{cashoutId}")).GetProperty("state").GetString());
        Assert.Equal("1500.00", await _api.Available(holder, "USD"));

        var id = report.GetProperty("id").GetGuid();
        using var xml = await _api.Operator.GetAsync($"/v1/compliance/reports/{id}/files/fincen-bsa-xml");
        Assert.Equal(HttpStatusCode.OK, xml.StatusCode);
        var text = Encoding.UTF8.GetString(await xml.Content.ReadAsByteArrayAsync());
        Assert.Contains("SARX", text, StringComparison.Ordinal);
        Assert.Contains("SuspiciousActivitySubtypeID>925<", text, StringComparison.Ordinal); // rapid movement: no apparent economic purpose
        using var csv = await _api.Operator.GetAsync($"/v1/compliance/reports/{id}/files/csv");
        Assert.Contains(caseId.ToString("N").ToUpperInvariant(), await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(id, Assert.Single((await Get($"/v1/compliance/reports?kind=sar&holder_id={holder}")).GetProperty("items").EnumerateArray().ToList()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Cashouts_DayTotalReachesThreshold_HeldThenReleasedAndCtrGenerated()
    {
        var (holder, _) = await FundedHolder("12000.00");
        var destination = await Destination(holder);
        _clock.Advance(TimeSpan.FromHours(2)); // past the rapid in-and-out window
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            using var r = await CashOut(holder, destination, "2500.00");
            var c = await Json.Expect(r, HttpStatusCode.Created);
            Assert.Equal("approved", c.GetProperty("state").GetString());
            ids.Add(c.GetProperty("id").GetGuid());
            _clock.Advance(TimeSpan.FromMinutes(70)); // past the velocity window
        }

        Assert.Empty((await Get($"/v1/compliance/reports?kind=ctr&holder_id={holder}")).GetProperty("items").EnumerateArray());

        // The fourth brings the New York day to USD 10,000: the daily-total rule holds it for review (a CTR will be due).
        using var fourth = await CashOut(holder, destination, "2500.00");
        var held = await Json.Expect(fourth, HttpStatusCode.Created);
        Assert.Equal("held", held.GetProperty("state").GetString());
        Assert.Equal("aml.daily_total", held.GetProperty("failure_reason").GetString());
        var caseId = Assert.Single((await Get($"/v1/compliance/cases?holder_id={holder}")).GetProperty("items").EnumerateArray().ToList()).GetProperty("id").GetGuid();

        await Post($"/v1/compliance/cases/{caseId}/decision", new { decision = "release", reason = "Known customer; CTR to be filed." });

        var ctr = Assert.Single((await Get($"/v1/compliance/reports?kind=ctr&holder_id={holder}")).GetProperty("items").EnumerateArray().ToList());
        Assert.Equal("10000.00", ctr.GetProperty("amount").GetProperty("amount").GetString());
        Assert.Equal(4, ctr.GetProperty("transaction_count").GetInt32());
        Assert.Equal("2026-11-02", ctr.GetProperty("period_from").GetString());
        Assert.Equal("ready", ctr.GetProperty("status").GetString());
        Assert.StartsWith("CTR-US-20261102-", ctr.GetProperty("reference").GetString(), StringComparison.Ordinal);
        var id = ctr.GetProperty("id").GetGuid();
        using var xml = await _api.Operator.GetAsync($"/v1/compliance/reports/{id}/files/fincen-bsa-xml");
        Assert.Equal(HttpStatusCode.OK, xml.StatusCode);
        Assert.Contains("CTRX", await xml.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var filed = await Post($"/v1/compliance/reports/{id}/filed", new { });
        Assert.Equal("filed", filed.GetProperty("status").GetString());
        using var twice = await _api.Operator.PostAsync($"/v1/compliance/reports/{id}/filed", Json.Body(new { }));
        await Json.ExpectProblem(twice, HttpStatusCode.Conflict, "report.conflict");
    }

    [Fact]
    public async Task SanctionedName_AlertAtHolderCreationAndCashoutHeld()
    {
        var (holder, _) = await FundedHolder("100.00", name: SanctionedName);
        var alert = Assert.Single((await Get($"/v1/compliance/alerts?holder_id={holder}&rule_id=sanctions.screening")).GetProperty("items").EnumerateArray().ToList());
        Assert.Equal("holder", alert.GetProperty("subject").GetProperty("kind").GetString());
        var figures = alert.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString()!);
        Assert.StartsWith("un:", figures["entry"], StringComparison.Ordinal);
        Assert.True(double.Parse(figures["score"], System.Globalization.CultureInfo.InvariantCulture) >= 0.86);

        var destination = await Destination(holder);
        _clock.Advance(TimeSpan.FromHours(2));
        using var r = await CashOut(holder, destination, "50.00");
        var cashout = await Json.Expect(r, HttpStatusCode.Created);

        Assert.Equal("held", cashout.GetProperty("state").GetString());
        Assert.Equal("sanctions.screening", cashout.GetProperty("failure_reason").GetString());
        var alerts = (await Get($"/v1/compliance/alerts?holder_id={holder}&rule_id=sanctions.screening")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, alerts.Count);
        Assert.Single((await Get($"/v1/compliance/cases?holder_id={holder}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Cashout_CryptoWithoutTravelRuleData_RejectedNamingTheRule()
    {
        var (holder, _) = await FundedHolder("4000.00");
        var destination = await Destination(holder, new { kind = "crypto", country = "US", network = "ethereum", address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", asset = "USDC" });
        _clock.Advance(TimeSpan.FromHours(2));

        using var r = await CashOut(holder, destination, "3100.00", "crypto");

        var problem = await Json.ExpectProblem(r, HttpStatusCode.UnprocessableEntity, "cashout.rejected");
        var cashout = problem.GetProperty("cashout");
        Assert.Equal("rejected", cashout.GetProperty("state").GetString());
        Assert.Equal("aml.travel_rule", cashout.GetProperty("failure_reason").GetString());
        Assert.Equal("4000.00", await _api.Available(holder, "USD"));
        Assert.Contains((await Get($"/v1/compliance/alerts?holder_id={holder}&outcome=reject")).GetProperty("items").EnumerateArray(),
            a => a.GetProperty("rule_id").GetString() == "aml.travel_rule");
    }

    [Fact]
    public async Task CreditMonitor_FanInFromSixSources_OneAlertOnceAcrossTwoNodes()
    {
        var holder = await _api.CreateHolder();
        var sources = new List<TestSource>();
        for (var i = 0; i < 6; i++)
        {
            sources.Add(await _api.CreateSource("USD"));
        }

        foreach (var s in sources)
        {
            _clock.Advance(TimeSpan.FromMinutes(5));
            await Credit(s, holder, "3.00");
        }

        // Two monitors on one store, as on two nodes: every credit is evaluated once between them.
        var one = _api.App.Services.GetRequiredService<AmlCreditMonitor>();
        var other = ActivatorUtilities.CreateInstance<AmlCreditMonitor>(_api.App.Services);
        var rounds = await Task.WhenAll(one.RunOnce(), other.RunOnce());
        while ((await one.RunOnce()).Leaves > 0)
        {
        }

        Assert.Equal(6, rounds.Where(r => !r.Lost).Sum(r => r.Credits));
        Assert.Single(rounds, r => r.Leaves > 0 && !r.Lost);
        var alert = Assert.Single((await Get($"/v1/compliance/alerts?holder_id={holder}")).GetProperty("items").EnumerateArray().ToList());
        Assert.Equal("aml.fan_in", alert.GetProperty("rule_id").GetString());
        Assert.Equal("credit", alert.GetProperty("subject").GetProperty("kind").GetString());
        var figures = alert.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal("6", figures["sources"]);

        // A restart (a new monitor) continues from the stored position: nothing is evaluated twice.
        var restarted = ActivatorUtilities.CreateInstance<AmlCreditMonitor>(_api.App.Services);
        Assert.Equal(0, (await restarted.RunOnce()).Leaves);
        Assert.Single((await Get($"/v1/compliance/alerts?holder_id={holder}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task SourceFunding_CarrierBilling_CreditCyclingHoldsCashout()
    {
        var source = await _api.CreateSource("USD");
        using (var f = await _api.Operator.PutAsync($"/v1/compliance/sources/{source.Id}/funding", Json.Body(new { funding = "carrier_billing" })))
        {
            Assert.Equal("carrier_billing", (await Json.Expect(f, HttpStatusCode.OK)).GetProperty("funding").GetString());
        }

        var holder = await _api.CreateHolder();
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 1 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        await Credit(source, holder, "200.00");
        var destination = await Destination(holder);
        _clock.Advance(TimeSpan.FromHours(3)); // past rapid in-and-out, within credit cycling's 24 hours

        using var r = await CashOut(holder, destination, "180.00");

        var cashout = await Json.Expect(r, HttpStatusCode.Created);
        Assert.Equal("held", cashout.GetProperty("state").GetString());
        Assert.Equal("aml.credit_cycling", cashout.GetProperty("failure_reason").GetString());
    }

    [Fact]
    public async Task ListAlertsAndCases_Filters_OnlyMatching()
    {
        var (a, _, caseA) = await HeldRapidInOut();
        var (b, _, caseB) = await HeldRapidInOut();

        Assert.All((await Get($"/v1/compliance/alerts?holder_id={a}")).GetProperty("items").EnumerateArray(), x => Assert.Equal(a, x.GetProperty("holder_id").GetGuid()));
        Assert.Single((await Get($"/v1/compliance/alerts?holder_id={a}")).GetProperty("items").EnumerateArray());
        Assert.Equal(caseB, Assert.Single((await Get($"/v1/compliance/alerts?case_id={caseB}")).GetProperty("items").EnumerateArray().ToList()).GetProperty("case_id").GetGuid());
        Assert.Equal(2, (await Get("/v1/compliance/alerts?rule_id=aml.rapid_in_out&outcome=hold")).GetProperty("items").GetArrayLength());
        Assert.Empty((await Get("/v1/compliance/alerts?rule_id=aml.velocity")).GetProperty("items").EnumerateArray());
        Assert.Equal(caseA, Assert.Single((await Get($"/v1/compliance/cases?holder_id={a}")).GetProperty("items").EnumerateArray().ToList()).GetProperty("id").GetGuid());
        var page = await Get("/v1/compliance/cases?status=open&limit=1");
        Assert.Single(page.GetProperty("items").EnumerateArray());
        var next = await Get($"/v1/compliance/cases?status=open&limit=1&cursor={page.GetProperty("next_cursor").GetString()}");
        Assert.NotEqual(page.GetProperty("items")[0].GetProperty("id").GetGuid(), next.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Empty((await Get($"/v1/compliance/reports?holder_id={b}")).GetProperty("items").EnumerateArray());
        using var bad = await _api.Operator.GetAsync("/v1/compliance/alerts?outcome=maybe");
        await Json.ExpectProblem(bad, HttpStatusCode.BadRequest, "alert.outcome_invalid");
    }

    [Fact]
    public async Task ComplianceRoutes_SourceKey_NotFound()
    {
        var source = await _api.CreateSource("USD");
        using var r = await source.Client.GetAsync("/v1/compliance/cases");
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "resource.not_found");
    }
}

public sealed class SqliteComplianceTests() : ComplianceTests("sqlite");

public sealed class PostgresComplianceTests() : ComplianceTests("postgres");
