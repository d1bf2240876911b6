using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Credits;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;
using SmallChange.Core.Staff;
using SmallChange.Hosting;
using SmallChange.Http;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange bench pages</c>: the issue 7 target "every page under 200 ms server time on the demo data". Seeds the
/// demo data (<see cref="DemoSeed"/> and <see cref="DemoActivity"/>) into a fresh store, starts the real host on a
/// loopback port in this process (workers off), claims Ava Thompson's portal login and signs in a compliance officer
/// (password and authenticator code) over HTTP as a browser does, then requests every portal and console page
/// <c>--warmup</c> times and <c>--n</c> times measured, one request at a time. Each figure is the time from sending the
/// request to having read the whole response over loopback; <c>/health</c>, measured the same way in the same run, is the
/// baseline (what a request costs with no page work), so results read as ratios on a shared machine.
/// </summary>
public static partial class BenchPages
{
    public sealed record PageResult(string Page, string Path, string Area, int Status, int Bytes, double P50Ms, double P99Ms, double MaxMs, double P50OverBaseline);

    public sealed record PagesResult(string Backend, int Requests, int Warmup, double BaselineP50Ms, double BaselineP99Ms, IReadOnlyList<PageResult> Pages, int SlowerThan200Ms);

    private const string Password = "bench pages violet tram 42";

