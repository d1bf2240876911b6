using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using SmallChange.Core.Identity;
using SmallChange.Hosting;
using SmallChange.Portal;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Portal;

/// <summary>
/// The whole host (API and portal) on a fresh store, with the mail adapter writing to a temporary folder. The per-IP
/// limit is raised so that the tests of one class, which share an IP on the test server, do not trip it; tests of
/// the limits build their own fixture with <see cref="StartAsync"/>.
/// </summary>
public class PortalFixture : ApiFixture, IAsyncLifetime
{
    public PortalFixture()
        : this(NewMailFolder(), null, "sqlite")
    {
    }

    protected PortalFixture(string mailFolder, Func<PortalOptions, PortalOptions>? tweak, string backend, Func<ServeOptions, ServeOptions>? serve = null)
        : base(o => (serve ?? (x => x))(o with { Portal = Tweak(o.Portal with { MailFolder = mailFolder, AccountPostsPerIpPerMinute = 10_000 }, tweak) }), backend)
    {
        MailFolder = mailFolder;
    }

    public string MailFolder { get; }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Directory.Exists(MailFolder))
        {
            Directory.Delete(MailFolder, recursive: true);
        }
    }

    /// <param name="serve">Further host settings (a manual clock, the profiles' cooling-off).</param>
    public static async Task<PortalFixture> StartAsync(Func<PortalOptions, PortalOptions>? tweak = null, string backend = "sqlite", Func<ServeOptions, ServeOptions>? serve = null)
    {
        var f = new PortalFixture(NewMailFolder(), tweak, backend, serve);
        await f.InitializeAsync();
        return f;
    }

    /// <summary>A browser with its own cookie jar (a person on their own device).</summary>
    public PortalBrowser Browser() => new(App.GetTestServer());

    /// <summary>The mails written to the mail folder for <paramref name="email"/>, oldest first.</summary>
    public IReadOnlyList<string> MailsTo(string email) =>
        !Directory.Exists(MailFolder)
            ? []
            : Directory.GetFiles(MailFolder, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllText)
                .Where(m => m.Contains($"\r\nTo: {email}\r\n", StringComparison.Ordinal)).ToList();

    /// <summary>Signs up a new holder with a fresh address and a good password; the browser stays signed in.</summary>
    public async Task<(PortalBrowser Browser, string Email)> SignedUp(string password = PortalBrowser.GoodPassword)
    {
        var email = NewEmail();
        var browser = Browser();
        using var r = await browser.Submit("/sign-up", new()
        {
            ["Input.Email"] = email, ["Input.Name"] = "Ava Thompson", ["Input.Country"] = "US",
            ["Input.Password"] = password, ["Input.ConfirmPassword"] = password,
        });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return (browser, email);
    }

    public static string NewEmail() => $"holder{Guid.NewGuid():N}"[..18] + "@example.com";

    private static string NewMailFolder() => Path.Combine(Path.GetTempPath(), "smallchange-tests", $"mail-{Guid.NewGuid():N}");

    private static PortalOptions Tweak(PortalOptions o, Func<PortalOptions, PortalOptions>? tweak) => tweak is null ? o : tweak(o);
}

public sealed class PostgresPortalFixture() : PortalFixture(Path.Combine(Path.GetTempPath(), "smallchange-tests", $"mail-{Guid.NewGuid():N}"), null, "postgres");

/// <summary>
/// A person's browser on the test server: keeps cookies, does not follow redirects (tests look at them), and fills
/// in forms the way a browser would, with the antiforgery token the page carries.
/// </summary>
public sealed partial class PortalBrowser : IDisposable
{
    /// <summary>Long, not common, no e-mail name in it.</summary>
    public const string GoodPassword = "violet tram 42 quietly";

    public PortalBrowser(TestServer server)
    {
        Http = new HttpClient(new CookieContainerHandler(Cookies) { InnerHandler = server.CreateHandler() }) { BaseAddress = new Uri("http://localhost") };
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    /// <summary>GETs a page and returns its HTML, asserting 200.</summary>
    public async Task<string> Page(string path)
    {
        using var r = await Http.GetAsync(path);
        var html = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)r.StatusCode}\n{html}");
        return html;
    }

    /// <summary>
    /// Loads <paramref name="path"/>, then posts <paramref name="fields"/> to <paramref name="action"/> (default: the same
    /// path) together with the page's hidden inputs (the antiforgery token among them), as a browser submits a form.
    /// </summary>
    public async Task<HttpResponseMessage> Submit(string path, Dictionary<string, string> fields, string? action = null)
    {
        var html = await Page(path);
        Assert.False(string.IsNullOrEmpty(Token(html)));
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in HiddenInputPattern().Matches(html))
        {
            var name = AttributePattern("name").Match(input.Value);
            var value = AttributePattern("value").Match(input.Value);
            if (name.Success)
            {
                all[WebUtility.HtmlDecode(name.Groups[1].Value)] = value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : "";
            }
        }

        foreach (var (k, v) in fields)
        {
            all[k] = v;
        }

        return await Http.PostAsync(action ?? path, new FormUrlEncodedContent(all));
    }

    /// <summary>Posts without loading the form first, so without any antiforgery token.</summary>
    public Task<HttpResponseMessage> PostRaw(string path, Dictionary<string, string> fields) => Http.PostAsync(path, new FormUrlEncodedContent(fields));

    public static string Token(string html)
    {
        var m = TokenPattern().Match(html);
        Assert.True(m.Success, "the page has a form with an antiforgery token");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    /// <summary>The TOTP secret shown on the enrolment page.</summary>
    public static byte[] SharedKey(string html)
    {
        var m = SharedKeyPattern().Match(html);
        Assert.True(m.Success, "the enrolment page shows the key as text");
        return Base32.Decode(m.Groups[1].Value) ?? throw new InvalidOperationException("not base32");
    }

    /// <summary>The code an authenticator app shows during time step <paramref name="step"/>.</summary>
    public static string CodeOf(byte[] secret, long step) => Totp.Code(secret, step).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<string> Html(HttpResponseMessage r) => await r.Content.ReadAsStringAsync();

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<input [^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenInputPattern();

    private static Regex AttributePattern(string name) => new($" {name}=\"([^\"]*)\"");

    [GeneratedRegex("id=\"shared-key\">([a-z2-7 ]+)<")]
    private static partial Regex SharedKeyPattern();
}
