using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>
/// Every endpoint and every page of the host, enumerated from the host itself (so new ones are covered), called with
/// no credential: refused — 401 on the API (a problem), a redirect to sign-in on portal pages (the browser's form of
/// 401) — except the few that are public on purpose, listed here. A route that becomes public must be added to a list.
/// </summary>
public sealed partial class AnonymousAccessTests
{
    /// <summary>Public API routes: health, the OpenAPI document, the log's signed checkpoint and public keys (hashes and keys only).</summary>
    private static readonly HashSet<(string Method, string Path)> PublicApi =
    [
        ("GET", "/health"),
        ("GET", "/openapi/{documentName}.json"),
        ("GET", "/v1/log/checkpoint"),
        ("GET", "/v1/log/keys"),
    ];

    /// <summary>Routes whose credential is a signature over the body (providers' callbacks): 401 without one.</summary>
    private static readonly HashSet<(string Method, string Path)> SignedApi =
    [
        ("POST", "/v1/webhooks/providers/{providerId}"),
    ];

    /// <summary>Pages shown without a session: the start page, the account pages, and the invitation claim (its token is the credential).</summary>
    private static readonly HashSet<string> PublicPages = ["/", "/sign-in", "/sign-up", "/forgot-password", "/reset-password", "/claim", "/console/sign-in"];

    /// <summary>Where a page without a session sends the browser: the staff console has its own sign-in.</summary>
    internal static string SignInFor(string pattern) => pattern.StartsWith("/console", StringComparison.OrdinalIgnoreCase) ? "/console/sign-in" : "/sign-in";

    private static List<(string Method, string Pattern, bool IsPage)> Routes(ApiFixture api) =>
        api.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<PageActionDescriptor>() is not null ? ["GET"] : e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/').TrimEnd('/'), e.Metadata.GetMetadata<PageActionDescriptor>() is not null)))
            .Select(r => (r.Item1, r.Item2 == "/" ? "/" : r.Item2, r.Item3))
            .Distinct()
            .ToList();

    [Fact]
    public async Task EveryEndpointAndPage_NoCredential_RefusedUnlessPublicOnPurpose()
    {
        await using var api = await SecurityPortal.StartAsync();
        var routes = Routes(api);
        Assert.True(routes.Count(r => r.IsPage) >= 10 && routes.Count(r => !r.IsPage) >= 30, $"only {routes.Count} routes found");
        var publicFound = new List<string>();
        foreach (var (method, pattern, isPage) in routes)
        {
            var path = Fill(pattern);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = Json.Raw("{}");
            }

            using var r = await api.Anonymous.SendAsync(request);
            var shape = Normalise(pattern);
            if (isPage)
            {
                if (PublicPages.Contains(pattern))
                {
                    Assert.True(r.StatusCode == HttpStatusCode.OK, $"public page {pattern}: {(int)r.StatusCode}");
                    publicFound.Add(pattern);
                }
                else
                {
                    Assert.True(r.StatusCode == HttpStatusCode.Redirect && new Uri(new Uri("http://localhost"), r.Headers.Location!).AbsolutePath == SignInFor(pattern),
                        $"page {pattern} without a session: {(int)r.StatusCode} {r.Headers.Location}");
                }
            }
            else if (PublicApi.Contains((method, shape)))
            {
                Assert.True(r.StatusCode == HttpStatusCode.OK, $"public {method} {pattern}: {(int)r.StatusCode}");
                publicFound.Add(shape);
            }
            else if (SignedApi.Contains((method, shape)))
            {
                await Json.ExpectProblem(r, HttpStatusCode.Unauthorized, "webhook.signature_missing");
            }
            else
            {
                Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"{method} {pattern} without a key: {(int)r.StatusCode}");
                var body = await r.Content.ReadAsStringAsync();
                Assert.DoesNotContain("\"id\"", body, StringComparison.Ordinal); // a problem, never data
            }
        }

        Assert.Equal(PublicPages.Count + PublicApi.Count, publicFound.Count);
    }

    [Fact]
    public async Task PortalSession_OnTheApi_NotACredential()
    {
        await using var api = await SecurityPortal.StartAsync();
        var (browser, email) = await SecurityPortal.SignUp(api);
        var user = await api.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant()));
        foreach (var path in new[] { $"/v1/holders/{user!.Holder}", $"/v1/holders/{user.Holder}/balances", "/v1/keys", "/v1/cashouts" })
        {
            using var r = await browser.Http.GetAsync(path);
            await Json.ExpectProblem(r, HttpStatusCode.Unauthorized, "auth.unauthenticated");
        }
    }

    private static string Normalise(string pattern) => Parameter().Replace(pattern, m => "{" + m.Groups["name"].Value + "}");

    /// <summary>A route pattern with every parameter given a plausible value (a fresh GUID unless named).</summary>
    internal static string Fill(string pattern) => Parameter().Replace(pattern, m => m.Groups["name"].Value switch
    {
        "documentName" => "v1",
        "keyId" => "0123456789abcdef",
        "providerId" => "northwind-payouts",
        _ => Guid.NewGuid().ToString(),
    });

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z0-9_]+)(?<constraint>[^}]*)\}")]
    private static partial Regex Parameter();
}
