using System.Net;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Portal;

/// <summary>A holder signing up in the portal is screened like one created over the API: a match is an alert in a case.</summary>
public abstract class PortalScreeningTests(PortalFixture portal)
{
    private async Task<Guid> SignUp(string name)
    {
        var email = PortalFixture.NewEmail();
        using var browser = portal.Browser();
        using var r = await browser.Submit("/sign-up", new()
        {
            ["Input.Email"] = email, ["Input.Name"] = name, ["Input.Country"] = "EG",
            ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var user = await portal.Store.ReadAsync(rd => rd.FindPortalUserByEmail(email.ToUpperInvariant()));
        return user!.Holder.Value;
    }

    [Fact]
    public async Task SignUp_SanctionedName_AlertAboutTheHolderInACase()
    {
        var holder = await SignUp("Tharwat Salah Shihata");

        using var r = await portal.Operator.GetAsync($"/v1/compliance/alerts?holder_id={holder}");
        var alert = Assert.Single((await Json.Expect(r, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList());
        Assert.Equal("sanctions.screening", alert.GetProperty("rule_id").GetString());
        Assert.Equal("holder", alert.GetProperty("subject").GetProperty("kind").GetString());
        Assert.Equal(holder, alert.GetProperty("subject").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task SignUp_OrdinaryName_NoAlert()
    {
        var holder = await SignUp("Ava Thompson");

        using var r = await portal.Operator.GetAsync($"/v1/compliance/alerts?holder_id={holder}");
        Assert.Empty((await Json.Expect(r, HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }
}

public sealed class SqlitePortalScreeningTests(PortalFixture portal) : PortalScreeningTests(portal), IClassFixture<PortalFixture>;

public sealed class PostgresPortalScreeningTests(PostgresPortalFixture portal) : PortalScreeningTests(portal), IClassFixture<PostgresPortalFixture>;
