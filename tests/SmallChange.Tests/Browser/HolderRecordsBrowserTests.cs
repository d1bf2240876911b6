using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Identity;
using SmallChange.Core.Money;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Browser;

/// <summary>
/// What the holder browser tests share: the real host and Chromium (<see cref="BrowserHost"/>) with a sandbox that
/// never fails, a holder made ready to cash out through the pages, and steps that leave a screenshot in
/// TestResults/screenshots when they fail.
/// </summary>
public abstract class HolderBrowserBase(string backend) : IAsyncLifetime
{
    protected BrowserHost Host { get; private set; } = null!;

    /// <summary>The person <see cref="ReadyHolder"/> signed up.</summary>
    protected PortalPerson Person { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await BrowserHost.StartAsync(backend, o => o with
    {
        CoolingOffOverride = TimeSpan.Zero,
        Sandbox = new SandboxOptions { SettleDelay = TimeSpan.FromSeconds(3), FailureBps = 0, ReturnBps = 0 },
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();

    protected DateTimeOffset Now => Host.Clock.GetUtcNow();

    /// <summary>Navigation waits: the document is enough (these pages load no script), with room for a busy test machine.</summary>
    protected static readonly PageWaitForURLOptions Loaded = new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 45_000 };

    /// <summary>A page of the host with a longer default timeout than <see cref="BrowserHost.NewPage"/>'s (the suite runs its projects side by side).</summary>
    protected async Task<IPage> NewPage()
    {
        var page = await Host.NewPage();
        page.Context.SetDefaultTimeout(30_000);
        return page;
    }

    protected string NextCode() => Person.NextCode();

    protected Task Step(IPage page, string name, Func<Task> step, [CallerMemberName] string test = "") =>
        BrowserHost.Step(page, $"{GetType().Name}-{test}-{name}", step);

    /// <summary>
    /// Signs up, enrols an authenticator, is verified (KYC tier 1) and credited two months of small creator earnings in
    /// USD, and adds a US bank account with a step-up code. Returns the holder.
    /// </summary>
    protected async Task<HolderId> ReadyHolder(IPage page)
    {
        Person = new PortalPerson(Host);
        await Person.SignUp(page);
        await Person.EnrolAuthenticator(page);

        var holder = await Person.Holder();
        using (var k = await Host.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 1 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using (var s = await Host.Operator.PostAsync("/v1/sources", Json.Body(new { name = "Browser Creators", type = "creator_earnings", currencies = new[] { "USD" } })))
        {
            var source = (await Json.Expect(s, HttpStatusCode.Created)).GetProperty("source").GetProperty("id").GetGuid();
            var credits = Enumerable.Range(1, 60).SelectMany(d => new[] { 0.35m, 0.20m }.Select((a, k) =>
                new CreditCommand($"browser-{d}-{k}", new HolderRef(holder, null), new Money((long)(a * Currencies.USD.LedgerUnitsPerMajor), Currencies.USD), Now.AddDays(-d).AddHours(k * 6))))
                .ToList();
            var applied = await Host.App.Services.GetRequiredService<CreditService>().Apply(new SourceId(source), credits, linked: false);
            Assert.True(applied.IsOk);
        }

        await page.GotoAsync("/destinations/add");
        await page.GetByLabel("Kind of destination").SelectOptionAsync("bank_account");
        await page.GetByLabel("Country of the account").FillAsync("US");
        await page.GetByLabel("Name on the account").FillAsync("Ava Thompson");
        await page.GetByLabel("US routing number").FillAsync("021000021");
        await page.GetByLabel("Account number").FillAsync("123456789");
        await page.GetByLabel("Code from your authenticator app").FillAsync(NextCode());
        await page.GetByRole(AriaRole.Button, new() { Name = "Add destination" }).ClickAsync();
        await page.WaitForURLAsync("**/destinations?done=added", Loaded);
        return holder;
    }

    /// <summary>From the dashboard to a confirmed cash-out of <paramref name="amount"/>; returns the status page's address.</summary>
    protected async Task<string> CashOutFromDashboard(IPage page, string amount)
    {
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Available balance, USD, last 60 days" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Shortcuts" }).GetByRole(AriaRole.Link, new() { Name = "Cash out" }).ClickAsync();
        await page.WaitForURLAsync("**/cashout", Loaded);
        await page.GetByLabel("Amount").FillAsync(amount);
        await page.GetByRole(AriaRole.Button, new() { Name = "See fees and what arrives" }).ClickAsync();
        var quote = page.GetByRole(AriaRole.Table);
        await Assertions.Expect(quote).ToContainTextAsync("cheapest");
        await Assertions.Expect(quote).ToContainTextAsync("fastest");
        await Assertions.Expect(quote).ToContainTextAsync("needs another kind of destination");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Effective cost by amount" })).ToBeVisibleAsync();
        // The step-up of adding the destination a moment ago still holds in this session; a code is asked for only when not.
        var code = page.GetByLabel("Code from your authenticator app");
        if (await code.CountAsync() > 0)
        {
            await code.FillAsync(NextCode());
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cash-out" }).ClickAsync();
        await page.WaitForURLAsync("**/cashouts/*", Loaded);
        return page.Url;
    }

}

/// <summary>
/// A holder in a real browser (issue 7, point 8): cashes out from the dashboard and watches the status page refresh
/// itself (no script) until the sandbox provider has paid; downloads a monthly statement and a tax-year summary as CSV.
/// </summary>
public abstract class HolderRecordsBrowserTests(string backend) : HolderBrowserBase(backend)
{
    [Fact]
    public async Task CashOut_FromDashboardToPaid_StatusPageRefreshesItself()
    {
        var page = await NewPage();
        await Step(page, "ready", () => ReadyHolder(page));
        await Step(page, "cash-out", async () =>
        {
            await CashOutFromDashboard(page, "20.00");
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved");
            await Assertions.Expect(page.GetByText("This page refreshes every")).ToBeVisibleAsync();
        });

        // The provider is paid: the outbox sends it, the sandbox settles after its delay on the host's clock.
        var processor = Host.App.Services.GetRequiredService<CashoutProcessor>();
        await processor.DispatchDue(100, CancellationToken.None);
        Host.Clock.Advance(TimeSpan.FromSeconds(5));
        await processor.Settle(100, CancellationToken.None);

        await Step(page, "paid", async () =>
        {
            // No reload from the test: the page's meta refresh brings the news.
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Paid", new() { Timeout = 20_000 });
            await Assertions.Expect(page.GetByText("This page refreshes every")).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Link, new() { Name = "Receipt" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Receipt: cash-out of USD 20.00");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How to verify" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task Statement_FromDashboard_DownloadsCsvOfTheMonthAndTheTaxYear()
    {
        var page = await NewPage();
        await Step(page, "ready", () => ReadyHolder(page));
        var month = Now.AddMonths(-1);
        var title = month.UtcDateTime.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        await Step(page, "statement", async () =>
        {
            await page.GotoAsync("/");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Statements" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Statement for {title}");
            await Assertions.Expect(page.GetByText("Closing balance")).ToBeVisibleAsync();
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
            Assert.Equal($"smallchange-statement-{month.UtcDateTime:yyyy-MM}.csv", download.SuggestedFilename);
            var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.StartsWith("section,currency,item,amount,count", csv.TrimStart('\uFEFF'));
            Assert.Contains("summary,USD,closing balance,", csv);
            Assert.Contains("income,USD,Browser Creators,", csv);
            Assert.Contains(",credit,Credit from Browser Creators,USD,0.35,", csv);
        });

        await Step(page, "tax-year", async () =>
        {
            await page.GotoAsync("/statements");
            var year = Now.UtcDateTime.Year.ToString(CultureInfo.InvariantCulture);
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = $"Tax year {year} as CSV" }).ClickAsync());
            var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.Contains("summary,USD,fees paid,", csv);
            Assert.Contains("income,USD,Browser Creators,", csv);
        });
    }
}

public sealed class SqliteHolderRecordsBrowserTests() : HolderRecordsBrowserTests("sqlite");

public sealed class PostgresHolderRecordsBrowserTests() : HolderRecordsBrowserTests("postgres");

/// <summary>
/// Screenshots of every holder page, with real data, at desktop (1280 px) and phone (390 px) width, written to
/// TestResults/screenshots as artefacts of the test run; at phone width no page scrolls sideways (wide tables scroll
/// inside their own region).
/// </summary>
public sealed class HolderPageScreenshots() : HolderBrowserBase("sqlite")
{
    [Fact]
    public async Task EveryHolderPage_DesktopAndPhone_ScreenshotsWritten()
    {
        var page = await NewPage();
        await Step(page, "ready", () => ReadyHolder(page));
        var status = await CashOutFromDashboard(page, "5.00");
        var id = status.Split('/')[^1];
        var month = Now.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var pages = new List<(string Name, string Path)>
        {
            ("dashboard", "/"), ("history", "/history"), ("receipt-cashout", $"/receipts/{id}"), ("statements", "/statements"),
            ("statement-month", $"/statements/{month}"), ("tax-year", $"/statements/tax/{Now.UtcDateTime.Year}"), ("cashout-status", $"/cashouts/{id}"),
            ("cashouts", "/cashouts"), ("destinations", "/destinations"), ("security", "/security"), ("activity", "/activity"), ("inbox", "/inbox"),
            ("cashout-start", "/cashout"), ("identity", "/identity"),
        };
        var folder = BrowserHost.ScreenshotFolder;
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var (width, height, label) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (name, path) in pages)
            {
                await Step(page, $"{name}-{label}", async () =>
                {
                    written.Add(await BrowserHost.ScreenshotPage(page, path, $"holder-{name}-{label}", label));
                });
            }

            // The quote step of the wizard, with its table and chart.
            await Step(page, $"cashout-quote-{label}", async () =>
            {
                await page.GotoAsync("/cashout");
                await page.GetByLabel("Amount").FillAsync("1.00");
                await page.GetByRole(AriaRole.Button, new() { Name = "See fees and what arrives" }).ClickAsync();
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waiting would cost less" })).ToBeVisibleAsync();
                var file = Path.Combine(folder, $"holder-cashout-quote-{label}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
                written.Add(file);
            });
        }

        Assert.Equal((pages.Count + 1) * 2, written.Count);
        Assert.All(written, f => Assert.True(new FileInfo(f).Length > 5_000, f));
    }
}
