using System.Net;
using System.Text.RegularExpressions;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Security;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Portal;

/// <summary>
/// The portal's money pages and the step-up in front of them: two-factor sign-in required, a fresh code (or recovery
/// code) for each destination change and cash-out, valid for a few minutes in one session, never a replayed code.
/// On a manual clock, so that tests can move to the next authenticator code and past the step-up's lifetime.
/// </summary>
public abstract partial class PortalMoneyTests(string backend) : IAsyncLifetime
{
    private const string BankAccount = "123456789";

    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private PortalFixture _portal = null!;

    protected virtual TimeSpan? CoolingOff => TimeSpan.Zero;

    public async Task InitializeAsync() =>
        _portal = await PortalFixture.StartAsync(backend: backend, serve: o => o with { Clock = _clock, CoolingOffOverride = CoolingOff });

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>A signed-in holder with an authenticator (enrolled with the code of the current step).</summary>
    private sealed record Person(PortalBrowser Browser, string Email, byte[] Secret, HolderId Holder);

    private long Step => Totp.StepAt(_clock.GetUtcNow());

    /// <summary>Waits for the app's next code (30 s on the manual clock) and returns it.</summary>
    private string NextCode(byte[] secret)
    {
        _clock.Advance(TimeSpan.FromSeconds(30));
        return PortalBrowser.CodeOf(secret, Step);
    }

    private async Task<Person> Enrolled()
    {
        var (browser, email) = await _portal.SignedUp();
        var secret = PortalBrowser.SharedKey(await browser.Page("/security/authenticator"));
        using var r = await browser.Submit("/security/authenticator", new() { ["Input.Code"] = PortalBrowser.CodeOf(secret, Step) });
        Assert.Contains("Two-factor sign-in is on", await PortalBrowser.Html(r));
        var holder = (await _portal.Store.ReadAsync(rd => rd.FindPortalUserByEmail(email.ToUpperInvariant())))!.Holder;
        return new Person(browser, email, secret, holder);
    }

    private static Dictionary<string, string> UsAccount(string? code) => new()
    {
        ["Input.Kind"] = "bank_account", ["Input.Country"] = "US", ["Input.AccountHolderName"] = "Ava Thompson",
        ["Input.RoutingNumber"] = "021000021", ["Input.AccountNumber"] = BankAccount, ["StepUpCode"] = code ?? "",
    };

    private Task<IReadOnlyList<ActivityEntry>> Activity(HolderId holder) =>
        _portal.Store.ReadAsync<IReadOnlyList<ActivityEntry>>(async r => (await r.ListActivity(holder, null, 100)).Items);

    private async Task<int> DestinationCount(HolderId holder) => (await _portal.Store.ReadAsync(r => r.ListDestinations(holder, null, 100))).Items.Count;

