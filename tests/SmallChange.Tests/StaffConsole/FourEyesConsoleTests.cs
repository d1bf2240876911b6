using System.Net;
using System.Text.Json;
using SmallChange.Core.Staff;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.StaffConsole;

/// <summary>
/// Four-eyes end to end over HTTP: a release above the threshold, asked for over the operator API or in the console,
/// waits for a second, different staff member in the console; the requester cannot approve it; a fee schedule change
/// is not quoted until a second operator admin approves it.
/// </summary>
public abstract class FourEyesConsoleTests(string backend) : IAsyncLifetime
{
    private ApiFixture _api = null!;

    public async Task InitializeAsync() => _api = await ConsoleHost.StartAsync(backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>USD 1,500 credited and USD 1,400 cashed out at once: rapid in-and-out holds it (above the USD 100 threshold).</summary>
    private async Task<(Guid Cashout, Guid Case)> HeldCashout()
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 2 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder, amount = "1500.00", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        using var d = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(new
        {
            kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789",
        }));
        var destination = (await Json.Expect(d, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var q = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "1400.00", currency = "USD", country = "US", method = "bank_transfer" }));
        var quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts") { Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var r = await _api.Operator.SendAsync(request);
        var cashout = await Json.Expect(r, HttpStatusCode.Created);
        Assert.Equal("held", cashout.GetProperty("state").GetString());
        using var cases = await _api.Operator.GetAsync($"/v1/compliance/cases?holder_id={holder}&status=open");
        var caseId = (await Json.Expect(cases, HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("id").GetGuid();
        return (cashout.GetProperty("id").GetGuid(), caseId);
    }

    private async Task<string> State(Guid cashout)
    {
        using var r = await _api.Operator.GetAsync($"/v1/cashouts/{cashout}");
        return (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("state").GetString()!;
    }

    private static async Task<HttpResponseMessage> Decide(PortalBrowser officer, Guid approvalId, string handler)
    {
        var html = await officer.Page("/console/approvals");
        return await officer.Http.PostAsync($"/console/approvals?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PortalBrowser.Token(html), ["approvalId"] = approvalId.ToString(), ["note"] = "checked",
        }));
    }

    [Fact]
    public async Task ApiRelease_AboveThreshold_Answers202AndOnlyAStaffMemberReleases()
    {
        var (cashout, caseId) = await HeldCashout();

        using var first = await _api.Operator.PostAsync($"/v1/compliance/cases/{caseId}/decision", Json.Body(new { decision = "release", reason = "Explained.", officer = "officer-kim" }));
        var body = await Json.Expect(first, HttpStatusCode.Accepted);
        Assert.Equal("open", body.GetProperty("case").GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("released_cashouts").EnumerateArray());
        var approvalId = body.GetProperty("pending_approval").GetProperty("id").GetGuid();
        Assert.Equal("pending", body.GetProperty("pending_approval").GetProperty("status").GetString());

        // The same key naming another officer is still one requester: no release, the same request.
        using var second = await _api.Operator.PostAsync($"/v1/compliance/cases/{caseId}/decision", Json.Body(new { decision = "release", reason = "Explained.", officer = "officer-lee" }));
        Assert.Equal(approvalId, (await Json.Expect(second, HttpStatusCode.Accepted)).GetProperty("pending_approval").GetProperty("id").GetGuid());
        Assert.Equal("held", await State(cashout));
        using (var approveOverApi = await _api.Operator.PostAsync($"/v1/compliance/approvals/{approvalId}/approve", Json.Body(new { })))
        {
            Assert.True(approveOverApi.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{(int)approveOverApi.StatusCode}");
        }

        using var listed = await _api.Operator.GetAsync("/v1/compliance/approvals?status=pending");
        Assert.Contains((await Json.Expect(listed, HttpStatusCode.OK)).GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == approvalId);

        var (officer, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        Assert.Contains("1400.00", await officer.Page("/console/approvals"), StringComparison.Ordinal);
        using var approved = await Decide(officer, approvalId, "Approve");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("Approved", await approved.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal("approved", await State(cashout));
        using var c = await _api.Operator.GetAsync($"/v1/compliance/cases/{caseId}");
        var detail = await Json.Expect(c, HttpStatusCode.OK);
        Assert.Equal("release", detail.GetProperty("case").GetProperty("decision").GetString());
        Assert.Contains("approved by", detail.GetProperty("case").GetProperty("decided_by").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleRelease_RequesterCannotApproveAndSecondOfficerReleases()
    {
        var (cashout, caseId) = await HeldCashout();
        var (a, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        var (b, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);

        using var release = await a.Submit($"/console/cases/{caseId}", new() { ["Input.Decision"] = "release", ["Input.Reason"] = "Holder explained the advance." });
        Assert.Contains("needs a second compliance officer", await release.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("held", await State(cashout));
        var approvalId = (await _api.Store.ReadAsync(r => r.ListApprovals(new Core.Ports.ApprovalFilter(ApprovalStatus.Pending), null, 10))).Items.Single().Id.Value;

        // No approve button for one's own request, and a forged approve is refused.
        Assert.DoesNotContain("handler=Approve", await a.Page("/console/approvals"), StringComparison.Ordinal);
        using var self = await Decide(a, approvalId, "Approve");
        Assert.Contains("a different staff member must approve it", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("held", await State(cashout));

        // Without the form's token, the second officer's approval is refused too.
        using (var noToken = await b.PostRaw("/console/approvals?handler=Approve", new() { ["approvalId"] = approvalId.ToString() }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        }

        using var approved = await Decide(b, approvalId, "Approve");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("approved", await State(cashout));
        var trail = (await _api.Store.ReadAsync(r => r.ListStaffAudit(null, 50))).Items.Select(e => e.Action).ToList();
        Assert.Contains(StaffActions.ReleaseRequested, trail);
        Assert.Contains(StaffActions.ReleaseApproved, trail);
        Assert.Contains("approved by", await b.Page($"/console/cases/{caseId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleReject_WhileReleasePending_CancelsTheRequestAndReturnsTheFunds()
    {
        var (cashout, caseId) = await HeldCashout();
        var (a, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        (await a.Submit($"/console/cases/{caseId}", new() { ["Input.Decision"] = "release", ["Input.Reason"] = "ok" })).Dispose();

        using var reject = await a.Submit($"/console/cases/{caseId}", new() { ["Input.Decision"] = "reject", ["Input.Reason"] = "No explanation after all." });

        Assert.Contains("Decided: reject", await reject.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("rejected", await State(cashout));
        var all = (await _api.Store.ReadAsync(r => r.ListApprovals(new Core.Ports.ApprovalFilter(), null, 10))).Items;
        Assert.Equal(ApprovalStatus.Cancelled, Assert.Single(all).Status);
    }

    [Fact]
    public async Task FeeChange_NotQuotedUntilASecondAdminApproves()
    {
        var holder = await _api.CreateHolder();
        async Task<string> Fee()
        {
            using var q = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "100.00", currency = "USD", country = "US", method = "bank_transfer" }));
            var options = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("options").EnumerateArray();
            return options.Single(o => o.GetProperty("provider_id").GetString() == "sandbox-bank").GetProperty("total_fee").GetProperty("amount").GetString()!;
        }

        var before = await Fee();
        var (a, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.OperatorAdmin);
        var (b, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.OperatorAdmin);
        var setup = _api.App.Services.GetService(typeof(Core.Cashouts.PayoutSetup)) as Core.Cashouts.PayoutSetup;
        var offering = setup!.Catalog.Find("sandbox-bank")!.OfferingFor(Core.Providers.PayoutMethod.BankTransfer)!;
        var fees = Core.Providers.FeeScheduleJson.Write(offering.Fees with { Flat = offering.Fees.Flat.ToDictionary(kv => kv.Key, kv => kv.Value + Core.Money.Money.FromIsoMinor(100, kv.Key)) });

        using var proposed = await a.Submit("/console/fees", new() { ["Input.Offering"] = "sandbox-bank/bank_transfer", ["Input.Fees"] = fees, ["Input.Reason"] = "New contract." });
        Assert.Contains("Proposed:", await proposed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await Fee());

        var approvalId = (await _api.Store.ReadAsync(r => r.ListApprovals(new Core.Ports.ApprovalFilter(ApprovalStatus.Pending), null, 10))).Items.Single().Id.Value;
        using (var self = await Decide(a, approvalId, "Approve"))
        {
            Assert.Contains("a different staff member must approve it", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await Fee());
        using var approved = await Decide(b, approvalId, "Approve");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        var after = await Fee();
        Assert.Equal(decimal.Parse(before, System.Globalization.CultureInfo.InvariantCulture) + 1m, decimal.Parse(after, System.Globalization.CultureInfo.InvariantCulture));
        var page = await b.Page("/console/fees");
        Assert.Contains("approved change v1", page, StringComparison.Ordinal);
        Assert.Contains("New contract.", page, StringComparison.Ordinal);
    }
}

public sealed class SqliteFourEyesConsoleTests() : FourEyesConsoleTests("sqlite");

public sealed class PostgresFourEyesConsoleTests() : FourEyesConsoleTests("postgres");
