using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.RegularExpressions;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Portal;

/// <summary>
/// The holder's identity page (issue 4's new-user path, issue 5's tiers): the tier and what each tier allows, a
/// submission through <see cref="KycService"/> decided at once by the sandbox verifier on a demo host (or left pending in
/// the officers' queue elsewhere), field errors, idempotency; the cash-out page at tier 0; the demo's welcome credit.
/// </summary>
public abstract partial class PortalIdentityTests(string backend) : IAsyncLifetime
{
    private PortalFixture _demo = null!;

    public async Task InitializeAsync() => _demo = await PortalFixture.StartAsync(backend: backend, serve: o => o with { Demo = true });

    public async Task DisposeAsync() => await _demo.DisposeAsync();

    private static Dictionary<string, string> Identity(string dateOfBirth = "1990-04-17", string document = "P1234567", int tier = 1) => new()
    {
        ["Input.TargetTier"] = tier.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.LegalName"] = "Ava Thompson",
        ["Input.DateOfBirth"] = dateOfBirth, ["Input.Nationality"] = "US", ["Input.Line1"] = "12 Elm Street", ["Input.Line2"] = "",
        ["Input.City"] = "Springfield", ["Input.Region"] = "IL", ["Input.PostalCode"] = "62701", ["Input.AddressCountry"] = "US",
        ["Input.DocumentType"] = "passport", ["Input.DocumentNumber"] = document, ["Input.DocumentCountry"] = "", ["Input.SourceOfFunds"] = "",
    };