    private async Task<Guid> AddDestination(Person p, string? code)
    {
        using var r = await p.Browser.Submit("/destinations/add", UsAccount(code));
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, await PortalBrowser.Html(r));
        return (await _portal.Store.ReadAsync(rd => rd.ListDestinations(p.Holder, null, 1))).Items[0].Id.Value;
    }

    private async Task Fund(HolderId holder)
    {
        var source = await _portal.CreateSource("USD");
        using (var k = await _portal.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 1 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder.Value, amount = "50.00", currency = "USD" }));
        await Json.Expect(c, HttpStatusCode.Created);
    }

    /// <summary>Asks for a quote on the cash-out page; returns the page with the quote table.</summary>
    private static async Task<string> QuotePage(PortalBrowser browser, Guid destination, string amount = "20.00")
    {
        using var r = await browser.Submit("/cashout", new() { ["Input.Currency"] = "USD", ["Input.Amount"] = amount, ["Input.DestinationId"] = destination.ToString() },
            "/cashout?handler=Quote");
        var html = await PortalBrowser.Html(r);
        Assert.True(r.StatusCode == HttpStatusCode.OK, html);
        return html;
    }

    /// <summary>Submits the confirmation form of a quote page, as the browser would (hidden fields, first provider).</summary>
    private static async Task<HttpResponseMessage> Confirm(PortalBrowser browser, string quotePage, string? code)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in HiddenInput().Matches(quotePage))
        {
            var name = Attribute("name").Match(m.Value);
            var value = Attribute("value").Match(m.Value);
            if (name.Success)
            {
                fields[WebUtility.HtmlDecode(name.Groups[1].Value)] = value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : "";
            }
        }

        fields["Input.ProviderId"] = ProviderRadio().Match(quotePage).Groups[1].Value;
        if (code is not null)
        {
            fields["StepUpCode"] = code;
        }

        return await browser.Http.PostAsync("/cashout?handler=Confirm", new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("<input [^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenInput();

    private static Regex Attribute(string name) => new($" {name}=\"([^\"]*)\"");

    [GeneratedRegex("name=\"Input.ProviderId\" value=\"([^\"]+)\"")]
    private static partial Regex ProviderRadio();

    [Fact]
    public async Task MoneyPages_WithoutTwoFactor_SayWhyLinkToEnrolmentAndRefuseAPost()
    {
        var (browser, email) = await _portal.SignedUp();
        using (browser)
        {
            foreach (var path in new[] { "/cashout", "/destinations/add", "/destinations" })
            {
                var html = await browser.Page(path);
                Assert.Contains("Two-factor sign-in is needed first", html);
                Assert.Contains("href=\"/security/authenticator\"", html);
            }

            // Posting the form anyway (with a valid antiforgery token) is refused in Core and writes nothing.
            var token = PortalBrowser.Token(await browser.Page("/security/password"));
            var fields = UsAccount("123456");
            fields["__RequestVerificationToken"] = token;
            using var r = await browser.Http.PostAsync("/destinations/add", new FormUrlEncodedContent(fields));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var holder = (await _portal.Store.ReadAsync(rd => rd.FindPortalUserByEmail(email.ToUpperInvariant())))!.Holder;
            Assert.Equal(0, await DestinationCount(holder));
        }
    }

    [Fact]
    public async Task AddDestination_WithFreshCode_ListedMaskedCoolingAlertedAndLogged()
    {
        var p = await Enrolled();
        await AddDestination(p, NextCode(p.Secret));

        var list = await p.Browser.Page("/destinations");
        Assert.Contains("•••• 6789", list);
        Assert.DoesNotContain(BankAccount, list);
        Assert.Contains("Active", list); // cooling-off is 0 in this fixture
        var inbox = await p.Browser.Page("/inbox");
        Assert.Contains("A new payout destination was added", inbox);
        Assert.DoesNotContain(BankAccount, inbox);
        Assert.Contains(_portal.MailsTo(p.Email), m => m.Contains("Subject: A new payout destination was added", StringComparison.Ordinal) && !m.Contains(BankAccount, StringComparison.Ordinal));
        var activity = await Activity(p.Holder);
        Assert.Contains(activity, e => e.Kind == ActivityKinds.StepUp);
        Assert.Contains(activity, e => e.Kind == ActivityKinds.DestinationAdded && e.Detail!.Contains("•••• 6789", StringComparison.Ordinal));
        Assert.All(activity, e => Assert.DoesNotContain(BankAccount, e.Detail ?? ""));
    }

    [Fact]
    public async Task AddDestination_NoCodeOrWrongCode_RefusedAndNothingStored()
    {
        var p = await Enrolled();
        using (var none = await p.Browser.Submit("/destinations/add", UsAccount(null)))
        {
            Assert.Contains("Enter the 6-digit code", await PortalBrowser.Html(none));
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        using (var wrong = await p.Browser.Submit("/destinations/add", UsAccount(PortalBrowser.CodeOf(p.Secret, Step + 5))))
        {
            var html = await PortalBrowser.Html(wrong);
            Assert.Contains("That code is not right", html);
            Assert.Contains("value=\"021000021\"", html); // the form keeps what was typed
        }

        Assert.Equal(0, await DestinationCount(p.Holder));
        Assert.Contains(await Activity(p.Holder), e => e.Kind == ActivityKinds.StepUpFailed);
    }

    [Fact]
    public async Task StepUp_CodeAlreadyUsedToSignIn_RefusedAsReplay()
    {
        var p = await Enrolled();
        using var browser = _portal.Browser();
        using (var pw = await browser.Submit("/sign-in", new() { ["Input.Email"] = p.Email, ["Input.Password"] = PortalBrowser.GoodPassword }))
        {
            Assert.Equal(HttpStatusCode.Redirect, pw.StatusCode);
        }

        var code = NextCode(p.Secret);
        using (var signedIn = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = code }))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        // The same code for a step-up, in this session or the other one: refused.
        using (var replay = await browser.Submit("/destinations/add", UsAccount(code)))
        {
            Assert.Contains("it was used already", await PortalBrowser.Html(replay));
        }

        using (var other = await p.Browser.Submit("/destinations/add", UsAccount(code)))
        {
            Assert.Contains("it was used already", await PortalBrowser.Html(other));
        }

        Assert.Equal(0, await DestinationCount(p.Holder));

        // And a code used for a step-up cannot then sign anyone in.
        var next = NextCode(p.Secret);
        await AddDestination(p, next);
        using var thief = _portal.Browser();
        using (await thief.Submit("/sign-in", new() { ["Input.Email"] = p.Email, ["Input.Password"] = PortalBrowser.GoodPassword }))
        {
        }

        using var denied = await thief.Submit("/sign-in/two-factor", new() { ["Input.Code"] = next });
        Assert.Contains("it was used already", await PortalBrowser.Html(denied));
    }

    [Fact]
    public async Task StepUp_WithinLifetimeNoCodeAsked_AfterFiveMinutesAskedAgain()
    {
        var p = await Enrolled();
        var first = await AddDestination(p, NextCode(p.Secret));

        // Within the step-up's 5 minutes: no code field, and a second change goes through without one.
        var form = await p.Browser.Page($"/destinations/{first}/cancel");
        Assert.DoesNotContain("name=\"StepUpCode\"", form);
        Assert.Contains("no code is needed until", form);
        _clock.Advance(TimeSpan.FromMinutes(4));
        using (var cancel = await p.Browser.Submit($"/destinations/{first}/cancel", new()))
        {
            Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);
        }

        Assert.Contains("Cancelled", await p.Browser.Page("/destinations"));

        _clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Contains("name=\"StepUpCode\"", await p.Browser.Page("/destinations/add"));
        using (var refused = await p.Browser.Submit("/destinations/add", UsAccount(null)))
        {
            Assert.Contains("Enter the 6-digit code", await PortalBrowser.Html(refused));
        }

        Assert.Equal(1, await DestinationCount(p.Holder));
    }

    [Fact]
    public async Task StepUp_InOneSession_DoesNotCoverAnotherSessionOfTheSameAccount()
    {
        var p = await Enrolled();
        await AddDestination(p, NextCode(p.Secret));

        using var second = _portal.Browser();
        using (await second.Submit("/sign-in", new() { ["Input.Email"] = p.Email, ["Input.Password"] = PortalBrowser.GoodPassword }))
        {
        }

        using (var ok = await second.Submit("/sign-in/two-factor", new() { ["Input.Code"] = NextCode(p.Secret) }))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }

        using var refused = await second.Submit("/destinations/add", UsAccount(null));
        Assert.Contains("Enter the 6-digit code", await PortalBrowser.Html(refused));
        Assert.Equal(1, await DestinationCount(p.Holder));
    }

    [Fact]
    public async Task StepUp_RecoveryCode_WorksOnceAndAlerts()
    {
        var p = await Enrolled();
        var codes = await p.Browser.Page("/security/recovery-codes");
        using var renewed = await p.Browser.Submit("/security/recovery-codes", new());
        var recovery = RecoveryCode().Match(await PortalBrowser.Html(renewed)).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(recovery), codes);

        await AddDestination(p, recovery);
        Assert.Contains("A recovery code was used", await p.Browser.Page("/inbox"));

        _clock.Advance(TimeSpan.FromMinutes(6));
        using var again = await p.Browser.Submit("/destinations/add", UsAccount(recovery));
        Assert.Contains("That recovery code is not right, or it was used already.", await PortalBrowser.Html(again));
        Assert.Equal(1, await DestinationCount(p.Holder));
    }

    [GeneratedRegex("<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>")]
    private static partial Regex RecoveryCode();

    [Fact]
    public async Task StepUp_FiveWrongCodes_LocksAndRefusesEvenTheRightCode()
    {
        var p = await Enrolled();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await p.Browser.Submit("/destinations/add", UsAccount("000000" == PortalBrowser.CodeOf(p.Secret, Step) ? "111111" : "000000"));
        }

        using var right = await p.Browser.Submit("/destinations/add", UsAccount(NextCode(p.Secret)));
        Assert.Contains("locked", await PortalBrowser.Html(right));
        Assert.Equal(0, await DestinationCount(p.Holder));
    }

    [Fact]
    public async Task Cashout_QuoteThenConfirmWithStepUp_ApprovedStatusPageAndAlert()
    {
        var p = await Enrolled();
        await Fund(p.Holder);
        var destination = await AddDestination(p, NextCode(p.Secret));

        var quote = await QuotePage(p.Browser, destination);
        Assert.Contains("You receive", quote);
        Assert.Contains("sandbox", quote);
        Assert.Contains("Confirm cash-out", quote);

        // Past the step-up's lifetime: the confirmation asks for a code, and without one nothing is written.
        _clock.Advance(TimeSpan.FromMinutes(5));
        quote = await QuotePage(p.Browser, destination);
        using (var refused = await Confirm(p.Browser, quote, null))
        {
            Assert.Contains("Enter the 6-digit code", await PortalBrowser.Html(refused));
        }

        Assert.Empty((await _portal.Store.ReadAsync(r => r.ListCashouts(p.Holder, null, 10))).Items);

        using var ok = await Confirm(p.Browser, quote, NextCode(p.Secret));
        Assert.True(ok.StatusCode == HttpStatusCode.Redirect, await PortalBrowser.Html(ok));
        var status = await p.Browser.Page(ok.Headers.Location!.OriginalString);
        Assert.Contains("Approved", status);
        Assert.Contains("•••• 6789", status);
        Assert.Contains("A cash-out was requested", await p.Browser.Page("/inbox"));
        Assert.Contains(await Activity(p.Holder), e => e.Kind == ActivityKinds.CashoutRequested && e.Device != "operator API");
        Assert.Contains("Approved", await p.Browser.Page("/cashouts"));

        // Submitting the same confirmation again (a double click) makes no second cash-out.
        using (var twice = await Confirm(p.Browser, quote, null))
        {
            Assert.Equal(ok.Headers.Location, twice.Headers.Location);
        }

        Assert.Single((await _portal.Store.ReadAsync(r => r.ListCashouts(p.Holder, null, 10))).Items);
    }

    [Fact]
    public async Task CashoutStatus_OfAnotherHolder_NotFound()
    {
        var p = await Enrolled();
        await Fund(p.Holder);
        var destination = await AddDestination(p, NextCode(p.Secret));
        using var ok = await Confirm(p.Browser, await QuotePage(p.Browser, destination), null);
        var path = ok.Headers.Location!.OriginalString;

        var (other, _) = await _portal.SignedUp();
        using (other)
        {
            using var r = await other.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            using var cancel = await other.Http.GetAsync($"/destinations/{destination}/cancel");
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        }
    }
}

