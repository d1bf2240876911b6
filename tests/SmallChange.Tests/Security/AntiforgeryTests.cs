using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>
/// Every Razor page: each form it shows posts with an antiforgery token, and a POST without one is refused (400) and
/// changes nothing — whoever sends it, signed in or not. Pages are enumerated from the host, so new pages are covered.
/// </summary>
public sealed partial class AntiforgeryTests
{
    /// <summary>Every page route of the host ("/", "/sign-in", "/security/change-password", …).</summary>
    internal static IReadOnlyList<string> PageRoutes(ApiFixture api) =>
        api.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public async Task PageRoutes_Enumeration_FindsTheKnownPages()
    {
        await using var api = await SecurityPortal.StartAsync();
        var routes = PageRoutes(api);
        foreach (var known in new[] { "/", "/sign-in", "/sign-up", "/sign-out", "/forgot-password", "/reset-password", "/inbox", "/security" })
        {
            Assert.Contains(known, routes, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task EveryPage_PostWithoutToken_Refused400ForAnonymousAndSignedIn()
    {
        await using var api = await SecurityPortal.StartAsync();
        var (browser, email) = await SecurityPortal.SignUp(api);
        using var anonymous = SecurityPortal.Browser(api);
        _ = await anonymous.Http.GetAsync("/sign-in"); // an antiforgery cookie, but no token in the form

        foreach (var route in PageRoutes(api).Select(AnonymousAccessTests.Fill))
        {
            // A holder's session is no credential in the staff console: there it is sent to the console's sign-in first.
            var signIn = AnonymousAccessTests.SignInFor(route);
            using var signedIn = await browser.PostRaw(route, new() { ["Input.Email"] = email, ["Input.Password"] = "x" });
            Assert.True(signedIn.StatusCode == HttpStatusCode.BadRequest || (signIn == "/console/sign-in" && signedIn.StatusCode == HttpStatusCode.Redirect
                && new Uri(new Uri("http://localhost"), signedIn.Headers.Location!).AbsolutePath == signIn), $"signed in POST {route} without a token: {(int)signedIn.StatusCode}");
            using var anon = await anonymous.PostRaw(route, new() { ["Input.Email"] = email, ["Input.Password"] = "x" });
            // A page that needs a session sends an anonymous caller to sign in first; every other page refuses the post.
            Assert.True(anon.StatusCode == HttpStatusCode.BadRequest || (anon.StatusCode == HttpStatusCode.Redirect && new Uri(new Uri("http://localhost"), anon.Headers.Location!).AbsolutePath == signIn),
                $"anonymous POST {route} without a token: {(int)anon.StatusCode}");
        }

        // Still signed in: the token-less POST to /sign-out did nothing.
        Assert.Contains("Inbox", await browser.Page("/inbox"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryPageShown_EveryPostForm_CarriesAToken()
    {
        await using var api = await SecurityPortal.StartAsync();
        var (browser, _) = await SecurityPortal.SignUp(api);
        using var anonymous = SecurityPortal.Browser(api);
        var checkedForms = 0;
        foreach (var route in PageRoutes(api))
        {
            foreach (var who in new[] { browser, anonymous })
            {
                using var r = await who.Http.GetAsync(route);
                if (r.StatusCode != HttpStatusCode.OK)
                {
                    continue; // a redirect (sign in first, or a step that needs an earlier one) shows no form
                }

                var html = await r.Content.ReadAsStringAsync();
                foreach (Match form in PostForm().Matches(html))
                {
                    checkedForms++;
                    Assert.True(form.Value.Contains("name=\"__RequestVerificationToken\"", StringComparison.Ordinal), $"a form on {route} posts without a token:\n{form.Value}");
                }
            }
        }

        Assert.True(checkedForms >= 5, $"only {checkedForms} forms were found");
    }

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*>.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex PostForm();
}
