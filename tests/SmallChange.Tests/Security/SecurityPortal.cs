using System.Net;
using Microsoft.AspNetCore.TestHost;
using SmallChange.Hosting;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>
/// The whole host (API and portal) for the security tests, with any serve options: the mail adapter writes to a
/// temporary folder and the per-IP limit of the account forms is raised (the tests share one IP), unless a test sets it.
/// </summary>
public static class SecurityPortal
{
    public static Task<ApiFixture> StartAsync(Func<ServeOptions, ServeOptions>? configure = null, string backend = "sqlite") =>
        ApiFixture.StartAsync(o =>
        {
            var withPortal = o with
            {
                Portal = o.Portal with
                {
                    MailFolder = Path.Combine(Path.GetTempPath(), "smallchange-tests", $"mail-{Guid.NewGuid():N}"),
                    AccountPostsPerIpPerMinute = 10_000,
                },
            };
            return configure?.Invoke(withPortal) ?? withPortal;
        }, backend);

    public static PortalBrowser Browser(ApiFixture api) => new(api.App.GetTestServer());

    /// <summary>Signs up a new holder (the browser stays signed in); returns the browser and the holder's e-mail address.</summary>
    public static async Task<(PortalBrowser Browser, string Email)> SignUp(ApiFixture api, string name = "Ava Thompson")
    {
        var email = PortalFixture.NewEmail();
        var browser = Browser(api);
        using var r = await browser.Submit("/sign-up", new()
        {
            ["Input.Email"] = email, ["Input.Name"] = name, ["Input.Country"] = "US",
            ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
        });
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"sign-up answered {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        return (browser, email);
    }
}
