using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Cli;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Credits;
using SmallChange.Hosting;

namespace SmallChange.Tests.Browser;

/// <summary>
/// Issue 4's "done when", in a real browser on a host configured as <c>serve --demo</c> is (demo data seeded, the sandbox
/// identity verifier, the welcome credit, the demo's short cooling-off): a NEW user signs up, sees the welcome credits,
/// is told why the cash-out cannot proceed, enrols an authenticator, verifies their identity (the sandbox approves at
/// once), adds a destination, is refused while it cools off, and after the demo's cooling-off on the host's clock cashes
/// out with a step-up code until the sandbox provider has paid. Screenshots of the new pages at desktop and phone width.
/// </summary>
public abstract class NewUserDemoJourneyTests(string backend) : IAsyncLifetime
{
    private BrowserHost _host = null!;
    private PortalPerson _person = null!;

    public async Task InitializeAsync()
    {
        _host = await BrowserHost.StartAsync(backend, o => o with
        {
            Demo = true,
            CoolingOffOverride = TimeSpan.FromMinutes(ServeCommand.DemoCoolingOffMinutes),
            Sandbox = new SandboxOptions { SettleDelay = TimeSpan.FromSeconds(3), FailureBps = 0, ReturnBps = 0 },
        });
        await DemoSeed.Run(_host.Store, _host.App.Services.GetRequiredService<CreditService>(), _host.Clock, CancellationToken.None);
        _person = new PortalPerson(_host, "Noah Bennett", "US");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static readonly PageWaitForURLOptions Loaded = new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 45_000 };

    private Task Step(IPage page, string name, Func<Task> step, [CallerMemberName] string test = "") =>
        BrowserHost.Step(page, $"{GetType().Name}-{test}-{name}", step);

    /// <summary>Screenshots of the page at desktop (1280 px) and phone (390 px) width; at phone width nothing scrolls sideways.</summary>
    private async Task Screenshots(IPage page, string name)
    {
        Directory.CreateDirectory(BrowserHost.ScreenshotFolder);
        foreach (var (width, height, label) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            var file = Path.Combine(BrowserHost.ScreenshotFolder, $"newuser-{name}-{label}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            Assert.True(new FileInfo(file).Length > 5_000, file);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 1, $"{page.Url} at {label} width scrolls sideways by {overflow} px");
        }

        await page.SetViewportSizeAsync(1000, 900);
    }

    [Fact]
    public async Task NewUser_SignUpEnrolVerifyWelcomeCreditCoolingOffStepUp_CashOutPaid()
    {
        var page = await _host.NewPage();
        page.Context.SetDefaultTimeout(30_000);

        await Step(page, "sign-up", () => _person.SignUp(page));

        await Step(page, "welcome-credits", async () =>
        {
            var bySource = page.Locator("table.by-source");
            await Assertions.Expect(bySource).ToContainTextAsync("Demo Creators (creator earnings)");
            await Assertions.Expect(bySource).ToContainTextAsync("Demo Gift (gift-card credit)");
            await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "USD 27.25" }).First).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "EUR 15.00" }).First).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Your identity is not verified yet")).ToBeVisibleAsync();
            await Screenshots(page, "dashboard");
        });

        await Step(page, "cash-out-not-yet", async () =>
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Shortcuts" }).GetByRole(AriaRole.Link, new() { Name = "Cash out" }).ClickAsync();
            await page.WaitForURLAsync("**/cashout", Loaded);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verify your identity to cash out" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Two-factor sign-in is needed first")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "See fees and what arrives" })).ToHaveCountAsync(0);
            await Screenshots(page, "cashout-tier0");
            await page.GetByRole(AriaRole.Link, new() { Name = "Set up an authenticator app" }).ClickAsync();
            await page.WaitForURLAsync("**/security/authenticator", Loaded);
        });

        await Step(page, "enrol", () => _person.EnrolAuthenticator(page));

        await Step(page, "identity", async () =>
        {
            await page.GotoAsync("/cashout");
            await page.GetByRole(AriaRole.Link, new() { Name = "Verify your identity" }).ClickAsync();
            await page.WaitForURLAsync("**/identity", Loaded);
            await Assertions.Expect(page.Locator("#current-tier")).ToHaveTextAsync("Tier 0 (not verified)");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sandbox identity check" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "Tier 1 (verified identity) can cash out up to USD 1,000 per cash-out" })).ToBeVisibleAsync();
            await Screenshots(page, "identity-form");

            // Sent incomplete first: the errors name the fields.
            await page.GetByRole(AriaRole.Button, new() { Name = "Send for verification" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Enter your date of birth");
            await Assertions.Expect(page.GetByLabel("Date of birth")).ToHaveAttributeAsync("aria-invalid", "true");

            await Assertions.Expect(page.GetByLabel("Full legal name")).ToHaveValueAsync("Noah Bennett");
            await page.GetByLabel("Date of birth").FillAsync("1991-06-14");
            await page.GetByLabel("Address line 1").FillAsync("12 Elm Street");
            await page.GetByLabel("Town or city").FillAsync("Springfield");
            await page.GetByLabel("Identity document", new() { Exact = true }).SelectOptionAsync("passport");
            await page.GetByLabel("Document number").FillAsync("X12345678");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send for verification" }).ClickAsync();
            await page.WaitForURLAsync("**/identity?done=submitted", Loaded);
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your identity is verified: you are now at tier 1.");
            await Assertions.Expect(page.Locator("#current-tier")).ToHaveTextAsync("Tier 1 (verified identity)");
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "sandbox identity check: complete data" })).ToBeVisibleAsync();
            await Screenshots(page, "identity-approved");
        });

        await Step(page, "add-destination", async () =>
        {
            await _person.AddUsBankAccount(page);
            await Assertions.Expect(page.GetByText("Cooling off until")).ToBeVisibleAsync();
        });

        await Step(page, "cooling-refused", async () =>
        {
            await page.GotoAsync("/cashout");
            await page.GetByLabel("From your balance in").SelectOptionAsync("USD");
            await page.GetByLabel("Amount").FillAsync("20.00");
            await page.GetByRole(AriaRole.Button, new() { Name = "See fees and what arrives" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("cooling off: it can receive payouts from");
        });

        // The demo's cooling-off passes on the host's clock.
        _host.Clock.Advance(TimeSpan.FromMinutes(ServeCommand.DemoCoolingOffMinutes) + TimeSpan.FromSeconds(1));

        await Step(page, "cash-out", async () =>
        {
            await page.GotoAsync("/cashout");
            await page.GetByLabel("From your balance in").SelectOptionAsync("USD");
            await page.GetByLabel("Amount").FillAsync("20.00");
            await page.GetByRole(AriaRole.Button, new() { Name = "See fees and what arrives" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Table).First).ToContainTextAsync("You receive");
            await _person.StepUpIfAsked(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cash-out" }).ClickAsync();
            await page.WaitForURLAsync("**/cashouts/*", Loaded);
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved");
        });

        var processor = _host.App.Services.GetRequiredService<CashoutProcessor>();
        Assert.Equal(1, await processor.DispatchDue(100, CancellationToken.None));
        _host.Clock.Advance(TimeSpan.FromSeconds(5));
        await processor.Settle(100, CancellationToken.None);

        await Step(page, "paid", async () =>
        {
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Paid");
            await Screenshots(page, "cashout-paid");
        });
    }
}

public sealed class SqliteNewUserDemoJourneyTests() : NewUserDemoJourneyTests("sqlite");

public sealed class PostgresNewUserDemoJourneyTests() : NewUserDemoJourneyTests("postgres");
