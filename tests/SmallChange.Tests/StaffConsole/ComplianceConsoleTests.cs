using System.Net;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>USD 1,500 credited and USD 1,400 cashed out at once: an AML rule holds it and opens a case. The case id.</summary>
    private async Task<Guid> HeldCase()
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
        Assert.Equal("held", (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("state").GetString());
        using var cases = await _api.Operator.GetAsync($"/v1/compliance/cases?holder_id={holder}&status=open");
        return (await Json.Expect(cases, HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("id").GetGuid();
    }

    private async Task<IReadOnlyList<Core.Compliance.Cases.Alert>> AlertsOf(Guid caseId) =>
        (await _api.Store.ReadAsync(r => r.ListAlerts(new Core.Ports.AlertFilter(Case: new Core.Compliance.Cases.CaseId(caseId)), null, 50))).Items;

    [Fact]
    public async Task Cases_FilterByStatusAndRule_ListsOnlyMatchingCases()
    {
        var caseId = await HeldCase();
        var alert = (await AlertsOf(caseId))[0];
        var reference = new Core.Compliance.Cases.CaseId(caseId).Reference;
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);

        Assert.Contains(reference, await auditor.Page("/console/cases"), StringComparison.Ordinal);
        Assert.Contains(reference, await auditor.Page($"/console/cases?status=all&rule={Uri.EscapeDataString(alert.RuleId)}"), StringComparison.Ordinal);
        Assert.DoesNotContain(reference, await auditor.Page("/console/cases?status=closed"), StringComparison.Ordinal);
        Assert.DoesNotContain(reference, await auditor.Page("/console/cases?status=all&rule=no.such.rule"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Case_OfficerAssignsAndNotes_ShownWithEveryAlertsRuleAndFigures()
    {
        var caseId = await HeldCase();
        var alert = (await AlertsOf(caseId))[0];
        var (officer, email, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        var path = $"/console/cases/{caseId}";

        var page = System.Net.WebUtility.HtmlDecode(await officer.Page(path));
        Assert.Contains($"{alert.RuleId}</code> v{alert.RuleVersion}", page, StringComparison.Ordinal);
        Assert.Contains(alert.Explanation, page, StringComparison.Ordinal);
        Assert.NotEmpty(alert.Figures);
        Assert.All(alert.Figures, f => Assert.Contains($"<dt>{f.Name}</dt><dd>{f.Value}</dd>", page, StringComparison.Ordinal));

        using (var assign = await officer.Submit(path, new() { ["assignee"] = email }, path + "?handler=Assign"))
        {
            Assert.Contains($"Assigned to {email}", await assign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var empty = await officer.Submit(path, new() { ["note"] = " " }, path + "?handler=Note"))
        {
            Assert.Contains("text is 1 to", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var note = await officer.Submit(path, new() { ["note"] = "Called the holder; payroll confirmed." }, path + "?handler=Note"))
        {
            Assert.Contains("Note added.", await note.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var stored = await _api.Store.ReadAsync(r => r.GetCase(new Core.Compliance.Cases.CaseId(caseId)));
        Assert.Equal(email, stored!.Assignee);
        var events = await _api.Store.ReadAsync(r => r.ListCaseEvents(new Core.Compliance.Cases.CaseId(caseId)));
        var noted = Assert.Single(events, e => e.Action == Core.Compliance.Cases.CaseAction.Noted);
        Assert.Equal("Called the holder; payroll confirmed.", noted.Detail);
        Assert.Contains(email, noted.Actor, StringComparison.Ordinal);
        Assert.Contains("payroll confirmed", await officer.Page(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Case_AuditorAssignOrNote_Refused404AndNothingWritten()
    {
        var caseId = await HeldCase();
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);
        var path = $"/console/cases/{caseId}";
        var page = await auditor.Page(path);
        Assert.DoesNotContain("Add the note", page, StringComparison.Ordinal);
        var token = PortalBrowser.Token(page);
        foreach (var handler in new[] { "Assign", "Note" })
        {
            using var post = await auditor.Http.PostAsync($"{path}?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["assignee"] = "me@example.com", ["note"] = "x",
            }));
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }

        var events = await _api.Store.ReadAsync(r => r.ListCaseEvents(new Core.Compliance.Cases.CaseId(caseId)));
        Assert.DoesNotContain(events, e => e.Action is Core.Compliance.Cases.CaseAction.Noted or Core.Compliance.Cases.CaseAction.Assigned);
    }

    [Fact]
    public async Task Case_SanctionsHit_ShowsScreenedNameBesideTheListEntry()
    {
        var holder = await _api.CreateHolder(name: "Abdul Rahman Ahmad Hottak"); // on the UN list: screened at creation
        var caseId = (await _api.Store.ReadAsync(r => r.FindOpenCase(new Core.Common.HolderId(holder))))!.Id;
        var hit = (await AlertsOf(caseId.Value)).First(a => a.RuleId == Core.Compliance.Cases.ComplianceChecks.SanctionsRuleId);
        var entryKey = hit.Figures.Single(f => f.Name == "entry").Value;
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);

        var page = System.Net.WebUtility.HtmlDecode(await auditor.Page($"/console/cases/{caseId.Value}"));
        Assert.Contains("Sanctions hits", page, StringComparison.Ordinal);
        Assert.Contains($"<code>{entryKey}</code>", page, StringComparison.Ordinal);
        Assert.Contains("<td>Abdul Rahman Ahmad Hottak</td>", page, StringComparison.Ordinal);
        Assert.Contains("ABDUL RAHMAN AHMAD HOTTAK", page, StringComparison.Ordinal);
        Assert.DoesNotContain("no longer on the current list", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_SarFiledFromCase_ListedWithCsvAndXmlDownloads()
    {
        var caseId = await HeldCase();
        var (officer, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        using (var decide = await officer.Submit($"/console/cases/{caseId}", new() { ["Input.Decision"] = "file_report", ["Input.Reason"] = "Funds moved straight through." }))
        {
            Assert.Contains("report SAR-", await decide.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var report = Assert.Single((await _api.Store.ReadAsync(r => r.ListReports(new Core.Ports.ReportFilter(), null, 10))).Items);
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);
        var list = await auditor.Page("/console/reports?kind=sar");
        Assert.Contains(report.Reference, list, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Reference, await auditor.Page("/console/reports?kind=ctr"), StringComparison.Ordinal);
        Assert.Contains("csv", report.Formats);
        Assert.Contains(report.Formats, f => f.Contains("xml", StringComparison.Ordinal));
        foreach (var format in report.Formats)
        {
            Assert.Contains($"href=\"/console/reports/{report.Id}/files/{format}\"", list, StringComparison.Ordinal);
            using var file = await auditor.Http.GetAsync($"/console/reports/{report.Id}/files/{format}");
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("no-store", file.Headers.CacheControl?.ToString());
            var body = await file.Content.ReadAsStringAsync();
            Assert.Contains(format.Contains("xml", StringComparison.Ordinal) ? "<?xml" : ",", body, StringComparison.Ordinal);
            var stored = await _api.Store.ReadAsync(r => r.GetReportFile(report.Id, format));
            Assert.Equal(stored!.Content, await file.Content.ReadAsByteArrayAsync());
        }

        using var unknown = await auditor.Http.GetAsync($"/console/reports/{report.Id}/files/pdf");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var anonymous = await _api.Anonymous.GetAsync($"/console/reports/{report.Id}/files/csv");
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
    }

    [Fact]
    public async Task Providers_Auditor_SeesEachTrustScoreReasonsAndLicenceExpiry()
    {
        var evaluated = await _api.App.Services.GetRequiredService<Core.Providers.Trust.ProviderTrustService>().EvaluateAll();
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);

        var page = System.Net.WebUtility.HtmlDecode(await auditor.Page("/console/providers"));
        Assert.NotEmpty(evaluated);
        foreach (var (provider, trust) in evaluated)
        {
            var row = page[page.IndexOf($"<code>{provider.Id}</code>", StringComparison.Ordinal)..];
            row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
            Assert.Contains($"value=\"{trust.Score}\"", row, StringComparison.Ordinal);
            Assert.All(trust.Reasons, r => Assert.Contains($"<code>{r.Code}</code>", row, StringComparison.Ordinal));
            Assert.All(provider.Licences, l => Assert.Contains($"{l.Number} ({l.Jurisdiction}): expires {l.Expires:yyyy-MM-dd}", row, StringComparison.Ordinal));
        }

        Assert.Contains("FinCEN (Money Services Business registration) 31000298765432 (US): expires 2028-06-30", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ledger_AdminVerifiesNow_ShowsCheckpointAndResultAuditorOnlyReads()
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();
        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder, amount = "12.00", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        using (var sign = await _api.Operator.PostAsync("/v1/log/checkpoint", null))
        {
            await Json.Expect(sign, HttpStatusCode.Created);
        }

        var checkpoint = (await _api.Store.ReadAsync(r => r.LatestCheckpoint()))!;
        Assert.True(checkpoint.TreeSize >= 1);
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);
        var read = await auditor.Page("/console/ledger");
        Assert.Contains($"{checkpoint.TreeSize} transfers", read, StringComparison.Ordinal);
        Assert.Contains(checkpoint.Root.ToHex(), read, StringComparison.Ordinal);
        Assert.Contains("valid (checked against the stored log keys)", read, StringComparison.Ordinal);
        Assert.DoesNotContain("Verify now", read, StringComparison.Ordinal);

        var (officer, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        using (var refused = await officer.Http.PostAsync("/console/ledger", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await ConsoleHost.TokenOf(officer, "/console/ledger"),
        })))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        var (admin, email, _) = await ConsoleHost.SignedIn(_api, StaffRole.OperatorAdmin);
        Assert.Contains("Verify now", await admin.Page("/console/ledger"), StringComparison.Ordinal);
        using var verify = await admin.Submit("/console/ledger", []);
        var html = await verify.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.Contains("<strong>Verified</strong>", html, StringComparison.Ordinal);
        Assert.Contains($"the log of {checkpoint.TreeSize} transfers", html, StringComparison.Ordinal);
        var trail = (await _api.Store.ReadAsync(r => r.ListStaffAudit(null, 50))).Items;
        var entry = Assert.Single(trail, e => e.Action == Pages.Console.LedgerModel.VerifiedAction);
        Assert.Equal("ok", entry.Detail);
        Assert.Contains(email, entry.ActorDisplay, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alerts_Chart_InlineSvgWithTitleDescAndOneLinePerRule()
    {
        var caseId = await HeldCase();
        var rules = (await AlertsOf(caseId)).GroupBy(a => a.RuleId).ToDictionary(g => g.Key, g => g.Count());
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);

        var page = System.Net.WebUtility.HtmlDecode(await auditor.Page("/console/alerts"));
        var svg = System.Text.RegularExpressions.Regex.Match(page, "<svg class=\"chart\" [^>]*role=\"img\" aria-labelledby=\"(chart[0-9]+)-title \\1-desc\"");
        Assert.True(svg.Success, "an svg chart labelled by its title and desc");
        Assert.Contains($"<title id=\"{svg.Groups[1].Value}-title\">Alerts per rule per day, last 30 days</title>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        var lines = System.Text.RegularExpressions.Regex.Matches(page, "<g class=\"series\"[^>]*><title>([^<]+)</title><polyline ").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(rules.Keys.Order(StringComparer.Ordinal), lines);
        foreach (var (rule, count) in rules)
        {
            Assert.Contains($"{rule}: {count} alert(s), at most {count} in a day", page, StringComparison.Ordinal); // the desc
            Assert.Contains($">{rule}</a>: {count}</li>", page, StringComparison.Ordinal); // the legend
        }
    }

    [Fact]
    public async Task Alerts_NoAlerts_ChartSaysSo()
    {
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);
        var page = await auditor.Page("/console/alerts");
        Assert.Contains("No alerts in the period.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<polyline", page, StringComparison.Ordinal);
    }
}

public sealed class SqliteComplianceConsoleTests() : ComplianceConsoleTests("sqlite");

public sealed class PostgresComplianceConsoleTests() : ComplianceConsoleTests("postgres");
