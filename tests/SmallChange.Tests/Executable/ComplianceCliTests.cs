using System.Net;
using System.Text.Json;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Executable;

/// <summary>
/// The compliance verbs as the real executable: <c>cases</c>, <c>reports</c>, <c>aml backtest</c> and <c>bench decide</c>,
/// on a SQLite file the in-process API filled (a cash-out held for rapid in-and-out) and the CLI then works on.
/// </summary>
public sealed class ComplianceCliTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero));
    private ApiFixture _api = null!;
    private readonly TempDir _dir = new("cli-compliance");

    public async Task InitializeAsync() => _api = await ApiFixture.StartAsync(o => o with { Clock = _clock });

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>USD 1,500 credited, USD 1,400 cashed out ten minutes later: held, with an open case.</summary>
    private async Task<(Guid Holder, Guid Cashout, Guid Case)> HeldCashout(string credited = "1500.00", string cashedOut = "1400.00", string method = "digital_wallet")
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 2 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder, amount = credited, currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        object body = method == "bank_transfer"
            ? new { kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789" }
            : new { kind = "digital_wallet", country = "US", account_holder_name = "Ava Thompson", email = $"{Guid.NewGuid():N}@example.com" };
        using var d = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(body));
        var destination = (await Json.Expect(d, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        _clock.Advance(TimeSpan.FromMinutes(10));
        using var q = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = cashedOut, currency = "USD", country = "US", method }));
        var quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts") { Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var r = await _api.Operator.SendAsync(request);
        var cashout = await Json.Expect(r, HttpStatusCode.Created);
        Assert.Equal("held", cashout.GetProperty("state").GetString());
        using var cases = await _api.Operator.GetAsync($"/v1/compliance/cases?holder_id={holder}");
        var caseId = (await Json.Expect(cases, HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("id").GetGuid();
        return (holder, cashout.GetProperty("id").GetGuid(), caseId);
    }

    private Task<CliResult> Cli(params string[] args) => SmallChangeExe.Run(_dir.Path, Timeout, [.. args, "--db", _api.Db]);

    [Fact]
    public async Task Cases_ListShowAssignNoteDecide_WorkTheCaseWithTrail()
    {
        var (holder, cashout, caseId) = await HeldCashout();

        var list = await Cli("cases", "list", "--status", "open", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray(), c => c.GetProperty("id").GetGuid() == caseId);

        var assign = await Cli("cases", "assign", caseId.ToString(), "officer-park", "--actor", "lead-choi");
        Assert.True(assign.ExitCode == 0, assign.ToString());
        var note = await Cli("cases", "note", caseId.ToString(), "Asked the holder for the source of the funds.", "--actor", "officer-park");
        Assert.True(note.ExitCode == 0, note.ToString());
        var decide = await Cli("cases", "decide", caseId.ToString(), "reject", "--reason", "No explanation given.", "--actor", "officer-park");
        Assert.True(decide.ExitCode == 0, decide.ToString());
        Assert.Contains("1 rejected", decide.Stdout, StringComparison.Ordinal);

        var show = await Cli("cases", "show", caseId.ToString(), "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        var detail = JsonDocument.Parse(show.Stdout).RootElement;
        Assert.Equal("closed", detail.GetProperty("case").GetProperty("status").GetString());
        Assert.Equal("reject", detail.GetProperty("case").GetProperty("decision").GetString());
        Assert.Equal("officer-park", detail.GetProperty("case").GetProperty("assignee").GetString());
        Assert.Equal(["opened", "alert_added", "assigned", "noted", "decided", "cashout_rejected"],
            detail.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("lead-choi", detail.GetProperty("events")[2].GetProperty("actor").GetString());
        Assert.Equal("aml.rapid_in_out", detail.GetProperty("alerts")[0].GetProperty("rule_id").GetString());
        var text = await Cli("cases", "show", caseId.ToString());
        Assert.Contains("credited_in_window=USD 1500.00", text.Stdout, StringComparison.Ordinal);

        // The decision moved the money: the hold is voided and the balance is back.
        using var c = await _api.Operator.GetAsync($"/v1/cashouts/{cashout}");
        Assert.Equal("rejected", (await Json.Expect(c, HttpStatusCode.OK)).GetProperty("state").GetString());
        Assert.Equal("1500.00", await _api.Available(holder, "USD"));
        await _api.AssertLedgerVerifies();

        var again = await Cli("cases", "decide", caseId.ToString(), "release", "--reason", "Changed my mind.");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("case.conflict", again.Stderr, StringComparison.Ordinal);
        var bad = await Cli("cases", "decide", caseId.ToString(), "maybe", "--reason", "x");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task CasesDecide_ReleaseAboveFourEyesThreshold_SaysPendingAndKeepsTheCaseOpen()
    {
        // USD 4,000 is above the four-eyes line (USD 3,000 in config/four-eyes.json): the CLI files the request, like the console.
        var (_, cashout, caseId) = await HeldCashout("5000.00", "4000.00", "bank_transfer");

        var decide = await Cli("cases", "decide", caseId.ToString(), "release", "--reason", "Source of funds documented.", "--actor", "officer-park");
        Assert.True(decide.ExitCode == 0, decide.ToString());
        Assert.Contains("waiting for a second staff member", decide.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("released", decide.Stdout, StringComparison.Ordinal);

        var show = await Cli("cases", "show", caseId.ToString(), "--json");
        Assert.Equal("open", JsonDocument.Parse(show.Stdout).RootElement.GetProperty("case").GetProperty("status").GetString());
        using var c = await _api.Operator.GetAsync($"/v1/cashouts/{cashout}");
        Assert.Equal("held", (await Json.Expect(c, HttpStatusCode.OK)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Reports_FileReportThenListAndShow_WritesTheDocuments()
    {
        var (holder, _, caseId) = await HeldCashout();
        var decide = await Cli("cases", "decide", caseId.ToString(), "file_report", "--reason", "Credited and withdrawn within ten minutes.");
        Assert.True(decide.ExitCode == 0, decide.ToString());

        var list = await Cli("reports", "list", "--kind", "sar", "--holder", holder.ToString(), "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var report = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ToList());
        var id = report.GetProperty("id").GetGuid();
        Assert.Equal("ready", report.GetProperty("status").GetString());

        var show = await Cli("reports", "show", id.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("SAR SAR-US-CASE-", show.Stdout, StringComparison.Ordinal);
        var xmlPath = _dir.File("sar.xml");
        var xml = await Cli("reports", "show", id.ToString(), "--format", "fincen-bsa-xml", "--out", xmlPath);
        Assert.True(xml.ExitCode == 0, xml.ToString());
        Assert.Contains("SARX", await File.ReadAllTextAsync(xmlPath), StringComparison.Ordinal);
        var csv = await Cli("reports", "show", id.ToString(), "--format", "csv");
        Assert.StartsWith("report_ref,case_ref,", csv.Stdout, StringComparison.Ordinal);
        var none = await Cli("reports", "show", id.ToString(), "--format", "goaml");
        Assert.Equal(1, none.ExitCode);
    }

    [Fact]
    public async Task AmlBacktest_StoredRapidInOut_CountsTheRuleAndRespectsTheRuleFilter()
    {
        await HeldCashout();

        var all = await Cli("aml", "backtest", "--from", "2026-11-01", "--to", "2026-11-03", "--json");
        Assert.True(all.ExitCode == 0, all.ToString());
        var report = JsonDocument.Parse(all.Stdout).RootElement;
        Assert.Equal(1, report.GetProperty("cashouts_evaluated").GetInt64());
        Assert.Equal(1, report.GetProperty("credits_evaluated").GetInt64());
        Assert.Equal(1, report.GetProperty("cashouts_held").GetInt64());
        var rapid = report.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("rule_id").GetString() == "aml.rapid_in_out");
        Assert.Equal(1, rapid.GetProperty("alerts").GetInt64());
        Assert.Equal(1, rapid.GetProperty("holders").GetInt64());
        Assert.Equal(11, report.GetProperty("rules").GetArrayLength());

        var one = await Cli("aml", "backtest", "--from", "2026-11-01", "--to", "2026-11-03", "--rule", "aml.velocity", "--json");
        var velocity = JsonDocument.Parse(one.Stdout).RootElement;
        Assert.Equal(["aml.velocity"], velocity.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("rule_id").GetString()));
        Assert.Equal(0, velocity.GetProperty("alerts").GetInt64());

        var before = await Cli("aml", "backtest", "--from", "2026-10-01", "--to", "2026-10-31", "--json");
        Assert.Equal(0, JsonDocument.Parse(before.Stdout).RootElement.GetProperty("cashouts_evaluated").GetInt64());
        var unknown = await Cli("aml", "backtest", "--from", "2026-11-01", "--to", "2026-11-03", "--rule", "aml.nope");
        Assert.Equal(2, unknown.ExitCode);
    }

    [Fact]
    public async Task BenchDecide_SmallStore_PrintsRateAndP99()
    {
        var result = await SmallChangeExe.Run(_dir.Path, TimeSpan.FromMinutes(5), "bench", "decide", "--json", "--holders", "40", "--days", "8", "--decisions", "300", "--concurrency", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.True(json.GetProperty("decisions_per_second").GetInt64() > 0);
        Assert.True(json.GetProperty("p99_ms").GetDouble() > 0);
        Assert.Equal(300, json.GetProperty("decisions").GetInt32());
        Assert.Contains("ofac_sdn@", json.GetProperty("lists").GetString(), StringComparison.Ordinal);
        Assert.Contains("un@", json.GetProperty("lists").GetString(), StringComparison.Ordinal);
        Assert.True(json.GetProperty("credits").GetInt64() > 0);
    }
}
