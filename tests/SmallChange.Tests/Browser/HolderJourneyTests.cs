using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using SmallChange.Core.Identity;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Browser;

/// <summary>
/// A person's journey through the portal in a real browser (issue 4, point 10): sign up, enrol an authenticator (the
/// test computes its codes from the secret the page shows, as a phone app would), sign out, sign in with the second
/// factor, add a destination with a step-up code, see the alert in the inbox, try to cash out to the destination while
/// it cools off (refused, naming when it becomes usable), and after the jurisdiction's 24 hours on the host's clock
/// (the session has run out by then: sign in again) cash out with a step-up code. A failing step leaves a screenshot
/// in TestResults/screenshots under the test output folder.
/// </summary>
public abstract class HolderJourneyTests(string backend) : IAsyncLifetime
{
    private BrowserHost _host = null!;
    private PortalPerson _person = null!;

    public async Task InitializeAsync()
    {
        _host = await BrowserHost.StartAsync(backend, o => o with { CoolingOffOverride = null });
        _person = new PortalPerson(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string NextCode() => _person.NextCode();

    private Task Step(IPage page, string name, Func<Task> step, [CallerMemberName] string test = "") =>
        BrowserHost.Step(page, $"{GetType().Name}-{test}-{name}", step);

    private async Task FundAndVerify(string email)
    {
        var holder = (await _host.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant())))!.Holder.Value;
        using (var s = await _host.Operator.PostAsync("/v1/sources", Json.Body(new { name = "Browser test source", type = "creator_earnings", currencies = new[] { "USD" } })))
        {
            var source = await Json.Expect(s, HttpStatusCode.Created);
            using var sourceClient = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };
            sourceClient.DefaultRequestHeaders.Authorization = new("Bearer", source.GetProperty("api_key").GetString());
            using var c = await sourceClient.PostAsync("/v1/credits", Json.Body(new { source_ref = "browser-fund", holder_id = holder, amount = "50.00", currency = "USD" }));
            await Json.Expect(c, HttpStatusCode.Created);
        }

        using var k = await _host.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 1 }));
        await Json.Expect(k, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Journey_SignUpEnrolSignInAddDestinationAlertCoolingRefusedThenCashOut()
    {
        var email = _person.Email;
        var page = await _host.NewPage();

        await Step(page, "sign-up", () => _person.SignUp(page));

        await Step(page, "no-two-factor", async () =>
        {
            await page.GotoAsync("/cashout");
            await Assertions.Expect(page.GetByText("Two-factor sign-in is needed first")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Set up an authenticator app" }).ClickAsync();
            await page.WaitForURLAsync("**/security/authenticator");
        });

        await Step(page, "enrol", () => _person.EnrolAuthenticator(page));

        await Step(page, "sign-out", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Assertions.Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
        });

        await Step(page, "sign-in-two-factor", () => _person.SignIn(page));
        await FundAndVerify(email);

        await Step(page, "add-destination", async () =>
        {
            await page.GotoAsync("/destinations/add");
            await page.GetByLabel("Kind of destination").SelectOptionAsync("bank_account");
            await page.GetByLabel("Country of the account").FillAsync("US");
            await page.GetByLabel("Name on the account").FillAsync("Ava Thompson");
            await page.GetByLabel("US routing number").FillAsync("021000021");
            await page.GetByLabel("Account number").FillAsync("123456789");
            await page.GetByLabel("Code from your authenticator app").FillAsync(NextCode());
            await page.GetByRole(AriaRole.Button, new() { Name = "Add destination" }).ClickAsync();
            await page.WaitForURLAsync("**/destinations?done=added");
            await Assertions.Expect(page.Locator(".masked", new() { HasText = "•••• 6789" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Cooling off until")).ToBeVisibleAsync();
            Assert.DoesNotContain("123456789", await page.ContentAsync());
        });

        await Step(page, "alert", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "A new payout destination was added" })).ToBeVisibleAsync();
        });

        await Step(page, "cooling-refused", async () =>
        {
            await page.GotoAsync("/cashout");
            await page.GetByLabel("Amount").FillAsync("20.00");
            await page.GetByRole(AriaRole.Button, new() { Name = "See fees and what arrives" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("cooling off: it can receive payouts from");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirm cash-out" })).ToHaveCountAsync(0);
        });

        // A day later on the host's clock: the destination has cooled off, and the session has run out.
        _host.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await Step(page, "sign-in-again", async () =>
        {
            await page.GotoAsync("/cashout");
            await page.WaitForURLAsync("**/sign-in?**");
            await _person.SignIn(page);
        });

        await Step(page, "cash-out", async () =>
        {
            await page.GotoAsync("/cashout");
            await page.GetByLabel("Amount").FillAsync("20.00");
            await page.GetByRole(AriaRole.Button, new() { Name = "See fees and what arrives" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("You receive");
            await page.GetByLabel("Code from your authenticator app").FillAsync(NextCode());
            await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cash-out" }).ClickAsync();
            await page.WaitForURLAsync("**/cashouts/*");
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved");
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "•••• 6789" })).ToBeVisibleAsync();
        });

        await Step(page, "activity", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Activity" }).ClickAsync();
            await Assertions.Expect(page.GetByText("Cash-out requested")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Identity confirmed with a second factor").First).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task FailingStep_LeavesAScreenshot()
    {
        var page = await _host.NewPage();
        var before = Directory.Exists(BrowserHost.ScreenshotFolder) ? Directory.GetFiles(BrowserHost.ScreenshotFolder).Length : 0;
        await Assert.ThrowsAnyAsync<Exception>(() => Step(page, "deliberate", async () =>
        {
            await page.GotoAsync("/sign-in");
            await Assertions.Expect(page.GetByText("this text is not on the page")).ToBeVisibleAsync(new() { Timeout = 500 });
        }));
        var files = Directory.GetFiles(BrowserHost.ScreenshotFolder, "*deliberate*.png");
        Assert.True(files.Length > 0 && Directory.GetFiles(BrowserHost.ScreenshotFolder).Length > before);
        foreach (var f in files)
        {
            Assert.True(new FileInfo(f).Length > 1_000);
            File.Delete(f);
        }
    }
}

public sealed class SqliteHolderJourneyTests() : HolderJourneyTests("sqlite");

public sealed class PostgresHolderJourneyTests() : HolderJourneyTests("postgres");
