using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Cli;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Identity;
using SmallChange.Core.Staff;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Browser;

/// <summary>
/// Compliance officers in a real browser (issue 7, point 8): a holder's cash-out held by the rapid in-and-out rule above
/// the four-eyes threshold (USD 100.00 in this host's configuration folder); officer A signs in to the console with an
/// authenticator, opens the case, reads the rules' explanations, adds a note and decides to release it, which waits for a
/// second approver; A cannot approve their own request (no button, and a forged approval is refused); officer B approves;
/// the cash-out is sent and the sandbox provider pays it. Screenshots of every console page at desktop (1280 px) and
/// phone (390 px) width are written to TestResults/screenshots as artefacts of the run.
/// </summary>
public abstract class OfficerFourEyesBrowserTests(string backend) : IAsyncLifetime
{
    private readonly TempDir _config = new("browser-config");

    private BrowserHost _host = null!;

    public async Task InitializeAsync()
    {
        foreach (var f in Directory.GetFiles(new ServeOptions("x", "x").ConfigDir, "*.json"))
        {
            File.Copy(f, _config.File(Path.GetFileName(f)));
        }

        await File.WriteAllTextAsync(_config.File("four-eyes.json"), """{ "release_above": { "USD": "100.00" } }""");
        _host = await BrowserHost.StartAsync(backend, o => o with
        {
            ConfigDir = _config.Path,
            CoolingOffOverride = TimeSpan.Zero,
            Sandbox = new SandboxOptions { SettleDelay = TimeSpan.FromSeconds(3), FailureBps = 0, ReturnBps = 0 },
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _config.Dispose();
    }

    private static readonly PageWaitForURLOptions Loaded = new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 45_000 };

    private async Task<IPage> NewPage()
    {
        var page = await _host.NewPage();
        page.Context.SetDefaultTimeout(30_000);
        return page;
    }

    private string CodeAfterNextStep(byte[] secret)
    {
        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        return Totp.Code(secret, Totp.StepAt(_host.Clock.GetUtcNow())).ToString("D6", CultureInfo.InvariantCulture);
    }

    private Task Step(IPage page, string name, Func<Task> step, [CallerMemberName] string test = "") =>
        BrowserHost.Step(page, $"{GetType().Name}-{test}-{name}", step);

    /// <summary>USD 1,500 credited and USD 1,400 cashed out at once over the operator API: the rapid in-and-out rule holds it.</summary>
    private async Task<(Guid Cashout, Guid Case)> HeldCashout()
    {
        using var s = await _host.Operator.PostAsync("/v1/sources", Json.Body(new { name = "Browser Creators", type = "creator_earnings", currencies = new[] { "USD" } }));
        var source = await Json.Expect(s, HttpStatusCode.Created);
        using var sourceClient = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };
        sourceClient.DefaultRequestHeaders.Authorization = new("Bearer", source.GetProperty("api_key").GetString());
        using var h = await _host.Operator.PostAsync("/v1/holders", Json.Body(new { external_ref = $"officer-{Guid.NewGuid():N}", name = "Ava Thompson", country = "US" }));
        var holder = (await Json.Expect(h, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using (var k = await _host.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 2 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using (var c = await sourceClient.PostAsync("/v1/credits", Json.Body(new { source_ref = "officer-fund", holder_id = holder, amount = "1500.00", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        using var d = await _host.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(new
        {
            kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789",
        }));
        var destination = (await Json.Expect(d, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var q = await _host.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "1400.00", currency = "USD", country = "US", method = "bank_transfer" }));
        var quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts") { Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var r = await _host.Operator.SendAsync(request);
        var cashout = await Json.Expect(r, HttpStatusCode.Created);
        Assert.Equal("held", cashout.GetProperty("state").GetString());
        using var cases = await _host.Operator.GetAsync($"/v1/compliance/cases?holder_id={holder}&status=open");
        var caseId = (await Json.Expect(cases, HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("id").GetGuid();
        return (cashout.GetProperty("id").GetGuid(), caseId);
    }

    private async Task<string> State(Guid cashout)
    {
        using var r = await _host.Operator.GetAsync($"/v1/cashouts/{cashout}");
        return (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("state").GetString()!;
    }

    /// <summary>A new staff account (the CLI's code path); signs in with its temporary password and enrols an authenticator in the page.</summary>
    private async Task<(IPage Page, string Email, string Password, byte[] Secret)> SignedInOfficer()
    {
        var email = $"officer{Guid.NewGuid():N}"[..16] + "@example.com";
        var added = await StaffCommand.AddAccount(_host.Store, email, StaffRole.ComplianceOfficer, StaffActor.Named("test"), _host.Clock.GetUtcNow(), CancellationToken.None);
        var page = await NewPage();
        byte[] secret = [];
        await Step(page, "enrol", async () =>
        {
            await page.GotoAsync("/console/sign-in");
            await page.GetByLabel("E-mail address").FillAsync(email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(added.Value.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
            await page.WaitForURLAsync("**/console/enrol", Loaded);
            secret = Base32.Decode(await page.Locator("#shared-key").InnerTextAsync()) ?? throw new InvalidOperationException("the page's key is not base32");
            await page.GetByLabel("Code from the app").FillAsync(CodeAfterNextStep(secret));
            await page.GetByRole(AriaRole.Button, new() { Name = "Turn on and continue" }).ClickAsync();
            await page.WaitForURLAsync("**/console", Loaded);
        });
        return (page, email, added.Value.Password, secret);
    }

    /// <summary>Signs out and in again with the password and a fresh code: the ordinary second-factor sign-in.</summary>
    private async Task SignInAgain(IPage page, string email, string password, byte[] secret)
    {
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync("**/console/sign-in/two-factor", Loaded);
        await page.GetByLabel("Code from the app").FillAsync(CodeAfterNextStep(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/console", Loaded);
    }

    [Fact]
    public async Task HeldCashout_OfficerReleasesSecondOfficerApproves_Paid()
    {
        var (cashout, caseId) = await HeldCashout();
        var (a, emailA, passwordA, secretA) = await SignedInOfficer();
        await Step(a, "sign-in-two-factor", async () =>
        {
            await a.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Assertions.Expect(a.GetByText("You are signed out.")).ToBeVisibleAsync();
            await SignInAgain(a, emailA, passwordA, secretA);
        });

        await Step(a, "open-case", async () =>
        {
            await a.GotoAsync("/console/cases");
            await a.GetByRole(AriaRole.Link, new() { Name = $"CASE-{caseId:N}".ToUpperInvariant(), Exact = true }).ClickAsync();
            await a.WaitForURLAsync($"**/console/cases/{caseId}", Loaded);
            var alerts = a.GetByRole(AriaRole.Table).Nth(1);
            await Assertions.Expect(alerts).ToContainTextAsync("rapid");
            await Assertions.Expect(a.Locator("h2:text-is('Cash-outs') + .table-wrap tbody tr", new() { HasText = cashout.ToString() })).ToContainTextAsync("yes (above");
        });

        await Step(a, "note", async () =>
        {
            await a.GetByLabel("Note", new() { Exact = true }).FillAsync("Called the holder: an advance from a client, invoice seen.");
            await a.GetByRole(AriaRole.Button, new() { Name = "Add the note" }).ClickAsync();
            await Assertions.Expect(a.GetByRole(AriaRole.Status)).ToHaveTextAsync("Note added.");
            await Assertions.Expect(Trail(a)).ToContainTextAsync("an advance from a client");
        });

        await Step(a, "release", async () =>
        {
            await a.GetByLabel("Release the held cash-outs").CheckAsync();
            await a.GetByLabel("Reason").FillAsync("Explained by the holder; invoice on file.");
            await a.GetByRole(AriaRole.Button, new() { Name = "Record the decision" }).ClickAsync();
            await Assertions.Expect(a.GetByText("The release needs a second compliance officer")).ToBeVisibleAsync();
            await Assertions.Expect(a.GetByText("Release waiting for a second compliance officer")).ToBeVisibleAsync();
        });
        Assert.Equal("held", await State(cashout));

        await Step(a, "own-request", async () =>
        {
            await a.GetByRole(AriaRole.Link, new() { Name = "approvals", Exact = true }).ClickAsync();
            await a.WaitForURLAsync("**/console/approvals", Loaded);
            var request = a.Locator("section.panel", new() { HasText = caseId.ToString() });
            await Assertions.Expect(request.GetByText("Your own request")).ToBeVisibleAsync();
            await Assertions.Expect(request.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);

            // A forged approval with the page's own form token and cookies is refused too.
            var token = await request.Locator("input[name=__RequestVerificationToken]").InputValueAsync();
            var approvalId = await request.Locator("input[name=approvalId]").InputValueAsync();
            var forged = await a.Context.APIRequest.PostAsync("/console/approvals?handler=Approve", new()
            {
                Form = a.Context.APIRequest.CreateFormData().Set("__RequestVerificationToken", token).Set("approvalId", approvalId).Set("note", "mine"),
            });
            Assert.Contains("a different staff member must approve it", await forged.TextAsync(), StringComparison.Ordinal);
        });
        Assert.Equal("held", await State(cashout));

        var (b, _, _, _) = await SignedInOfficer();
        await Step(b, "approve", async () =>
        {
            await b.GotoAsync("/console/approvals");
            var request = b.Locator("section.panel", new() { HasText = caseId.ToString() });
            await Assertions.Expect(request).ToContainTextAsync("1400.00");
            await request.GetByLabel("Note (optional)").FillAsync("Invoice checked.");
            await request.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Assertions.Expect(b.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved");
            await Assertions.Expect(b.GetByText("Nothing waits for approval.")).ToBeVisibleAsync();
        });
        Assert.Equal("approved", await State(cashout));

        // The outbox sends it; the sandbox provider settles after its delay on the host's clock.
        var processor = _host.App.Services.GetRequiredService<CashoutProcessor>();
        await processor.DispatchDue(100, CancellationToken.None);
        _host.Clock.Advance(TimeSpan.FromSeconds(5));
        await processor.Settle(100, CancellationToken.None);
        Assert.Equal("paid", await State(cashout));

        await Step(a, "decided", async () =>
        {
            await a.GotoAsync($"/console/cases/{caseId}");
            await Assertions.Expect(a.GetByText("decided release by")).ToBeVisibleAsync();
            await Assertions.Expect(a.Locator("h2:text-is('Cash-outs') + .table-wrap tbody tr", new() { HasText = cashout.ToString() })).ToContainTextAsync("paid");
            await Assertions.Expect(Trail(a)).ToContainTextAsync("approved by");
        });

        if (backend == "sqlite")
        {
            await Screenshots(b, caseId);
        }
    }

    private static ILocator Trail(IPage page) => page.Locator("h2:text-is('Trail') + ol");

    /// <summary>Every console page a signed-in officer reads, at desktop and phone width; no page scrolls sideways at phone width.</summary>
    private async Task Screenshots(IPage page, Guid caseId)
    {
        var pages = new List<(string Name, string Path)>
        {
            ("overview", "/console"), ("kyc", "/console/kyc"), ("cases", "/console/cases?status=all"), ("case", $"/console/cases/{caseId}"),
            ("alerts", "/console/alerts"), ("held", "/console/held"), ("approvals", "/console/approvals"), ("reports", "/console/reports"),
            ("providers", "/console/providers"), ("ledger", "/console/ledger"), ("audit", "/console/audit"), ("fees", "/console/fees"),
        };
        var written = new List<string>();
        foreach (var (width, height, label) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (name, path) in pages)
            {
                await Step(page, $"{name}-{label}", async () =>
                {
                    written.Add(await BrowserHost.ScreenshotPage(page, path, $"console-{name}-{label}", label));
                });
            }
        }

        Assert.Equal(pages.Count * 2, written.Count);
        Assert.All(written, f => Assert.True(new FileInfo(f).Length > 5_000, f));
    }
}

public sealed class SqliteOfficerFourEyesBrowserTests() : OfficerFourEyesBrowserTests("sqlite");

public sealed class PostgresOfficerFourEyesBrowserTests() : OfficerFourEyesBrowserTests("postgres");