public sealed class SqlitePortalMoneyTests() : PortalMoneyTests("sqlite");

public sealed class PostgresPortalMoneyTests() : PortalMoneyTests("postgres");

/// <summary>The portal with the jurisdiction profiles' cooling-off (24 h for a US holder).</summary>
public sealed class PortalCoolingOffTests() : PortalMoneyTestsWithProfiles("sqlite");

public abstract class PortalMoneyTestsWithProfiles(string backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private PortalFixture _portal = null!;

    public async Task InitializeAsync() =>
        _portal = await PortalFixture.StartAsync(backend: backend, serve: o => o with { Clock = _clock, CoolingOffOverride = null });

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Cashout_ToCoolingDestination_RefusedNamingWhenThenPaidAfterADay()
    {
        var (browser, email) = await _portal.SignedUp();
        var secret = PortalBrowser.SharedKey(await browser.Page("/security/authenticator"));
        string Code()
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            return PortalBrowser.CodeOf(secret, Totp.StepAt(_clock.GetUtcNow()));
        }

        using (await browser.Submit("/security/authenticator", new() { ["Input.Code"] = Code() }))
        {
        }

        var holder = (await _portal.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant())))!.Holder;
        var source = await _portal.CreateSource("USD");
        using (await _portal.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 1 })))
        {
        }

        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder.Value, amount = "50.00", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        using (var add = await browser.Submit("/destinations/add", new()
               {
                   ["Input.Kind"] = "bank_account", ["Input.Country"] = "US", ["Input.AccountHolderName"] = "Ava Thompson",
                   ["Input.RoutingNumber"] = "021000021", ["Input.AccountNumber"] = "123456789", ["StepUpCode"] = Code(),
               }))
        {
            Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        }

        var state = (await _portal.Store.ReadAsync(r => r.ListDestinationStates(holder))).Single();
        Assert.Contains("Cooling off until " + DestinationCoolingOff.Format(state.UsableAt), await browser.Page("/destinations"));

        using (var quote = await browser.Submit("/cashout", new() { ["Input.Currency"] = "USD", ["Input.Amount"] = "20.00", ["Input.DestinationId"] = state.Destination.Value.ToString() },
                   "/cashout?handler=Quote"))
        {
            var html = await PortalBrowser.Html(quote);
            Assert.Contains("it can receive payouts from " + DestinationCoolingOff.Format(state.UsableAt), html);
            Assert.DoesNotContain("Confirm cash-out", html);
        }

        // A day later the session has run out: sign in again, with the second factor.
        _clock.Advance(TimeSpan.FromHours(24));
        using (await browser.Submit("/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = PortalBrowser.GoodPassword }))
        {
        }

        using (var second = await browser.Submit("/sign-in/two-factor", new() { ["Input.Code"] = Code() }))
        {
            Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        }

        using (var quote = await browser.Submit("/cashout", new() { ["Input.Currency"] = "USD", ["Input.Amount"] = "20.00", ["Input.DestinationId"] = state.Destination.Value.ToString() },
                   "/cashout?handler=Quote"))
        {
            var html = await PortalBrowser.Html(quote);
            Assert.True(quote.StatusCode == HttpStatusCode.OK && html.Contains("Confirm cash-out", StringComparison.Ordinal), html);
        }
    }
}
