using System.Net;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Portal;

/// <summary>
/// The settings page /settings/auto-cashout: setting and turning off the rule needs a fresh second-factor code (step-up);
/// the page shows the rule and its runs.
/// </summary>
public abstract class AutoCashoutPageTests(string backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private PortalFixture _portal = null!;

    public async Task InitializeAsync() =>
        _portal = await PortalFixture.StartAsync(backend: backend, serve: o => o with { Clock = _clock, CoolingOffOverride = TimeSpan.Zero });

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private long Step => Totp.StepAt(_clock.GetUtcNow());

    private string NextCode(byte[] secret)
    {
        _clock.Advance(TimeSpan.FromSeconds(30));
        return PortalBrowser.CodeOf(secret, Step);
    }

    [Fact]
    public async Task AutoCashoutPage_SaveAndTurnOff_NeedAFreshCodeEachTime()
    {
        var (browser, email) = await _portal.SignedUp();
        var secret = PortalBrowser.SharedKey(await browser.Page("/security/authenticator"));
        using (var r = await browser.Submit("/security/authenticator", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, Step) }))
        {
            Assert.Contains("Two-factor sign-in is on", await PortalBrowser.Html(r));
        }

        var holder = (await _portal.Store.ReadAsync(rd => rd.FindPortalUserByEmail(email.ToUpperInvariant())))!.Holder;
        using (var r = await browser.Submit("/destinations/add", new()
        {
            ["Input.Kind"] = "bank_account", ["Input.Country"] = "US", ["Input.AccountHolderName"] = "Ava Thompson",
            ["Input.RoutingNumber"] = "021000021", ["Input.AccountNumber"] = "123456789", ["StepUpCode"] = NextCode(secret),
        }))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        var destination = (await _portal.Store.ReadAsync(rd => rd.ListDestinations(holder, null, 1))).Items[0].Id.Value;
        Assert.Contains("You have not set up automatic cash-out", await browser.Page("/settings/auto-cashout"));
        _clock.Advance(TimeSpan.FromMinutes(10)); // the destination's step-up has run out

        var form = new Dictionary<string, string>
        {
            ["Input.Currency"] = "USD", ["Input.Trigger"] = "threshold", ["Input.Threshold"] = "25.00", ["Input.WeeklyDay"] = "friday",
            ["Input.MonthlyDay"] = "1", ["Input.DestinationId"] = destination.ToString(), ["Input.TargetPercent"] = "2.5",
        };
        using (var r = await browser.Submit("/settings/auto-cashout", form))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("Enter the 6-digit code from your authenticator app", await PortalBrowser.Html(r));
        }

        Assert.Null(await _portal.Store.ReadAsync(rd => rd.GetAutoCashoutRule(holder)));

        form["StepUpCode"] = NextCode(secret);
        using (var r = await browser.Submit("/settings/auto-cashout", form))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        var rule = await _portal.Store.ReadAsync(rd => rd.GetAutoCashoutRule(holder));
        Assert.NotNull(rule);
        Assert.True(rule.Enabled);
        Assert.Equal(250, rule.TargetMaxCostBps);
        Assert.Equal("25.00", rule.Threshold!.Value.ToDecimalString());
        var page = await browser.Page("/settings/auto-cashout?done=saved");
        Assert.Contains("when your USD balance reaches 25.00", page);
        Assert.Contains("Turn off automatic cash-out", page);

        _clock.Advance(TimeSpan.FromMinutes(10));
        using (var r = await browser.Submit("/settings/auto-cashout", new() { ["StepUpCode"] = "" }, "/settings/auto-cashout?handler=Disable"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.True((await _portal.Store.ReadAsync(rd => rd.GetAutoCashoutRule(holder)))!.Enabled);
        using (var r = await browser.Submit("/settings/auto-cashout", new() { ["StepUpCode"] = NextCode(secret) }, "/settings/auto-cashout?handler=Disable"))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        Assert.False((await _portal.Store.ReadAsync(rd => rd.GetAutoCashoutRule(holder)))!.Enabled);
    }

    [Fact]
    public void ParsePercent_Inputs_BasisPointsOrNull()
    {
        Assert.Equal(250, Pages.Settings.AutoCashoutModel.ParsePercent("2.5"));
        Assert.Equal(300, Pages.Settings.AutoCashoutModel.ParsePercent("3 %"));
        Assert.Equal(10_000, Pages.Settings.AutoCashoutModel.ParsePercent("100"));
        Assert.Null(Pages.Settings.AutoCashoutModel.ParsePercent("0"));
        Assert.Null(Pages.Settings.AutoCashoutModel.ParsePercent("2.555"));
        Assert.Null(Pages.Settings.AutoCashoutModel.ParsePercent("101"));
        Assert.Null(Pages.Settings.AutoCashoutModel.ParsePercent("-1"));
    }
}

public sealed class SqliteAutoCashoutPageTests() : AutoCashoutPageTests("sqlite");

public sealed class PostgresAutoCashoutPageTests() : AutoCashoutPageTests("postgres");
