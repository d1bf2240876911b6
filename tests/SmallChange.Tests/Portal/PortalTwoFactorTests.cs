using System.Net;
using System.Text.RegularExpressions;

namespace SmallChange.Tests.Portal;

/// <summary>Authenticator enrolment with a QR code, sign-in with a second factor, replay protection and recovery codes.</summary>
public sealed partial class PortalTwoFactorTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    /// <summary>Signs up, enrols an authenticator with the code of the current step; returns the secret and the recovery codes.</summary>
    internal static async Task<(PortalBrowser Browser, string Email, byte[] Secret, IReadOnlyList<string> Codes, long Step)> Enrolled(PortalFixture portal)
    {
        var (browser, email) = await portal.SignedUp();
        var page = await browser.Page("/security/authenticator");
        Assert.Contains("<svg", page);
        Assert.Contains("role=\"img\"", page);
        var secret = PortalBrowser.SharedKey(page);
        var step = Core.Identity.Totp.StepAt(DateTimeOffset.UtcNow);
        using var r = await browser.Submit("/security/authenticator", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step) });
        var html = await PortalBrowser.Html(r);
        Assert.True(r.StatusCode == HttpStatusCode.OK && html.Contains("Two-factor sign-in is on", StringComparison.Ordinal), html);
        var codes = RecoveryCode().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, codes.Count);
        return (browser, email, secret, codes, step);
    }

    private static async Task<PortalBrowser> PasswordStep(PortalFixture portal, string email)
    {
        var browser = portal.Browser();
        using var r = await browser.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = PortalBrowser.GoodPassword });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.StartsWith("/sign-in/two-factor", r.Headers.Location!.OriginalString);
        return browser;
    }

    [Fact]
    public async Task Enrol_ScanAndConfirm_TurnsOnAndAlerts()
    {
        var (browser, email, _, _, _) = await Enrolled(portal);
        using (browser)
        {
            Assert.Contains("You have 10 unused recovery codes.", await browser.Page("/security"));
            Assert.Contains("Two-factor sign-in is on", await browser.Page("/inbox"));
            Assert.Contains(portal.MailsTo(email), m => m.Contains("Subject: Two-factor sign-in is on", StringComparison.Ordinal));
            var user = await portal.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant()));
            Assert.True(user!.TwoFactorEnabled);
            Assert.NotNull(user.ProtectedAuthenticatorKey);
            Assert.DoesNotContain(Core.Identity.Base32.Encode(PortalBrowser.SharedKey(await EnrolPageOf(portal))), user.ProtectedAuthenticatorKey);
        }
    }

    /// <summary>Any enrolment page, to show that a stored key never equals the plain secret.</summary>
    private static async Task<string> EnrolPageOf(PortalFixture portal)
    {
        var (browser, _) = await portal.SignedUp();
        using (browser)
        {
            return await browser.Page("/security/authenticator");
        }
    }

    [Fact]
    public async Task Enrol_WrongCode_StaysOffAndShowsSameKey()
    {
        var (browser, email) = await portal.SignedUp();
        using (browser)
        {
            var page = await browser.Page("/security/authenticator");
            var secret = PortalBrowser.SharedKey(page);
            var wrong = PortalBrowser.CodeOf(secret, Core.Identity.Totp.StepAt(DateTimeOffset.UtcNow) + 100);
            using var r = await browser.Submit("/security/authenticator", new() { ["Input.Code"] = wrong });
            var html = await PortalBrowser.Html(r);
            Assert.Contains("That code is not right.", html);
            Assert.Equal(secret, PortalBrowser.SharedKey(html));
            var user = await portal.Store.ReadAsync(rd => rd.FindPortalUserByEmail(email.ToUpperInvariant()));
            Assert.False(user!.TwoFactorEnabled);
        }
    }

    [Fact]
    public async Task SignIn_WithTwoFactor_NeedsCodeAndRefusesReplay()
    {
        var (first, email, secret, _, step) = await Enrolled(portal);
        first.Dispose();

        using var browser = await PasswordStep(portal, email);
        // The password alone is not a session.
        using (var before = await browser.Http.GetAsync("/security"))
        {
            Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
        }

        // The enrolment's code is spent, and so is any older one.
        using var replay = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step) });
        Assert.Contains("it was used already", await PortalBrowser.Html(replay));
        using var older = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step - 1) });
        Assert.Contains("it was used already", await PortalBrowser.Html(older));

        var next = PortalBrowser.CodeOf(secret, step + 1);
        using var ok = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = next });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Contains("Hello, Ava Thompson", await browser.Page("/"));

        // The same code on another device right after: refused.
        using var thief = await PasswordStep(portal, email);
        using var again = await thief.Submit("/sign-in/two-factor", new() { ["Input.Code"] = next });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("it was used already", await PortalBrowser.Html(again));
        using var denied = await thief.Http.GetAsync("/security");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
    }

    [Fact]
    public async Task SignIn_TwoFactorPageWithoutPasswordStep_SendsToSignIn()
    {
        using var browser = portal.Browser();
        using var r = await browser.Http.GetAsync("/sign-in/two-factor");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/sign-in", r.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_FiveWrongCodes_LocksOut()
    {
        var (first, email, secret, _, step) = await Enrolled(portal);
        first.Dispose();
        using var browser = await PasswordStep(portal, email);
        for (var i = 0; i < 5; i++)
        {
            // Codes of steps far from now never match.
            using var wrong = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step + 100 + i) });
        }

        using var right = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step + 1) });
        Assert.Contains("This account is locked for 15 minutes", await PortalBrowser.Html(right));
        using var denied = await browser.Http.GetAsync("/security");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
    }

    [Fact]
    public async Task SignIn_RecoveryCode_WorksOnceAndAlerts()
    {
        var (first, email, _, codes, _) = await Enrolled(portal);
        first.Dispose();

        using var browser = await PasswordStep(portal, email);
        using var ok = await browser.Submit("/sign-in/recovery-code", new() { ["Input.Code"] = codes[0].ToLowerInvariant() });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Contains("You have 9 unused recovery codes.", await browser.Page("/security"));
        Assert.Contains("A recovery code was used to sign in", await browser.Page("/inbox"));

        using var other = await PasswordStep(portal, email);
        using var again = await other.Submit("/sign-in/recovery-code", new() { ["Input.Code"] = codes[0] });
        Assert.Contains("That recovery code is not right, or it was used already.", await PortalBrowser.Html(again));
    }

    [Fact]
    public async Task RecoveryCodes_MakeNew_OldOnesStopWorking()
    {
        var (browser, email, _, old, _) = await Enrolled(portal);
        using (browser)
        {
            using var r = await browser.Submit("/security/recovery-codes", []);
            var fresh = RecoveryCode().Matches(await PortalBrowser.Html(r)).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(10, fresh.Count);
            Assert.Empty(fresh.Intersect(old));

            using var other = await PasswordStep(portal, email);
            using var stale = await other.Submit("/sign-in/recovery-code", new() { ["Input.Code"] = old[1] });
            Assert.Contains("That recovery code is not right", await PortalBrowser.Html(stale));
            using var ok = await other.Submit("/sign-in/recovery-code", new() { ["Input.Code"] = fresh[0] });
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }
    }

    [Fact]
    public async Task TurnOff_WithCode_DisablesAndNextEnrolmentHasNewKey()
    {
        var (browser, email, secret, _, step) = await Enrolled(portal);
        using (browser)
        {
            using var wrong = await browser.Submit("/security/two-factor/off", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step + 100) });
            Assert.Contains("That code is not right", await PortalBrowser.Html(wrong));
            using var r = await browser.Submit("/security/two-factor/off", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step + 1) });
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Contains("Two-factor sign-in is off.", await browser.Page("/security?done=two-factor-off"));
            var user = await portal.Store.ReadAsync(rd => rd.FindPortalUserByEmail(email.ToUpperInvariant()));
            Assert.False(user!.TwoFactorEnabled);
            Assert.Equal(0, await portal.Store.ReadAsync(rd => rd.CountRecoveryCodes(user.Id)));
            Assert.NotEqual(secret, PortalBrowser.SharedKey(await browser.Page("/security/authenticator")));

            // Signing in needs the password only again.
            using var fresh = portal.Browser();
            using var signIn = await fresh.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = PortalBrowser.GoodPassword });
            Assert.Equal("/", signIn.Headers.Location!.OriginalString);
        }
    }

    [GeneratedRegex("<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>")]
    private static partial Regex RecoveryCode();
}

/// <summary>The same flow on PostgreSQL: the Identity store, the TOTP step and the recovery codes over the production store.</summary>
public sealed class PostgresPortalTests(PostgresPortalFixture portal) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task SignUpEnrolSignIn_OnPostgres_WorksAndRefusesReplay()
    {
        var (first, email, secret, codes, step) = await PortalTwoFactorTests.Enrolled(portal);
        first.Dispose();
        using var browser = portal.Browser();
        using var password = await browser.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = PortalBrowser.GoodPassword });
        Assert.StartsWith("/sign-in/two-factor", password.Headers.Location!.OriginalString);
        using var replay = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step) });
        Assert.Contains("it was used already", await PortalBrowser.Html(replay));
        using var ok = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, step + 1) });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Contains("You have 10 unused recovery codes.", await browser.Page("/security"));
        Assert.Equal(10, codes.Count);
    }
}
