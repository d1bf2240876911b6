using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Access;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Browser;

/// <summary>
/// The real host (Kestrel) on a free loopback port with a fresh store, a manual clock and an operator key, and a
/// headless Debian Chromium driven by Playwright. The browser is the distribution's (<c>/usr/bin/chromium</c>, or
/// <c>SMALLCHANGE_CHROMIUM</c>): Playwright's own browser download is never used (this machine cannot fetch it, and
/// <c>test.sh</c> installs the <c>chromium</c> package when it is missing).
/// </summary>
public sealed class BrowserHost : IAsyncDisposable
{
    private readonly TempDir _dir = new("browser");

    private BrowserHost(ManualClock clock, string backend)
    {
        Clock = clock;
        Backend = backend;
    }

    public ManualClock Clock { get; }

    public string Backend { get; }

    public IStore Store { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    /// <summary>The address the host listens on, such as http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; private set; } = "";

    public HttpClient Operator { get; private set; } = null!;

    public string MailFolder => _dir.File("mail");

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("SMALLCHANGE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<BrowserHost> StartAsync(string backend, Func<ServeOptions, ServeOptions>? configure = null)
    {
        var host = new BrowserHost(new ManualClock(DateTimeOffset.UtcNow), backend);
        await host.Start(configure);
        return host;
    }

    private async Task Start(Func<ServeOptions, ServeOptions>? configure)
    {
        var db = Backend == "postgres" ? await SmallChange.Testing.TestPostgres.NewSchema("browser") : _dir.File("browser.db");
        var options = new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false)
        {
            Clock = Clock,
            Portal = new SmallChange.Portal.PortalOptions { MailFolder = MailFolder },
        };
        options = configure?.Invoke(options) ?? options;
        Store = Backend == "postgres" ? PostgresStore.Open(db, Clock) : SqliteStore.Open(db, Clock);
        await Store.MigrateAsync();
        var op = ApiKeys.Issue(ApiKeyScope.Operator, null, "browser test operator", DateTimeOffset.UtcNow);
        await Store.WriteAsync(async tx =>
        {
            await tx.InsertApiKey(op.Record);
            return 0;
        });
        App = SmallChangeHost.Build(options, Store);
        await App.StartAsync();
        BaseUrl = App.Urls.First(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)).TrimEnd('/');
        Operator = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Operator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", op.Plaintext);

        Assert.True(File.Exists(ChromiumPath), $"Chromium is not at {ChromiumPath}: ./test.sh installs Debian's chromium package (or set SMALLCHANGE_CHROMIUM).");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root (CI) Chromium needs --no-sandbox; the rest keep it from reaching for the network this machine does not have.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--metrics-recording-only"],
        });
    }

    /// <summary>A new browser context (its own cookies: a person on their own device) and a page in it.</summary>
    public async Task<IPage> NewPage()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1000, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Where screenshots of failures go: TestResults/screenshots under the test output folder.</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>Runs one step of a browser test; when it fails, a full-page screenshot named <paramref name="name"/> is kept.</summary>
    public static async Task Step(IPage page, string name, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception)
        {
            Directory.CreateDirectory(ScreenshotFolder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, $"{name}-{DateTime.UtcNow:yyyyMMddHHmmss}.png"), FullPage = true });
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> (it must answer 200), writes a full-page screenshot to the screenshot folder as
    /// <paramref name="file"/>.png and checks that the page does not scroll sideways at the current width. Returns the file.
    /// </summary>
    public static async Task<string> ScreenshotPage(IPage page, string path, string file, string label)
    {
        var r = await page.GotoAsync(path);
        Assert.Equal(200, r!.Status);
        Directory.CreateDirectory(ScreenshotFolder);
        var full = Path.Combine(ScreenshotFolder, file + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = full, FullPage = true });
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"{path} at {label} width scrolls sideways by {overflow} px");
        return full;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        Operator?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        _dir.Dispose();
    }
}
