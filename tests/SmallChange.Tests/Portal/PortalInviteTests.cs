using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Security;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Portal;

/// <summary>Portal logins for operator-created holders: POST /v1/holders/{id}/portal-invite, the mailed one-time link, /claim; and the demo's tour.</summary>
public abstract partial class PortalInviteTests(string backend) : IAsyncLifetime
{
    private PortalFixture _portal = null!;

    public async Task InitializeAsync() => _portal = await PortalFixture.StartAsync(backend: backend);

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private Task<HttpResponseMessage> Invite(Guid holder, string email) =>
        _portal.Operator.PostAsync($"/v1/holders/{holder}/portal-invite", Json.Body(new { email }));

    private string LinkIn(string email)
    {
        var mail = _portal.MailsTo(email).Last(m => m.Contains("Subject: Your SmallChange account is ready for you", StringComparison.Ordinal));
        var m = ClaimLink().Match(mail);
        Assert.True(m.Success, mail);
        return m.Groups[1].Value;
    }

    [GeneratedRegex(@"http://[^/\s]+(/claim\?user=[0-9a-f-]+&token=[A-Za-z0-9_-]+)")]
    private static partial Regex ClaimLink();

    private static async Task<HttpResponseMessage> Claim(PortalBrowser browser, string link, string password = PortalBrowser.GoodPassword) =>
        await browser.Submit(link, new() { ["Input.Password"] = password, ["Input.ConfirmPassword"] = password }, link);

    [Fact]
    public async Task Invite_OperatorCreatedHolder_MailedLinkSetsPasswordOnceAndSignsIn()
    {
        var holder = await _portal.CreateHolder(name: "Kim Min-jun", country: "KR");
        var email = PortalFixture.NewEmail();
        using (var r = await Invite(holder, email))
        {
            var body = await Json.Expect(r, HttpStatusCode.Accepted);
            Assert.Equal("sent", body.GetProperty("status").GetString());
            Assert.DoesNotContain("token", body.ToString());
        }

        var link = LinkIn(email);
        using var browser = _portal.Browser();
        using (var claimed = await Claim(browser, link))
        {
            Assert.Equal(HttpStatusCode.Redirect, claimed.StatusCode);
        }

        Assert.Contains("Hello, Kim Min-jun", await browser.Page("/"));
        using (await browser.Submit("/sign-out", new()))
        {
        }

        using (var signIn = await browser.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = PortalBrowser.GoodPassword }))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        // The link works once.
        using var again = _portal.Browser();
        using (var reused = await Claim(again, link, "another long phrase 99"))
        {
            Assert.Contains("not valid, was used already or has expired", await PortalBrowser.Html(reused));
        }

        var activity = await _portal.Store.ReadAsync(r => r.ListActivity(new HolderId(holder), null, 50));
        Assert.Contains(activity.Items, e => e.Kind == ActivityKinds.PortalInvited && e.Device == "operator API");
        Assert.Contains(activity.Items, e => e.Kind == ActivityKinds.PortalClaimed);
    }

    [Fact]
    public async Task Invite_WithoutPasswordYet_NewLinkReplacesTheOldAndAddress()
    {
        var holder = await _portal.CreateHolder();
        var first = PortalFixture.NewEmail();
        using (await Invite(holder, first))
        {
        }

        var oldLink = LinkIn(first);
        var second = PortalFixture.NewEmail();
        using (var r = await Invite(holder, second))
        {
            await Json.Expect(r, HttpStatusCode.Accepted);
        }

        using (var stale = await Claim(_portal.Browser(), oldLink))
        {
            Assert.Contains("not valid, was used already or has expired", await PortalBrowser.Html(stale));
        }

        using var browser = _portal.Browser();
        using (var ok = await Claim(browser, LinkIn(second)))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }

        Assert.Equal(second.ToUpperInvariant(), (await _portal.Store.ReadAsync(r => r.FindPortalUserByHolder(new HolderId(holder))))!.NormalizedEmail);
    }

    [Fact]
    public async Task Invite_RefusedCases_ProblemsAndNoMail()
    {
        var (browser, taken) = await _portal.SignedUp();
        browser.Dispose();
        var holder = await _portal.CreateHolder();

        using (var bad = await Invite(holder, "not an address"))
        {
            await Json.ExpectProblem(bad, HttpStatusCode.BadRequest, "invite.email_invalid");
        }

        using (var unknown = await Invite(Guid.NewGuid(), PortalFixture.NewEmail()))
        {
            await Json.ExpectProblem(unknown, HttpStatusCode.NotFound, "holder.not_found");
        }

        using (var clash = await Invite(holder, taken))
        {
            await Json.ExpectProblem(clash, HttpStatusCode.Conflict, "invite.email_taken");
        }

        var signedUpHolder = (await _portal.Store.ReadAsync(r => r.FindPortalUserByEmail(taken.ToUpperInvariant())))!.Holder;
        using (var exists = await Invite(signedUpHolder.Value, PortalFixture.NewEmail()))
        {
            await Json.ExpectProblem(exists, HttpStatusCode.Conflict, "invite.account_exists");
        }

        Assert.DoesNotContain(_portal.MailsTo(taken), m => m.Contains("Your SmallChange account is ready for you", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invite_NoKey_Returns401()
    {
        var holder = await _portal.CreateHolder();
        using var r = await _portal.Anonymous.PostAsync($"/v1/holders/{holder}/portal-invite", Json.Body(new { email = PortalFixture.NewEmail() }));
        await Json.ExpectProblem(r, HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task DemoPortalTour_FirstRunLinkClaimsAva_SecondRunSaysSignIn()
    {
        var services = _portal.App.Services;
        var info = await DemoSeed.Run(_portal.Store, services.GetRequiredService<CreditService>(), TimeProvider.System, CancellationToken.None);
        var lines = await DemoSeed.PortalTour(services, info, "http://127.0.0.1:5080", TimeSpan.FromMinutes(2), CancellationToken.None);
        var link = lines.Select(l => ClaimLink().Match(l)).Single(m => m.Success).Groups[1].Value;
        Assert.Contains(lines, l => l.Contains("/sign-up", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("2 minutes", StringComparison.Ordinal));

        using var browser = _portal.Browser();
        using (var claimed = await Claim(browser, link))
        {
            Assert.Equal(HttpStatusCode.Redirect, claimed.StatusCode);
        }

        Assert.Contains("Hello, Ava Thompson", await browser.Page("/"));
        var again = await DemoSeed.PortalTour(services, info, "http://127.0.0.1:5080", null, CancellationToken.None);
        Assert.Contains(again, l => l.Contains(DemoSeed.DemoPortalEmail, StringComparison.Ordinal) && l.Contains("password you chose", StringComparison.Ordinal));
        Assert.DoesNotContain(again, l => l.Contains("/claim?", StringComparison.Ordinal));
    }
}

public sealed class SqlitePortalInviteTests() : PortalInviteTests("sqlite");

public sealed class PostgresPortalInviteTests() : PortalInviteTests("postgres");
