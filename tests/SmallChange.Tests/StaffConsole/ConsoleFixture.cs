using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;
using SmallChange.Cli;
using SmallChange.Core.Identity;
using SmallChange.Core.Staff;
using SmallChange.Hosting;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Security;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.StaffConsole;

/// <summary>
/// The whole host for the console tests: a configuration folder of its own whose four-eyes threshold is USD 100.00 (so
/// an ordinary held cash-out needs two officers), and helpers to add staff and sign them in as a browser does.
/// </summary>
public static partial class ConsoleHost
{
    public static async Task<ApiFixture> StartAsync(string backend = "sqlite", string usdThreshold = "100.00")
    {
        var config = Path.Combine(Path.GetTempPath(), "smallchange-tests", $"config-{Guid.NewGuid():N}");
        Directory.CreateDirectory(config);
        foreach (var f in Directory.GetFiles(new ServeOptions("x", "x").ConfigDir, "*.json"))
        {
            File.Copy(f, Path.Combine(config, Path.GetFileName(f)));
        }

        await File.WriteAllTextAsync(Path.Combine(config, "four-eyes.json"), $$"""{ "release_above": { "USD": "{{usdThreshold}}", "KRW": "100000" } }""");
        return await SecurityPortal.StartAsync(o => o with { ConfigDir = config }, backend);
    }

    public static PortalBrowser Browser(ApiFixture api) => new(api.App.GetTestServer());

    /// <summary>Adds a staff account through the CLI's code path; returns its e-mail address and temporary password.</summary>
    public static async Task<(string Email, string Password)> AddStaff(ApiFixture api, StaffRole role)
    {
        var email = $"staff{Guid.NewGuid():N}"[..16] + "@example.com";
        var added = await StaffCommand.AddAccount(api.Store, email, role, StaffActor.Named("test"), DateTimeOffset.UtcNow, CancellationToken.None);
        return (email, added.Value.Password);
    }

    /// <summary>A staff member signed in, with an authenticator enrolled on the way; the browser and the TOTP secret.</summary>
    public static async Task<(PortalBrowser Browser, string Email, byte[] Secret)> SignedIn(ApiFixture api, StaffRole role)
    {
        var (email, password) = await AddStaff(api, role);
        var browser = Browser(api);
        using var signIn = await PasswordStep(browser, email, password);
        Assert.Equal("/console/enrol", signIn.Headers.Location?.OriginalString);
        var secret = await Enrol(browser);
        return (browser, email, secret);
    }

    public static Task<HttpResponseMessage> PasswordStep(PortalBrowser browser, string email, string password) =>
        browser.Submit("/console/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>Completes the enrolment page with a code of the current step; asserts the console session began.</summary>
    public static async Task<byte[]> Enrol(PortalBrowser browser)
    {
        var secret = PortalBrowser.SharedKey(await browser.Page("/console/enrol"));
        using var r = await browser.Submit("/console/enrol", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, Totp.StepAt(DateTimeOffset.UtcNow)) });
        Assert.True(r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location?.OriginalString == "/console", $"enrolment answered {(int)r.StatusCode} {r.Headers.Location}");
        return secret;
    }

    /// <summary>Every console page route, from the host's endpoints.</summary>
    public static IReadOnlyList<string> ConsoleRoutes(ApiFixture api) =>
        AntiforgeryTests.PageRoutes(api).Where(r => r.StartsWith("/console", StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The antiforgery token of the first form on a page.</summary>
    public static async Task<string> TokenOf(PortalBrowser browser, string path) => PortalBrowser.Token(await browser.Page(path));

    public static async Task<JsonElement> Json200(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [GeneratedRegex("name=\"approvalId\" value=\"([0-9a-f-]{36})\"")]
    public static partial Regex ApprovalIdPattern();
}
