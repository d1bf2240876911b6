using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;
using SmallChange.Portal;

namespace SmallChange.Tests.Portal;

/// <summary>Lockout, password reset by mail, antiforgery and throttling.</summary>
public sealed partial class PortalProtectionTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private static Dictionary<string, string> Credentials(string email, string password) => new() { ["Input.Email"] = email, ["Input.Password"] = password };

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksOutEvenTheRightPassword()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await browser.Submit("/sign-in", Credentials(email, $"wrong password number {i}"));
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using var right = await browser.Submit("/sign-in", Credentials(email, PortalBrowser.GoodPassword));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("This account is locked for 15 minutes", await PortalBrowser.Html(right));
        var user = await portal.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant()));
        Assert.True(user!.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task SignIn_FourWrongThenRight_SignsInAndResetsCount()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await browser.Submit("/sign-in", Credentials(email, $"wrong password number {i}"));
        }

        using var right = await browser.Submit("/sign-in", Credentials(email, PortalBrowser.GoodPassword));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var user = await portal.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant()));
        Assert.Equal(0, user!.AccessFailedCount);
        Assert.Null(user.LockoutEnd);
    }

    [Theory]
    [InlineData(HolderStatus.Suspended)]
    [InlineData(HolderStatus.Closed)]
    public async Task SignIn_HolderNotActive_RefusedLikeAWrongPassword(HolderStatus status)
    {
        var now = DateTimeOffset.UtcNow;
        var email = PortalFixture.NewEmail();
        var holder = new Holder(HolderId.New(), $"portal-{Guid.NewGuid():N}", new PersonName("Sam Doe"), "US", status, 0, now);
        var user = new PortalUser(PortalUserId.New(), holder.Id, new EmailAddress(email), email.ToUpperInvariant(), false,
            new PasswordHasher<PortalAccount>().HashPassword(null!, PortalBrowser.GoodPassword), Guid.NewGuid().ToString("N"), "c", true, null, 0, false, null, null, now);
        await portal.Store.WriteAsync(async tx =>
        {
            await tx.InsertHolder(holder);
            await tx.InsertPortalUser(user);
            return 0;
        });

        using var browser = portal.Browser();
        using var r = await browser.Submit("/sign-in", Credentials(email, PortalBrowser.GoodPassword));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("The e-mail address or the password is not right.", await PortalBrowser.Html(r));
        using var denied = await browser.Http.GetAsync("/security");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
    }

    [Fact]
    public async Task ResetPassword_LinkFromMail_SetsNewPasswordOnceAndLiftsLockout()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await browser.Submit("/sign-in", Credentials(email, $"wrong password number {i}"));
        }

        using var ask = await browser.Submit("/forgot-password", new() { ["Input.Email"] = email });
        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        Assert.Contains("If an account uses that address", await PortalBrowser.Html(ask));
        var mail = portal.MailsTo(email).Last(m => m.Contains("Subject: Reset your SmallChange password", StringComparison.Ordinal));
        Assert.Contains("Subject: Reset your SmallChange password", mail);
        var link = new Uri(ResetLink().Match(mail).Value);
        Assert.Equal("127.0.0.1", link.Host); // the configured address, not the request's Host header

        const string newPassword = "amber lantern over 7 hills";
        using var reset = await browser.Submit(link.PathAndQuery, new() { ["Input.Password"] = newPassword, ["Input.ConfirmPassword"] = newPassword },
            "/reset-password");
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal("/sign-in?done=password-reset", reset.Headers.Location!.OriginalString);

        using var oldPassword = await browser.Submit("/sign-in", Credentials(email, PortalBrowser.GoodPassword));
        Assert.Contains("The e-mail address or the password is not right.", await PortalBrowser.Html(oldPassword));
        using var signIn = await browser.Submit("/sign-in", Credentials(email, newPassword));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains("Your password was changed", await browser.Page("/inbox"));

        // The same link a second time: the password changed, so the token no longer works.
        using var other = portal.Browser();
        using var again = await other.Submit(link.PathAndQuery, new() { ["Input.Password"] = "another fine password 9", ["Input.ConfirmPassword"] = "another fine password 9" },
            "/reset-password");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("This reset link is not valid or has expired.", await PortalBrowser.Html(again));
    }

    [Fact]
    public async Task ResetPassword_WeakNewPassword_RejectedAndTokenStillWorks()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        using var ask = await browser.Submit("/forgot-password", new() { ["Input.Email"] = email });
        var link = new Uri(ResetLink().Match(portal.MailsTo(email).Last(m => m.Contains("Subject: Reset your SmallChange password", StringComparison.Ordinal))).Value);
        using var weak = await browser.Submit(link.PathAndQuery, new() { ["Input.Password"] = "password123456", ["Input.ConfirmPassword"] = "password123456" }, "/reset-password");
        Assert.Contains("This password is too common", await PortalBrowser.Html(weak));
        using var good = await browser.Submit(link.PathAndQuery, new() { ["Input.Password"] = "amber lantern over 7 hills", ["Input.ConfirmPassword"] = "amber lantern over 7 hills" }, "/reset-password");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
    }

    [Fact]
    public async Task ResetPassword_TamperedToken_Refused()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        using var ask = await browser.Submit("/forgot-password", new() { ["Input.Email"] = email });
        var link = new Uri(ResetLink().Match(portal.MailsTo(email).Last(m => m.Contains("Subject: Reset your SmallChange password", StringComparison.Ordinal))).Value);
        var tampered = link.PathAndQuery[..^3] + (link.PathAndQuery.EndsWith("AAA", StringComparison.Ordinal) ? "BBB" : "AAA");
        using var r = await browser.Submit(tampered, new() { ["Input.Password"] = "amber lantern over 7 hills", ["Input.ConfirmPassword"] = "amber lantern over 7 hills" }, "/reset-password");
        Assert.Contains("This reset link is not valid or has expired.", await PortalBrowser.Html(r));
    }

    [Fact]
    public async Task ForgotPassword_UnknownEmail_SameAnswerAndNoMail()
    {
        using var browser = portal.Browser();
        var email = PortalFixture.NewEmail();
        using var r = await browser.Submit("/forgot-password", new() { ["Input.Email"] = email });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("If an account uses that address", await PortalBrowser.Html(r));
        Assert.Empty(portal.MailsTo(email));
    }

    [Fact]
    public async Task ForgotPassword_FourthRequestInAnHour_Throttled()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await browser.Submit("/forgot-password", new() { ["Input.Email"] = email });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var fourth = await browser.Submit("/forgot-password", new() { ["Input.Email"] = email });
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("Too many reset requests", await PortalBrowser.Html(fourth));
        Assert.Equal(4, portal.MailsTo(email).Count); // the welcome mail and three reset links
    }

    [Fact]
    public async Task SignIn_ElevenAttemptsOnOneAccount_ThrottledBeforeThePasswordIsChecked()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        for (var i = 0; i < 10; i++)
        {
            // Right passwords: these succeed, so no lockout is involved; only the per-account throttle counts them.
            using var ok = await portal.Browser().Submit("/sign-in", Credentials(email, PortalBrowser.GoodPassword));
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }

        using var eleventh = await browser.Submit("/sign-in", Credentials(email, PortalBrowser.GoodPassword));
        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.Contains("Too many sign-in attempts for this account", await PortalBrowser.Html(eleventh));
    }

    [Fact]
    public async Task SignIn_PostWithoutAntiforgeryToken_Refused400()
    {
        var (first, email) = await portal.SignedUp();
        first.Dispose();
        using var browser = portal.Browser();
        using var r = await browser.PostRaw("/sign-in", Credentials(email, PortalBrowser.GoodPassword));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.DoesNotContain(r.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("sc_session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOut_PostWithoutAntiforgeryToken_RefusedAndSessionStays()
    {
        var (browser, _) = await portal.SignedUp();
        using (browser)
        {
            using var r = await browser.PostRaw("/sign-out", []);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("The form could not be accepted", await PortalBrowser.Html(r));
            Assert.Contains("Hello, Ava Thompson", await browser.Page("/"));
        }
    }

    [Fact]
    public async Task ChangePassword_TokenFromAnotherSession_Refused()
    {
        var (victim, _) = await portal.SignedUp();
        var (attacker, _) = await portal.SignedUp();
        using (victim)
        using (attacker)
        {
            // A token the attacker's own page carries does not work for the victim's session (it is bound to the user).
            var attackerToken = PortalBrowser.Token(await attacker.Page("/security/password"));
            using var r = await victim.PostRaw("/security/password", new()
            {
                ["Input.CurrentPassword"] = PortalBrowser.GoodPassword, ["Input.NewPassword"] = "taken over by 3 strangers",
                ["Input.ConfirmPassword"] = "taken over by 3 strangers", ["__RequestVerificationToken"] = attackerToken,
            });
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
    }

    [Fact]
    public async Task ChangePassword_RightCurrentPassword_ChangesAndAlerts()
    {
        var (browser, email) = await portal.SignedUp();
        using (browser)
        {
            const string next = "copper kettle sings at 6";
            using var wrong = await browser.Submit("/security/password", new()
            {
                ["Input.CurrentPassword"] = "not my password at all", ["Input.NewPassword"] = next, ["Input.ConfirmPassword"] = next,
            });
            Assert.Contains("The current password is not right.", await PortalBrowser.Html(wrong));
            using var r = await browser.Submit("/security/password", new()
            {
                ["Input.CurrentPassword"] = PortalBrowser.GoodPassword, ["Input.NewPassword"] = next, ["Input.ConfirmPassword"] = next,
            });
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Contains("Your password is changed", await browser.Page("/security?done=password"));
            Assert.Contains("Your password was changed", await browser.Page("/inbox"));
            Assert.Contains(portal.MailsTo(email), m => m.Contains("Subject: Your password was changed", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AccountForms_OverThePerIpLimit_Html429WithRetryAfter()
    {
        await using var limited = await PortalFixture.StartAsync(o => o with { AccountPostsPerIpPerMinute = 3 });
        using var browser = limited.Browser();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await browser.Submit("/forgot-password", new() { ["Input.Email"] = PortalFixture.NewEmail() });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // Another form counts against the same IP; GETs are never limited.
        using var r = await browser.Submit("/sign-in", Credentials(PortalFixture.NewEmail(), "whatever password"));
        Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
        Assert.True(r.Headers.RetryAfter is not null);
        Assert.Contains("Too many attempts", await PortalBrowser.Html(r));
    }

    [GeneratedRegex(@"http://[^\s]+/reset-password\?user=[0-9a-f-]+&token=[A-Za-z0-9_-]+")]
    private static partial Regex ResetLink();
}