    private static async Task<HolderId> HolderOf(PortalFixture f, string email) =>
        (await f.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant())))!.Holder;

    private static Task<IReadOnlyList<KycSubmission>> Submissions(PortalFixture f, HolderId holder) =>
        f.Store.ReadAsync<IReadOnlyList<KycSubmission>>(async r => (await r.ListKycSubmissions(null, holder, null, 100)).Items);

    [Fact]
    public async Task IdentityPage_TierZero_ShowsTierLimitsAndSandboxNote()
    {
        var (browser, _) = await _demo.SignedUp();

        var html = await browser.Page("/identity");

        Assert.Contains("Tier 0 (not verified)</strong>", html);
        Assert.Contains("can receive credits but cannot cash out", html);
        Assert.Contains("up to USD 1,000 per cash-out; up to USD 2,000 in at most 5 cash-outs a day; up to USD 10,000 in at most 40 cash-outs a month", html);
        Assert.Contains("Sandbox identity check", html);
        Assert.Contains(SandboxIdentityVerifier.RejectDocumentNumber, html);
        Assert.Contains("<label for=\"Input_DateOfBirth\">Date of birth</label>", html);
        Assert.Contains("name=\"__RequestVerificationToken\"", html);
    }

    [Fact]
    public async Task IdentityPage_SandboxCompleteData_ApprovedTierOneDecisionShown()
    {
        var (browser, email) = await _demo.SignedUp();
        var holder = await HolderOf(_demo, email);

        using var r = await browser.Submit("/identity", Identity());

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/identity?done=submitted", r.Headers.Location!.OriginalString);
        var html = await browser.Page("/identity?done=submitted");
        Assert.Contains("Your identity is verified: you are now at tier 1.", html);
        Assert.Contains("Tier 1 (verified identity)</strong>", html);
        Assert.Contains("Approved", html);
        Assert.Contains("sandbox identity check: complete data", html);
        Assert.Contains("••••4567", html);
        Assert.DoesNotContain("P1234567", html);
        Assert.Equal(1, (await _demo.Store.ReadAsync(rd => rd.GetHolder(holder)))!.KycTier);
        var s = Assert.Single(await Submissions(_demo, holder));
        Assert.Equal((KycStatus.Approved, "verifier:sandbox", "sandbox"), (s.Status, s.DecidedBy, s.Verifier));
        var events = await _demo.Store.ReadAsync(rd => rd.ListKycEvents(holder, null));
        Assert.Equal([KycAction.Submitted, KycAction.Approved, KycAction.TierChanged], events.Select(e => e.Action));
    }

    [Fact]
    public async Task IdentityPage_UnderEighteen_RejectedWithReasonTierUnchanged()
    {
        var (browser, email) = await _demo.SignedUp();
        var holder = await HolderOf(_demo, email);
        var minor = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-17).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var r = await browser.Submit("/identity", Identity(minor));

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var html = await browser.Page("/identity?done=submitted");
        Assert.Contains("Your identity could not be verified.", html);
        Assert.Contains("under 18", html);
        Assert.Equal(0, (await _demo.Store.ReadAsync(rd => rd.GetHolder(holder)))!.KycTier);
        Assert.Contains("Send for verification", html);
    }

    [Fact]
    public async Task IdentityPage_MissingAndBadFields_ErrorsByFieldNothingStored()
    {
        var (browser, email) = await _demo.SignedUp();
        var fields = Identity();
        fields["Input.LegalName"] = "";
        fields["Input.City"] = "";
        fields["Input.DocumentType"] = "";

        using var r = await browser.Submit("/identity", fields);
        var html = await PortalBrowser.Html(r);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("There is a problem", html);
        Assert.Contains("<span id=\"Input_LegalName-error\" class=\"field-error\">Enter your full legal name as on your document.</span>", html);
        Assert.Contains("<span id=\"Input_City-error\" class=\"field-error\">Enter your town or city.</span>", html);
        Assert.Contains("Choose the kind of identity document.", html);

        fields = Identity(document: "P1");
        using var bad = await browser.Submit("/identity", fields);
        Assert.Contains("4 to 32 letters, digits, spaces or hyphens", await PortalBrowser.Html(bad));
        fields = Identity(dateOfBirth: "2999-01-01");
        using var future = await browser.Submit("/identity", fields);
        Assert.Contains("Enter your date of birth as a past date", await PortalBrowser.Html(future));
        Assert.Empty(await Submissions(_demo, await HolderOf(_demo, email)));
    }

    [Fact]
    public async Task IdentityPage_SameFormSentTwice_OneSubmission()
    {
        var (browser, email) = await _demo.SignedUp();
        var page = await browser.Page("/identity");
        var fields = Identity();
        fields["__RequestVerificationToken"] = PortalBrowser.Token(page);
        fields["Input.IdempotencyKey"] = KeyPattern().Match(page).Groups[1].Value;
        Assert.Equal(32, fields["Input.IdempotencyKey"].Length);

        using var first = await browser.PostRaw("/identity", fields);
        using var second = await browser.PostRaw("/identity", fields);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Single(await Submissions(_demo, await HolderOf(_demo, email)));
    }

    [Fact]
    public async Task IdentityPage_NoAntiforgeryToken_Refused()
    {
        var (browser, email) = await _demo.SignedUp();

        using var r = await browser.PostRaw("/identity", Identity());

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Empty(await Submissions(_demo, await HolderOf(_demo, email)));
    }

    [Fact]
    public async Task IdentityPage_ManualVerifierOutsideDemo_PendingShownNoSandboxNote()
    {
        await using var plain = await PortalFixture.StartAsync(backend: backend);
        var (browser, email) = await plain.SignedUp();
        Assert.DoesNotContain("Sandbox identity check", await browser.Page("/identity"));

        using var r = await browser.Submit("/identity", Identity());

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var html = await browser.Page("/identity?done=submitted");
        Assert.Contains("waiting for review", html);
        Assert.DoesNotContain("Send for verification", html);
        var s = Assert.Single(await Submissions(plain, await HolderOf(plain, email)));
        Assert.Equal((KycStatus.Pending, ManualReviewQueue.VerifierName), (s.Status, s.Verifier));
    }

    [Fact]
    public async Task IdentityPage_OfficerRejects_ShowsOutcomeNotTheOfficersReason()
    {
        await using var plain = await PortalFixture.StartAsync(backend: backend);
        var (browser, email) = await plain.SignedUp();
        using (var r = await browser.Submit("/identity", Identity()))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        var s = Assert.Single(await Submissions(plain, await HolderOf(plain, email)));
        var kyc = plain.App.Services.GetRequiredService<KycService>();
        Assert.True((await kyc.Decide(s.Id, KycDecision.Reject, "Looks like a mule account; SAR under consideration.", "cli:officer-park")).IsOk);

        var html = await browser.Page("/identity");
        Assert.Contains("Rejected", html);
        Assert.Contains("not verified by our compliance team", html);
        Assert.DoesNotContain("mule", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SAR", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CashoutPage_TierZero_SaysWhyAndLinksToIdentity()
    {
        var (browser, _) = await _demo.SignedUp();

        var html = await browser.Page("/cashout");

        Assert.Contains("Verify your identity to cash out", html);
        Assert.Contains("<a class=\"button\" href=\"/identity\">Verify your identity</a>", html);
        Assert.Contains("href=\"/identity\"", await browser.Page("/"));
        Assert.Contains("href=\"/identity\"", await browser.Page("/security"));
    }

    [Fact]
    public async Task SignUp_DemoHost_WelcomeCreditsOnceFromDemoSources()
    {
        await CreateSource(_demo, "creator_earnings", "USD", "EUR");
        await CreateSource(_demo, "gift_card_credit", "EUR", "USD");
        var (browser, email) = await _demo.SignedUp();
        var holder = await HolderOf(_demo, email);

        var wallets = await _demo.Store.ReadAsync(r => r.ListAccounts(AccountKind.HolderWallet, holder.Value));
        Assert.Equal(27_250_000, wallets.Single(w => w.Currency == Currencies.USD).Available.Units);
        Assert.Equal(15_000_000, wallets.Single(w => w.Currency == Currencies.EUR).Available.Units);
        var dashboard = await browser.Page("/");
        Assert.Contains("<td class=\"num\">27.25</td>", dashboard);
        Assert.Contains("<td class=\"num\">15.00</td>", dashboard);

        // A retried grant (a sign-up handled twice) adds nothing.
        var welcome = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<DemoWelcome>(_demo.App.Services);
        Assert.Equal(0, await welcome.Grant(holder));
        wallets = await _demo.Store.ReadAsync(r => r.ListAccounts(AccountKind.HolderWallet, holder.Value));
        Assert.Equal(27_250_000, wallets.Single(w => w.Currency == Currencies.USD).Available.Units);
    }

    [Fact]
    public async Task SignUp_NotDemo_NoWelcomeCredit()
    {
        await using var plain = await PortalFixture.StartAsync(backend: backend);
        await CreateSource(plain, "creator_earnings", "USD", "EUR");
        await CreateSource(plain, "gift_card_credit", "EUR", "USD");
        var (_, email) = await plain.SignedUp();
        var holder = await HolderOf(plain, email);

        var wallets = await plain.Store.ReadAsync(r => r.ListAccounts(AccountKind.HolderWallet, holder.Value));

        Assert.All(wallets, w => Assert.Equal(0, w.Available.Units));
    }

    private static async Task CreateSource(PortalFixture f, string type, params string[] currencies)
    {
        using var r = await f.Operator.PostAsync("/v1/sources", Json.Body(new { name = $"Demo {type} {Guid.NewGuid():N}"[..30], type, currencies }));
        await Json.Expect(r, HttpStatusCode.Created);
    }

    [GeneratedRegex("name=\"Input.IdempotencyKey\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex KeyPattern();
}

public sealed class SqlitePortalIdentityTests() : PortalIdentityTests("sqlite");

public sealed class PostgresPortalIdentityTests() : PortalIdentityTests("postgres");
