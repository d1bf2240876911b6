using System.Net;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Portal;

/// <summary>Sign-up, sign-in and sign-out through the portal's forms, as a browser does them.</summary>
public sealed class PortalAccountTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task SignUp_ValidForm_CreatesHolderSignsInAndSendsWelcome()
    {
        var (browser, email) = await portal.SignedUp();
        using (browser)
        {
            var home = await browser.Page("/");
            Assert.Contains("Hello, Ava Thompson", home);
            Assert.Contains("Sign out", home);
            var inbox = await browser.Page("/inbox");
            Assert.Contains("Welcome to SmallChange", inbox);
            Assert.Single(portal.MailsTo(email));

            // The holder exists in the ledger's sense: KYC tier 0, and the operator API sees it.
            var user = await portal.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant()));
            Assert.NotNull(user);
            var holder = await portal.Store.ReadAsync(r => r.GetHolder(user.Holder));
            Assert.Equal(0, holder!.KycTier);
            Assert.Equal("US", holder.Country);
            using var api = await portal.Operator.GetAsync($"/v1/holders/{user.Holder}");
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
            Assert.StartsWith("AQAAAA", user.PasswordHash); // Identity's PBKDF2 format, never the password
        }
    }

    [Fact]
    public async Task SignOut_Post_EndsSessionAndSignInWorksAgain()
    {
        var (browser, email) = await portal.SignedUp();
        using (browser)
        {
            using var signOut = await browser.Submit("/", [], "/sign-out");
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
            using var security = await browser.Http.GetAsync("/security");
            Assert.Equal(HttpStatusCode.Redirect, security.StatusCode);
            Assert.StartsWith("/sign-in", security.Headers.Location!.PathAndQuery);

            using var signIn = await browser.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = PortalBrowser.GoodPassword });
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal("/", signIn.Headers.Location!.OriginalString);
            Assert.Contains("Hello, Ava Thompson", await browser.Page("/"));
        }
    }

    [Fact]
    public async Task SignIn_EmailInOtherCase_SignsIn()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        using var r = await browser.Submit("/sign-in", new() { ["Input.Email"] = email.ToUpperInvariant(), ["Input.Password"] = PortalBrowser.GoodPassword });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
    }

    [Fact]
    public async Task SignIn_WrongPasswordOrUnknownEmail_SameMessageNoSession()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        using var wrong = await browser.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = "not the password at all" });
        using var unknown = await browser.Submit("/sign-in", new() { ["Input.Email"] = PortalFixture.NewEmail(), ["Input.Password"] = "not the password at all" });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("The e-mail address or the password is not right.", await PortalBrowser.Html(wrong));
        Assert.Contains("The e-mail address or the password is not right.", await PortalBrowser.Html(unknown));
        using var home = await browser.Http.GetAsync("/security");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
    }

    [Fact]
    public async Task SignIn_ReturnUrlElsewhere_RedirectsHomeInstead()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        using var r = await browser.Submit("/sign-in?returnUrl=https%3A%2F%2Fevil.example%2F", new()
        {
            ["Input.Email"] = email, ["Input.Password"] = PortalBrowser.GoodPassword, ["ReturnUrl"] = "https://evil.example/",
        });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/", r.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("short pass", "Use at least 12 characters.")]
    [InlineData("password1234", "This password is too common")]
    [InlineData("1qaz2wsx3edc", "This password is too common")]
    [InlineData("LeaveMeAlone", "This password is too common")]
    [InlineData("qwertyuiop!!", "This password is too common")]
    [InlineData("Sunshine2024!", "This password is too common")]
    [InlineData("aaaaaaaaaaaaaaaa", "Use at least 5 different characters.")]
    public async Task SignUp_WeakPassword_RejectedWithMessage(string password, string message)
    {
        using var browser = portal.Browser();
        var email = PortalFixture.NewEmail();
        using var r = await browser.Submit("/sign-up", new()
        {
            ["Input.Email"] = email, ["Input.Name"] = "Kim Min-jun", ["Input.Country"] = "KR",
            ["Input.Password"] = password, ["Input.ConfirmPassword"] = password,
        });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var html = await PortalBrowser.Html(r);
        Assert.Contains(message, html);
        Assert.Contains("aria-invalid=\"true\"", html);
        Assert.Null(await portal.Store.ReadAsync(rd => rd.FindPortalUserByEmail(email.ToUpperInvariant())));
    }

    [Fact]
    public async Task SignUp_PasswordContainsEmailName_Rejected()
    {
        using var browser = portal.Browser();
        var email = $"minjun.kim{Guid.NewGuid():N}"[..16] + "@example.com";
        var local = email[..email.IndexOf('@')];
        var password = $"my {local.ToUpperInvariant()} secret";
        using var r = await browser.Submit("/sign-up", new()
        {
            ["Input.Email"] = email, ["Input.Name"] = "Kim Min-jun", ["Input.Country"] = "KR",
            ["Input.Password"] = password, ["Input.ConfirmPassword"] = password,
        });
        Assert.Contains("must not contain your e-mail address", await PortalBrowser.Html(r));
        Assert.Null(await portal.Store.ReadAsync(rd => rd.FindPortalUserByEmail(email.ToUpperInvariant())));
    }

    [Fact]
    public async Task SignUp_SameEmailTwice_SecondRejected()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        using var r = await browser.Submit("/sign-up", new()
        {
            ["Input.Email"] = email.ToUpperInvariant(), ["Input.Name"] = "Someone Else", ["Input.Country"] = "DE",
            ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
        });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("An account with this e-mail address already exists.", await PortalBrowser.Html(r));
    }

    [Fact]
    public async Task SignUp_BadFields_EachNamedAndNothingWritten()
    {
        using var browser = portal.Browser();
        using var r = await browser.Submit("/sign-up", new()
        {
            ["Input.Email"] = "not-an-address", ["Input.Name"] = "", ["Input.Country"] = "ZZ",
            ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword + "x",
        });
        var html = await PortalBrowser.Html(r);
        Assert.Contains("Enter an e-mail address like name@example.com.", html);
        Assert.Contains("Enter your full name.", html);
        Assert.Contains("Enter your country as two letters", html);
        Assert.Contains("The two passwords are not the same.", html);
        Assert.Contains("href=\"#Input_Email\"", html);
    }

    [Fact]
    public async Task Portal_SessionCookie_IsHttpOnlyAndSameSiteAndNotAnApiCredential()
    {
        var email = PortalFixture.NewEmail();
        using var browser = portal.Browser();
        var html = await browser.Page("/sign-up");
        var fields = new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Name"] = "Ava Thompson", ["Input.Country"] = "US",
            ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
            ["__RequestVerificationToken"] = PortalBrowser.Token(html),
        };
        using var r = await browser.Http.PostAsync("/sign-up", new FormUrlEncodedContent(fields));
        var session = r.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sc_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);

        // The API answers to API keys only: the portal session is not one.
        using var api = await browser.Http.GetAsync("/v1/holders");
        await Json.ExpectProblem(api, HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sign-in")]
    [InlineData("/sign-up")]
    [InlineData("/forgot-password")]
    public async Task AnonymousPage_Get_Returns200WithLayout(string path)
    {
        using var browser = portal.Browser();
        var html = await browser.Page(path);
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("href=\"#main\"", html);
        Assert.Contains("<meta name=\"viewport\"", html);
    }

    [Theory]
    [InlineData("/inbox")]
    [InlineData("/security")]
    [InlineData("/security/password")]
    [InlineData("/security/authenticator")]
    [InlineData("/security/recovery-codes")]
    [InlineData("/security/two-factor/off")]
    public async Task HolderPage_Anonymous_RedirectsToSignIn(string path)
    {
        using var browser = portal.Browser();
        using var r = await browser.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/sign-in", r.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task PortalPage_Get_SendsFramingScriptAndCacheHeaders()
    {
        using var browser = portal.Browser();
        using var r = await browser.Http.GetAsync("/sign-in");
        var csp = r.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'none'", csp);
        Assert.Contains("form-action 'self'", csp);
        Assert.Equal("DENY", r.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(r.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Stylesheet_Get_ServedFromTheExecutable()
    {
        using var browser = portal.Browser();
        using var r = await browser.Http.GetAsync("/assets/site.css");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/css", r.Content.Headers.ContentType?.MediaType);
        Assert.Contains(":focus-visible", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownPortalPath_Get_Html404()
    {
        using var browser = portal.Browser();
        using var r = await browser.Http.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal("text/html", r.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Page not found", await r.Content.ReadAsStringAsync());
    }
}
