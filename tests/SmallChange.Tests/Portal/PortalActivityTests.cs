using System.Net;
using SmallChange.Core.Common;
using SmallChange.Core.Security;

namespace SmallChange.Tests.Portal;

/// <summary>The activity log in the portal, and the new-device alert.</summary>
public sealed class PortalActivityTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private async Task<(PortalBrowser Browser, string Email)> SignedUpWith(string userAgent)
    {
        var email = PortalFixture.NewEmail();
        var browser = portal.Browser();
        browser.Http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        using var r = await browser.Submit("/sign-up", new()
        {
            ["Input.Email"] = email, ["Input.Name"] = "Ava Thompson", ["Input.Country"] = "US",
            ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return (browser, email);
    }

    private static async Task SignIn(PortalBrowser browser, string email, string password = PortalBrowser.GoodPassword)
    {
        using var r = await browser.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
    }

    private async Task<HolderId> HolderOf(string email) =>
        (await portal.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant())))!.Holder;

    [Fact]
    public async Task SignIn_FromAnUnseenDevice_AlertsOnceByInboxAndMail()
    {
        var (first, email) = await SignedUpWith(Firefox);
        using (first)
        {
            // The device the account was created on is the holder's own: no alert.
            Assert.DoesNotContain("New sign-in to your account", await first.Page("/inbox"));
            using (await first.Submit("/sign-out", new()))
            {
            }

            await SignIn(first, email);
            Assert.DoesNotContain("New sign-in to your account", await first.Page("/inbox"));
        }

        using var other = portal.Browser();
        other.Http.DefaultRequestHeaders.UserAgent.ParseAdd(Chrome);
        await SignIn(other, email);
        var inbox = await other.Page("/inbox");
        Assert.Contains("New sign-in to your account", inbox);
        Assert.Contains("Chrome on Windows", inbox);
        Assert.Contains(portal.MailsTo(email), m => m.Contains("Subject: New sign-in to your account", StringComparison.Ordinal));

        // Signing in again from that browser is no longer new.
        using (await other.Submit("/sign-out", new()))
        {
        }

        await SignIn(other, email);
        var messages = await portal.Store.ReadAsync(async r => (await r.ListInbox(await HolderOf(email), null, 50)).Items);
        Assert.Single(messages, m => m.Kind == "security.new_device");
    }

    [Fact]
    public async Task ActivityPage_SignInsFailuresAndChanges_ShownWithDeviceNewestFirst()
    {
        var (browser, email) = await SignedUpWith(Firefox);
        using (browser)
        {
            using (var wrong = await portal.Browser().Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = "not the password at all" }))
            {
                Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            }

            const string newPassword = "copper lantern 17 drifting";
            using (var changed = await browser.Submit("/security/password", new()
                   {
                       ["Input.CurrentPassword"] = PortalBrowser.GoodPassword, ["Input.NewPassword"] = newPassword, ["Input.ConfirmPassword"] = newPassword,
                   }))
            {
                Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
            }

            var html = await browser.Page("/activity");
            var created = html.IndexOf("Account created", StringComparison.Ordinal);
            var failed = html.IndexOf("Failed sign-in attempt", StringComparison.Ordinal);
            var password = html.IndexOf("Password changed", StringComparison.Ordinal);
            Assert.True(password >= 0 && failed > password && created > failed, html);
            Assert.Contains("Firefox on Linux", html);
            Assert.Contains("wrong password", html);
            Assert.DoesNotContain(newPassword, html);
            Assert.DoesNotContain("not the password at all", html);
        }
    }

    [Fact]
    public async Task ActivityPage_MoreThanAPage_OlderLinkShowsTheRestAndHolderSeesOnlyOwn()
    {
        var (browser, email) = await SignedUpWith(Firefox);
        using (browser)
        {
            var holder = await HolderOf(email);
            var log = portal.App.Services.GetService(typeof(ActivityLog)) as ActivityLog;
            for (var i = 0; i < ActivityModelPageSize + 2; i++)
            {
                await log!.Record(holder, ActivityKinds.SignIn, new ClientInfo("198.51.100.4", "Safari on iPhone"), $"entry {i:D2}");
            }

            var (_, otherEmail) = await SignedUpWith(Chrome);
            await log!.Record(await HolderOf(otherEmail), ActivityKinds.SignIn, null, "someone else's entry");

            var first = await browser.Page("/activity");
            Assert.Contains($"entry {ActivityModelPageSize + 1:D2}", first);
            Assert.DoesNotContain("Account created", first);
            Assert.DoesNotContain("someone else", first);
            var next = System.Text.RegularExpressions.Regex.Match(first, "href=\"(/activity\\?cursor=[^\"]+)\"");
            Assert.True(next.Success, first);
            var second = await browser.Page(System.Net.WebUtility.HtmlDecode(next.Groups[1].Value));
            Assert.Contains("Account created", second);
            Assert.Contains("entry 00", second);
            Assert.Contains("IP 198.51.100.4", second);
        }
    }

    [Theory]
    [InlineData("/activity")]
    [InlineData("/destinations")]
    [InlineData("/destinations/add")]
    [InlineData("/destinations/0190a8f0-0000-7000-8000-000000000000/cancel")]
    [InlineData("/cashout")]
    [InlineData("/cashouts")]
    [InlineData("/cashouts/0190a8f0-0000-7000-8000-000000000000")]
    public async Task NewHolderPage_Anonymous_RedirectsToSignIn(string path)
    {
        using var browser = portal.Browser();
        using var r = await browser.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Contains("/sign-in?ReturnUrl=", r.Headers.Location!.OriginalString);
    }

    private const int ActivityModelPageSize = SmallChange.Pages.ActivityModel.PageSize;
}
