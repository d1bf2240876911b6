using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>Session and antiforgery cookie flags over HTTP and HTTPS; repeated wrong passwords lock the account, on both databases.</summary>
public sealed partial class SessionAndBruteForceTests
{
    private static string CookieHeader(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues("Set-Cookie", out var all) ? all.FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal)) ?? "" : "";

    /// <summary>Signs up through a client that keeps no cookies, so every Set-Cookie is seen as sent.</summary>
    private static async Task<(HttpResponseMessage Form, HttpResponseMessage SignedUp)> SignUpOver(ApiFixture api, string scheme)
    {
        var client = api.App.GetTestServer().CreateClient();
        client.BaseAddress = new Uri($"{scheme}://portal.example/");
        var form = await client.GetAsync("/sign-up");
        var html = await form.Content.ReadAsStringAsync();
        var token = PortalBrowser.Token(html);
        var csrf = CookieHeader(form, "sc_csrf").Split(';')[0];
        var post = new HttpRequestMessage(HttpMethod.Post, "/sign-up")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["Input.Email"] = PortalFixture.NewEmail(), ["Input.Name"] = "Ava Thompson", ["Input.Country"] = "US",
                ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
            }),
        };
        post.Headers.Add("Cookie", csrf);
        var signedUp = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        return (form, signedUp);
    }

    [Fact]
    public async Task Cookies_OverHttps_SecureHttpOnlySameSite()
    {
        await using var api = await SecurityPortal.StartAsync();
        var (form, signedUp) = await SignUpOver(api, "https");

        var session = CookieHeader(signedUp, "sc_session").ToLowerInvariant();
        Assert.Contains("secure", session, StringComparison.Ordinal);
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", session, StringComparison.Ordinal);
        var csrf = CookieHeader(form, "sc_csrf").ToLowerInvariant();
        Assert.Contains("secure", csrf, StringComparison.Ordinal);
        Assert.Contains("httponly", csrf, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", csrf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cookies_OverPlainHttp_HttpOnlySameSiteButNotSecure()
    {
        await using var api = await SecurityPortal.StartAsync();
        var (form, signedUp) = await SignUpOver(api, "http");

        var session = CookieHeader(signedUp, "sc_session").ToLowerInvariant();
        Assert.NotEqual("", session);
        Assert.DoesNotContain("secure", session, StringComparison.Ordinal);
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", session, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", CookieHeader(form, "sc_csrf").ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SignIn_RepeatedWrongPasswords_LockOutEvenTheRightOne(string backend)
    {
        await using var portal = await PortalFixture.StartAsync(backend: backend);
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var attacker = portal.Browser();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await attacker.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = $"guess number {i} of many" });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using var owner = portal.Browser();
        using var right = await owner.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = PortalBrowser.GoodPassword });

        Assert.Equal(HttpStatusCode.OK, right.StatusCode); // the form again, not a session
        Assert.Contains("locked", await PortalBrowser.Html(right), StringComparison.Ordinal);
        Assert.Equal("", CookieHeader(right, "sc_session"));
        var user = await portal.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant()));
        Assert.True(user!.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task ApiKey_GuessedSecretsForAKnownKeyId_NeverAuthenticate()
    {
        await using var api = await ApiFixture.StartAsync();
        var id = api.OperatorKey[4..20];
        for (var i = 0; i < 20; i++)
        {
            using var guess = api.Client($"sck_{id}_{Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=')}{i}");
            using var r = await guess.GetAsync("/v1/sources");
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        using var genuine = await api.Operator.GetAsync("/v1/sources");
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode); // guesses do not lock the real key out (nobody can deny its use by guessing)
    }
}
