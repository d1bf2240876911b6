using System.Globalization;
using Microsoft.Playwright;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;

namespace SmallChange.Tests.Browser;

/// <summary>
/// A person using the portal in a real browser, with the steps every holder journey starts with: sign up, enrol an
/// authenticator app (the codes are computed from the secret the page shows, as a phone app would, each one after
/// waiting 30 s on the host's manual clock) and sign in with the second factor. Shared by the browser tests.
/// </summary>
public sealed class PortalPerson(BrowserHost host, string name = "Ava Thompson", string country = "US")
{
    public const string Password = "violet tram 42 quietly";

    public string Name { get; } = name;

    public string Email { get; } = $"ava{Guid.NewGuid():N}"[..16] + "@example.com";

    /// <summary>The authenticator's secret, once enrolled.</summary>
    public byte[] Secret { get; private set; } = [];

    /// <summary>The code the phone app shows after waiting for its next one (30 s on the host's manual clock).</summary>
    public string NextCode()
    {
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        return Totp.Code(Secret, Totp.StepAt(host.Clock.GetUtcNow())).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>The holder the sign-up created.</summary>
    public async Task<HolderId> Holder() => (await host.Store.ReadAsync(r => r.FindPortalUserByEmail(Email.ToUpperInvariant())))!.Holder;

    /// <summary>Fills in and sends the sign-up form; ends on the dashboard greeting the person.</summary>
    public async Task SignUp(IPage page)
    {
        await page.GotoAsync("/sign-up");
        await page.GetByLabel("E-mail address").FillAsync(Email);
        await page.GetByLabel("Full name").FillAsync(Name);
        await page.GetByLabel("Country").FillAsync(country);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Password again").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hello, " + Name);
    }

    /// <summary>
    /// On the authenticator page (opened when the browser is elsewhere): the QR code, the key read as text, a code from
    /// it, and the ten recovery codes shown once two-factor sign-in is on.
    /// </summary>
    public async Task EnrolAuthenticator(IPage page)
    {
        if (!page.Url.EndsWith("/security/authenticator", StringComparison.Ordinal))
        {
            await page.GotoAsync("/security/authenticator");
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        Secret = Base32.Decode(await page.Locator("#shared-key").InnerTextAsync()) ?? throw new InvalidOperationException("the page's key is not base32");
        await page.GetByLabel("Code from the app").FillAsync(NextCode());
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Two-factor sign-in is on");
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Recovery codes" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(10);
    }

    /// <summary>Signs in with the password and the next authenticator code; ends on the dashboard.</summary>
    public async Task SignIn(IPage page)
    {
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("E-mail address").FillAsync(Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/sign-in/two-factor**");
        await page.GetByLabel("Code from your authenticator app").FillAsync(NextCode());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hello, " + Name);
    }

    /// <summary>Adds a US bank account (routing 021000021, account 123456789) with a step-up code when the session needs one.</summary>
    public async Task AddUsBankAccount(IPage page)
    {
        await page.GotoAsync("/destinations/add");
        await page.GetByLabel("Kind of destination").SelectOptionAsync("bank_account");
        await page.GetByLabel("Country of the account").FillAsync("US");
        await page.GetByLabel("Name on the account").FillAsync(Name);
        await page.GetByLabel("US routing number").FillAsync("021000021");
        await page.GetByLabel("Account number").FillAsync("123456789");
        await StepUpIfAsked(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add destination" }).ClickAsync();
        await page.WaitForURLAsync("**/destinations?done=added", new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 45_000 });
    }

    /// <summary>Types the next code into the step-up field when the page asks for one (a recent step-up still holds otherwise).</summary>
    public async Task StepUpIfAsked(IPage page)
    {
        var code = page.GetByLabel("Code from your authenticator app");
        if (await code.CountAsync() > 0)
        {
            await code.FillAsync(NextCode());
        }
    }
}