    public static Command Create()
    {
        var cmd = new Command("pages", "Time every portal and console page on the demo data (p50/p99 against /health)");
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var n = new Option<int>("--n") { Description = "Measured requests per page", DefaultValueFactory = _ => 50 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured requests per page first", DefaultValueFactory = _ => 5 };
        cmd.Options.Add(json);
        cmd.Options.Add(n);
        cmd.Options.Add(warmup);
        cmd.SetAction(async (parse, ct) =>
        {
            var explicitDb = parse.GetResult(CliRoot.Db) is { Implicit: false };
            var dir = Path.Combine(Path.GetTempPath(), $"smallchange-bench-pages-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dir);
            var db = explicitDb ? parse.GetValue(CliRoot.Db)! : Path.Combine(dir, "pages.db");
            try
            {
                // A PostgreSQL store needs a personal-data key file: without --pii-keys, one in the temporary folder.
                var piiKeys = parse.GetValue(CliRoot.PiiKeys) ?? (Adapters.Storage.Postgres.PostgresConnectionString.IsPostgres(db) ? Path.Combine(dir, "pii-keys.json") : null);
                var result = await Run(db, dir, Math.Clamp(parse.GetValue(n), 1, 10_000), Math.Clamp(parse.GetValue(warmup), 0, 1_000), ct, piiKeys);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(result, ApiJson.Options));
                }
                else
                {
                    Console.WriteLine($"{result.Backend}: {result.Requests} requests per page after {result.Warmup} warm-up; baseline /health p50 {result.BaselineP50Ms:0.00} ms, p99 {result.BaselineP99Ms:0.00} ms");
                    Console.WriteLine($"{"page",-24} {"status",6} {"bytes",8} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"p50/health",10}");
                    foreach (var p in result.Pages)
                    {
                        Console.WriteLine($"{p.Page,-24} {p.Status,6} {p.Bytes,8} {p.P50Ms,8:0.00} {p.P99Ms,8:0.00} {p.MaxMs,8:0.00} {p.P50OverBaseline,10:0.0}");
                    }

                    Console.WriteLine($"pages with p50 over 200 ms: {result.SlowerThan200Ms}");
                }

                return result.Pages.All(p => p.Status == 200) ? 0 : 1;
            }
            finally
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // A file still held open by a background thread of the host: the temporary folder stays.
                }
            }
        });
        return cmd;
    }

    public static async Task<PagesResult> Run(string db, string dir, int n, int warmup, CancellationToken ct, string? piiKeys = null)
    {
        var options = new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false)
        {
            Portal = new Portal.PortalOptions { MailFolder = Path.Combine(dir, "mail") },
            LogKeyFile = Path.Combine(dir, "log-key.pem"),
            // The per-holder limit (600 requests a minute) is for people and apps; the bench asks for one holder's pages
            // faster than that on purpose.
            Security = new ApiSecurityOptions { RequestsPerHolderPerMinute = 0 },
        };
        await using var store = StoreFactory.Open(db, options.Clock, piiKeys);
        await store.MigrateAsync(ct);
        await using var app = SmallChangeHost.Build(options, store);
        var info = await DemoSeed.Run(store, app.Services.GetRequiredService<CreditService>(), options.Clock, ct);
        await DemoStaff.Run(store, "http://127.0.0.1", options.Clock.GetUtcNow(), ct); // as serve --demo: the seeded four-eyes request needs its officer
        var activity = await DemoActivity.Run(app.Services, info, ct);
        await app.StartAsync(ct);
        var baseUrl = app.Urls.First(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)).TrimEnd('/');

        using var holder = new Browser(baseUrl);
        var ava = info.Holders.First(h => h.ExternalRef == "demo-ava");
        await ClaimAva(app.Services, holder, ava.Id, ct);
        using var officer = new Browser(baseUrl);
        await SignInOfficer(store, officer, options.Clock, ct);

        var now = options.Clock.GetUtcNow().UtcDateTime;
        var cashout = (await store.ReadAsync(r => r.ListCashouts(ava.Id, null, 1), ct)).Items[0].Id;
        var submission = (await store.ReadAsync(r => r.ListKycSubmissions(KycStatus.Pending, null, null, 1), ct)).Items[0].Id;
        var ctr = (await store.ReadAsync(r => r.ListReports(new ReportFilter(ReportKind.Ctr), null, 1), ct)).Items[0].Id;
        var pages = new List<(string Name, string Path, string Area, Browser As)>
        {
            ("dashboard", "/", "portal", holder), ("history", "/history", "portal", holder), ("cashouts", "/cashouts", "portal", holder),
            ("cashout-status", $"/cashouts/{cashout}", "portal", holder), ("receipt", $"/receipts/{cashout}", "portal", holder),
            ("statements", "/statements", "portal", holder), ("statement-month", $"/statements/{now.AddMonths(-1):yyyy-MM}", "portal", holder),
            ("tax-year", $"/statements/tax/{now.Year}", "portal", holder), ("cashout-start", "/cashout", "portal", holder),
            ("auto-cashout", "/settings/auto-cashout", "portal", holder), ("destinations", "/destinations", "portal", holder),
            ("security", "/security", "portal", holder), ("activity", "/activity", "portal", holder), ("inbox", "/inbox", "portal", holder),
            ("console", "/console", "console", officer), ("kyc-queue", "/console/kyc", "console", officer),
            ("kyc-submission", $"/console/kyc/{submission}", "console", officer), ("cases", "/console/cases", "console", officer),
            ("case-held", $"/console/cases/{activity.HeldCase}", "console", officer), ("case-sanctions", $"/console/cases/{activity.NearMatchCase}", "console", officer),
            ("alerts-chart", "/console/alerts", "console", officer), ("held", "/console/held", "console", officer),
            ("approvals", "/console/approvals", "console", officer), ("reports", "/console/reports", "console", officer),
            ("report-file", $"/console/reports/{ctr}/files/csv", "console", officer), ("providers", "/console/providers", "console", officer),
            ("ledger", "/console/ledger", "console", officer), ("staff-trail", "/console/audit", "console", officer), ("fees", "/console/fees", "console", officer),
        };

        var (baseline50, baseline99, _, _, _) = await Measure(holder, "/health", n, warmup, ct);
        var results = new List<PageResult>();
        foreach (var (name, path, area, as_) in pages)
        {
            var (p50, p99, max, status, bytes) = await Measure(as_, path, n, warmup, ct);
            results.Add(new PageResult(name, path, area, status, bytes, Round(p50), Round(p99), Round(max), Math.Round(p50 / Math.Max(baseline50, 0.001), 1)));
        }

        await app.StopAsync(ct);
        return new PagesResult(store.Backend, n, warmup, Round(baseline50), Round(baseline99), results, results.Count(r => r.P50Ms > 200));
    }

    private static double Round(double ms) => Math.Round(ms, 2);

    private static async Task<(double P50, double P99, double Max, int Status, int Bytes)> Measure(Browser b, string path, int n, int warmup, CancellationToken ct)
    {
        for (var i = 0; i < warmup; i++)
        {
            await b.Get(path, ct);
        }

        var times = new double[n];
        var (status, bytes) = (0, 0);
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            (status, bytes) = await b.Get(path, ct);
            times[i] = sw.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (At(times, 0.50), At(times, 0.99), times[^1], status, bytes);
    }

    /// <summary>Ava's portal login, claimed through the invitation link as the demo's tour does it (the claim signs her in).</summary>
    private static async Task ClaimAva(IServiceProvider services, Browser b, Core.Common.HolderId ava, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var invite = await scope.ServiceProvider.GetRequiredService<Portal.PortalInvites>().Invite(ava, DemoSeed.DemoPortalEmail, ClientInfo.System, ct);
        if (!invite.TryGet(out var invitation, out var error))
        {
            throw new InvalidOperationException($"bench: invitation refused ({error.Code}); use a fresh database");
        }

        var link = new Uri(invitation.Link).PathAndQuery;
        var r = await b.Submit(link, new() { ["Input.Password"] = Password, ["Input.ConfirmPassword"] = Password }, ct);
        if (r != HttpStatusCode.Redirect || (await b.Get("/", ct)).Status != 200)
        {
            throw new InvalidOperationException($"bench: claiming Ava's login answered {(int)r}");
        }
    }

    /// <summary>A new compliance officer: password, then the mandatory authenticator enrolment with a code computed from the page's key.</summary>
    private static async Task SignInOfficer(IStore store, Browser b, TimeProvider clock, CancellationToken ct)
    {
        var email = $"bench.{Guid.NewGuid():N}"[..18] + "@bench.smallchange.test";
        var added = await StaffCommand.AddAccount(store, email, StaffRole.ComplianceOfficer, StaffActor.Named("bench"), clock.GetUtcNow(), ct);
        var staff = added.Value;
        var signIn = await b.Submit("/console/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = staff.Password }, ct);
        if (signIn != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"bench: the officer's password step answered {(int)signIn}");
        }

        var enrol = await b.Html("/console/enrol", ct);
        var key = SharedKey().Match(enrol) is { Success: true } m ? Base32.Decode(m.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()) : null;
        if (key is null)
        {
            throw new InvalidOperationException($"bench: the enrolment page showed no key: {enrol[..Math.Min(enrol.Length, 300)]}");
        }

        var code = Totp.Code(key, Totp.StepAt(clock.GetUtcNow())).ToString("D6", CultureInfo.InvariantCulture);
        var r = await b.Submit("/console/enrol", new() { ["Input.Code"] = code }, ct);
        if (r != HttpStatusCode.Redirect || (await b.Get("/console", ct)).Status != 200)
        {
            throw new InvalidOperationException($"bench: the officer's sign-in answered {(int)r}");
        }
    }

    [GeneratedRegex("id=\"shared-key\">([A-Za-z2-7 ]+)<")]
    private static partial Regex SharedKey();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("name=\"([^\"]+)\"")]
    private static partial Regex NameAttribute();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();

    /// <summary>A person's browser, as far as the bench needs one: cookies, no redirects followed, forms with their hidden fields.</summary>
    private sealed class Browser(string baseUrl) : IDisposable
    {
        private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = new Uri(baseUrl),
        };

        public async Task<(int Status, int Bytes)> Get(string path, CancellationToken ct)
        {
            using var r = await _http.GetAsync(path, ct);
            var body = await r.Content.ReadAsByteArrayAsync(ct);
            return ((int)r.StatusCode, body.Length);
        }

        public async Task<string> Html(string path, CancellationToken ct)
        {
            using var r = await _http.GetAsync(path, ct);
            return await r.Content.ReadAsStringAsync(ct);
        }

        /// <summary>Fetches the page, posts its first form's hidden fields (the antiforgery token …) with <paramref name="fields"/> back to it.</summary>
        public async Task<HttpStatusCode> Submit(string path, Dictionary<string, string> fields, CancellationToken ct)
        {
            var html = await Html(path, ct);
            var form = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match input in HiddenInput().Matches(html))
            {
                if (NameAttribute().Match(input.Value) is { Success: true } name && !form.ContainsKey(name.Groups[1].Value))
                {
                    form[name.Groups[1].Value] = WebUtility.HtmlDecode(ValueAttribute().Match(input.Value).Groups[1].Value);
                }
            }

            foreach (var (k, v) in fields)
            {
                form[k] = v;
            }

            using var r = await _http.PostAsync(path, new FormUrlEncodedContent(form), ct);
            return r.StatusCode;
        }

        public void Dispose() => _http.Dispose();
    }
}
