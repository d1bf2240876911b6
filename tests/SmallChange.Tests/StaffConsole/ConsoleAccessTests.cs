using System.Net;
using SmallChange.Core.Identity;
using SmallChange.Core.Staff;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Security;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.StaffConsole;

/// <summary>
/// The console's doors: a separate sign-in whose second factor is mandatory (enrolment first, before any page), codes
/// accepted once, cookies that never open the other side's pages, and roles on every page and form (an auditor's POST
/// to any console route is refused 404, enumerated from the host).
/// </summary>
public sealed class ConsoleAccessTests : IAsyncLifetime
{
    private ApiFixture _api = null!;

    public async Task InitializeAsync() => _api = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static string Path(HttpResponseMessage r) => new Uri(new Uri("http://localhost"), r.Headers.Location!).AbsolutePath;

    [Fact]
    public async Task SignIn_NoAuthenticatorYet_ForcedThroughEnrolmentBeforeAnyConsolePage()
    {
        var (email, password) = await ConsoleHost.AddStaff(_api, StaffRole.ComplianceOfficer);
        using var browser = ConsoleHost.Browser(_api);

        using var signIn = await ConsoleHost.PasswordStep(browser, email, password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/console/enrol", Path(signIn));

        // The password alone opens no console page.
        foreach (var page in new[] { "/console", "/console/held", "/console/approvals", "/console/fees", "/console/audit" })
        {
            using var r = await browser.Http.GetAsync(page);
            Assert.True(r.StatusCode == HttpStatusCode.Redirect && Path(r) == "/console/sign-in", $"{page} before enrolment: {(int)r.StatusCode} {r.Headers.Location}");
        }

        using (var twoFactor = await browser.Http.GetAsync("/console/sign-in/two-factor"))
        {
            Assert.Equal("/console/enrol", Path(twoFactor)); // no way around enrolment
        }

        using (var wrong = await browser.Submit("/console/enrol", new() { ["Input.Code"] = "000000" }))
        {
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await ConsoleHost.Enrol(browser);
        Assert.Contains("Overview", await browser.Page("/console"), StringComparison.Ordinal);
        var user = await _api.Store.ReadAsync(r => r.FindStaffByEmail(email.ToUpperInvariant()));
        Assert.True(user!.TwoFactorEnabled);
        var trail = (await _api.Store.ReadAsync(r => r.ListStaffAudit(null, 10))).Items.Select(e => e.Action).ToList();
        Assert.Contains(StaffActions.TwoFactorEnrolled, trail);
        Assert.Contains(StaffActions.SignIn, trail);
    }

    [Fact]
    public async Task SignIn_Enrolled_AsksForCodeAndRefusesAReplayedOne()
    {
        var (email, password) = await ConsoleHost.AddStaff(_api, StaffRole.Auditor);
        using var first = ConsoleHost.Browser(_api);
        (await ConsoleHost.PasswordStep(first, email, password)).Dispose();
        var secret = PortalBrowser.SharedKey(await first.Page("/console/enrol"));
        var step = Totp.StepAt(DateTimeOffset.UtcNow);
        var used = PortalBrowser.CodeOf(secret, step);
        (await first.Submit("/console/enrol", new() { ["Input.Code"] = used })).Dispose();

        using var second = ConsoleHost.Browser(_api);
        using var signIn = await ConsoleHost.PasswordStep(second, email, password);
        Assert.Equal("/console/sign-in/two-factor", Path(signIn));
        using (var early = await second.Http.GetAsync("/console"))
        {
            Assert.Equal("/console/sign-in", Path(early));
        }

        using (var replay = await second.Submit("/console/sign-in/two-factor", new() { ["Input.Code"] = used }))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Contains("used already", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var next = await second.Submit("/console/sign-in/two-factor", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step + 1) });
        Assert.Equal("/console", Path(next));
        Assert.Contains("Overview", await second.Page("/console"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongPasswordFiveTimes_LocksTheAccount()
    {
        var (email, password) = await ConsoleHost.AddStaff(_api, StaffRole.ComplianceOfficer);
        using var browser = ConsoleHost.Browser(_api);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await ConsoleHost.PasswordStep(browser, email, "not the password at all");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using var right = await ConsoleHost.PasswordStep(browser, email, password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull((await _api.Store.ReadAsync(r => r.FindStaffByEmail(email.ToUpperInvariant())))!.LockoutEnd);
    }

    [Fact]
    public async Task Cookies_HolderAndStaffSessions_NeverOpenTheOtherSidesPages()
    {
        var (holder, _) = await SecurityPortal.SignUp(_api);
        var (staff, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);

        using (var r = await holder.Http.GetAsync("/console"))
        {
            Assert.True(r.StatusCode == HttpStatusCode.Redirect && Path(r) == "/console/sign-in", $"holder on /console: {(int)r.StatusCode}");
        }

        using (var r = await staff.Http.GetAsync("/inbox"))
        {
            Assert.True(r.StatusCode == HttpStatusCode.Redirect && Path(r) == "/sign-in", $"staff on /inbox: {(int)r.StatusCode}");
        }

        // The console cookie is only ever sent under /console; the holder's session cookie opens nothing there.
        Assert.Contains(staff.Cookies.GetCookies(new Uri("http://localhost/console/held")), c => c.Name == "sc_console" && c.HttpOnly && c.Path == "/console");
        Assert.DoesNotContain(staff.Cookies.GetCookies(new Uri("http://localhost/inbox")), c => c.Name == "sc_console");
        var session = holder.Cookies.GetCookies(new Uri("http://localhost/")).Single(c => c.Name == "sc_session");
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/console/held");
        forged.Headers.Add("Cookie", $"sc_console={session.Value}");
        using var withHolderCookie = await _api.Anonymous.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Redirect, withHolderCookie.StatusCode);
    }

    [Fact]
    public async Task Auditor_EveryConsolePage_ReadsAndEveryPostRefused404()
    {
        var (auditor, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.Auditor);
        var token = await ConsoleHost.TokenOf(auditor, "/console"); // the sign-out form's token: a valid token for this session
        var routes = ConsoleHost.ConsoleRoutes(_api);
        Assert.True(routes.Count >= 9, string.Join(", ", routes));
        var sessionPages = routes.Where(r => r is not ("/console/sign-in" or "/console/sign-in/two-factor" or "/console/enrol" or "/console/sign-out")).ToList();
        foreach (var route in sessionPages)
        {
            var path = AnonymousAccessTests.Fill(route);
            using (var get = await auditor.Http.GetAsync(path))
            {
                // A page about a record answers 404 for a record that does not exist; every other page shows.
                Assert.True(get.StatusCode == (route.Contains('{') ? HttpStatusCode.NotFound : HttpStatusCode.OK), $"auditor GET {route}: {(int)get.StatusCode}");
            }

            foreach (var handler in new[] { "", "?handler=Approve", "?handler=Reject" })
            {
                using var post = await auditor.Http.PostAsync(path + handler, new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token, ["Input.Decision"] = "release", ["Input.Reason"] = "x", ["approvalId"] = Guid.NewGuid().ToString(),
                    ["Input.Offering"] = "sandbox-bank/bank_transfer", ["Input.Fees"] = "{}",
                }));
                Assert.True(post.StatusCode == HttpStatusCode.NotFound, $"auditor POST {route}{handler}: {(int)post.StatusCode}");
            }
        }

        Assert.Empty((await _api.Store.ReadAsync(r => r.ListApprovals(new Core.Ports.ApprovalFilter(), null, 10))).Items);
        // Signing out is the one thing an auditor posts.
        using var signOut = await auditor.Submit("/console", new(), "/console/sign-out");
        Assert.Equal("/console/sign-in", Path(signOut));
    }

    [Fact]
    public async Task Roles_OfficerPostsNoFeesAndAdminDecidesNoCase_Refused404()
    {
        var (officer, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        var (admin, _, _) = await ConsoleHost.SignedIn(_api, StaffRole.OperatorAdmin);

        using var officerFees = await officer.Submit("/console/fees", new() { ["Input.Offering"] = "sandbox-bank/bank_transfer", ["Input.Fees"] = "{}", ["Input.Reason"] = "x" });
        Assert.Equal(HttpStatusCode.NotFound, officerFees.StatusCode);
        var adminToken = await ConsoleHost.TokenOf(admin, "/console");
        using var adminCase = await admin.Http.PostAsync($"/console/cases/{Guid.NewGuid()}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = adminToken, ["Input.Decision"] = "release", ["Input.Reason"] = "x",
        }));
        Assert.Equal(HttpStatusCode.NotFound, adminCase.StatusCode);
        Assert.DoesNotContain("Propose a change", await officer.Page("/console/fees"), StringComparison.Ordinal);
        Assert.Contains("Propose a change", await admin.Page("/console/fees"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledStaff_SessionEndsAtTheNextRequest()
    {
        var (officer, email, _) = await ConsoleHost.SignedIn(_api, StaffRole.ComplianceOfficer);
        Assert.Contains("Overview", await officer.Page("/console"), StringComparison.Ordinal);
        var user = (await _api.Store.ReadAsync(r => r.FindStaffByEmail(email.ToUpperInvariant())))!;

        await _api.Store.WriteAsync(tx => tx.DisableStaff(user.Id, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow));

        using var r = await officer.Http.GetAsync("/console");
        Assert.Equal("/console/sign-in", Path(r));
    }
}
