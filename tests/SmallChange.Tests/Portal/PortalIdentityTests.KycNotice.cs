using System.Net;

namespace SmallChange.Tests.Portal;

/// <summary>The identity decision reaches the holder's activity log and inbox in the portal.</summary>
public abstract partial class PortalIdentityTests
{
    [Fact]
    public async Task IdentityDecision_SandboxApproves_ShownInActivityAndInbox()
    {
        var (browser, _) = await _demo.SignedUp();
        Assert.DoesNotContain("Identity verified", await browser.Page("/activity"));

        using var r = await browser.Submit("/identity", Identity());
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);

        var activity = await browser.Page("/activity");
        Assert.Contains("<strong>Identity verified</strong>", activity);
        Assert.Contains("Identity check passed for tier 1.", activity);
        Assert.Contains("Your identity is verified", await browser.Page("/inbox"));
    }

    [Fact]
    public async Task IdentityDecision_SandboxRejects_InboxPointsToTheIdentityPage()
    {
        var (browser, _) = await _demo.SignedUp();
        var minor = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-17).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var r = await browser.Submit("/identity", Identity(minor));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);

        Assert.Contains("<strong>Identity not verified</strong>", await browser.Page("/activity"));
        var inbox = await browser.Page("/inbox");
        Assert.Contains("We could not verify your identity", inbox);
        Assert.Contains("The Identity page in the portal says why", inbox);
    }
}
