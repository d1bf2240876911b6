using System.Net;
using SmallChange.Core.Staff;
using SmallChange.Tests.Api;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.StaffConsole;

/// <summary>
/// The compliance pages of the console over HTTP, on both backends: the KYC review queue and its decisions, alerts and
/// cases, sanctions hits, reports, providers and the ledger's checkpoint. Officers decide; auditors only read.
/// </summary>
public abstract class ComplianceConsoleTests(string backend) : IAsyncLifetime
{
    private ApiFixture _api = null!;

    public async Task InitializeAsync() => _api = await ConsoleHost.StartAsync(backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>A holder with a pending KYC submission for tier 1 (document X12345678); the holder and submission ids.</summary>
    private async Task<(Guid Holder, Guid Submission)> PendingKyc()
    {
        var holder = await _api.CreateHolder();
        using var r = await KycApiTests.Submit(_api.Operator, holder, KycApiTests.Identity(), Guid.NewGuid().ToString());
        return (holder, (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid());
    }

    private async Task<int> Tier(Guid holder)
    {
        using var r = await _api.Operator.GetAsync($"/v1/holders/{holder}");
        return (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("kyc_tier").GetInt32();
    }

    [Fact]
    public async Task KycQueue_OfficerApprovesWithReason_RaisesTierAndWritesStaffTrail()
    {
        var (holder, submission) = await PendingKyc();
        var (officer, email, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);

        var queue = await officer.Page("/console/kyc");
        Assert.Contains($"href=\"/console/kyc/{submission}\"", queue, StringComparison.Ordinal);
        Assert.Contains("Ava Marie Thompson", queue, StringComparison.Ordinal);
        Assert.DoesNotContain("X12345678", queue, StringComparison.Ordinal); // masked in the list
        var detail = await officer.Page($"/console/kyc/{submission}");
        Assert.Contains("X12345678", detail, StringComparison.Ordinal);
        Assert.Contains("350 Fifth Avenue", detail, StringComparison.Ordinal);
        Assert.Contains("1990-04-17", detail, StringComparison.Ordinal);

        using (var noReason = await officer.Submit($"/console/kyc/{submission}", new() { ["Input.Decision"] = "approve", ["Input.Reason"] = "" }))
        {
            Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
            Assert.Contains("Say why", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await Tier(holder));
        using (var approve = await officer.Submit($"/console/kyc/{submission}", new() { ["Input.Decision"] = "approve", ["Input.Reason"] = "passport matches" }))
        {
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
            Assert.Contains("Recorded: approved", await approve.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, await Tier(holder));
        Assert.DoesNotContain(submission.ToString(), await officer.Page("/console/kyc"), StringComparison.Ordinal);
        var trail = (await _api.Store.ReadAsync(r => r.ListStaffAudit(null, 50))).Items;
        var entry = Assert.Single(trail, e => e.Action == StaffActions.KycDecided);
        Assert.Equal(submission.ToString(), entry.Subject);
        Assert.Contains(email, entry.ActorDisplay, StringComparison.Ordinal);
        Assert.DoesNotContain("Thompson", entry.Detail ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task KycSubmission_Auditor_ReadsWithoutFormAndPostRefused404()
    {
        var (holder, submission) = await PendingKyc();
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);

        var detail = await auditor.Page($"/console/kyc/{submission}");
        Assert.Contains("X12345678", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Record the decision", detail, StringComparison.Ordinal);
        using var post = await auditor.Http.PostAsync($"/console/kyc/{submission}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await ConsoleHost.TokenOf(auditor, "/console"), ["Input.Decision"] = "approve", ["Input.Reason"] = "x",
        }));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(0, await Tier(holder));
        using var missing = await auditor.Http.GetAsync($"/console/kyc/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task KycSubmission_OfficerRejectsThenDecidesAgain_ShowsAlreadyDecided()
    {
        var (holder, submission) = await PendingKyc();
        var (officer, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        var token = await ConsoleHost.TokenOf(officer, $"/console/kyc/{submission}");
        using (var reject = await officer.Submit($"/console/kyc/{submission}", new() { ["Input.Decision"] = "reject", ["Input.Reason"] = "document expired" }))
        {
            Assert.Contains("Recorded: rejected", await reject.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A second tab that still shows the form: the service refuses, the page says why.
        using var again = await officer.Http.PostAsync($"/console/kyc/{submission}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Input.Decision"] = "approve", ["Input.Reason"] = "changed my mind",
        }));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("already rejected", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Tier(holder));
    }
}

public sealed class SqliteComplianceConsoleTests() : ComplianceConsoleTests("sqlite");

public sealed class PostgresComplianceConsoleTests() : ComplianceConsoleTests("postgres");
