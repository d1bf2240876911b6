using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using SmallChange.Core.Identity;
using SmallChange.Core.Security;

namespace SmallChange.Portal;

/// <summary>
/// Gives every portal session an id of its own (claim <c>sc:session</c>, new at every sign-in, kept when the session
/// is refreshed), so that a step-up belongs to one session: another browser signed in to the same account has to
/// confirm for itself.
/// </summary>
public static class PortalSessions
{
    public const string SessionClaim = "sc:session";
    private const string SessionItem = "sc.session";

    /// <summary>Cookie event: stamps the session id on the principal at every sign-in (a refresh keeps the id it had).</summary>
    public static Task OnSigningIn(CookieSigningInContext ctx)
    {
        if (ctx.Principal?.Identity is not ClaimsIdentity identity)
        {
            return Task.CompletedTask;
        }

        var id = ctx.Properties.Items.TryGetValue(SessionItem, out var stored) && Guid.TryParse(stored, out var g) ? g : Guid.NewGuid();
        ctx.Properties.Items[SessionItem] = id.ToString();
        foreach (var old in identity.FindAll(SessionClaim).ToList())
        {
            identity.RemoveClaim(old);
        }

        identity.AddClaim(new Claim(SessionClaim, id.ToString()));
        return Task.CompletedTask;
    }

    /// <summary>Security-stamp validation rebuilds the principal every minute: keep the session id.</summary>
    public static Task OnRefreshingPrincipal(SecurityStampRefreshingPrincipalContext ctx)
    {
        if (ctx.CurrentPrincipal?.FindFirst(SessionClaim) is { } claim && ctx.NewPrincipal?.Identity is ClaimsIdentity identity && identity.FindFirst(SessionClaim) is null)
        {
            identity.AddClaim(new Claim(SessionClaim, claim.Value));
        }

        return Task.CompletedTask;
    }

    /// <summary>The signed-in portal session of the request, or null (anonymous, or a session from before session ids).</summary>
    public static PortalSession? Of(HttpContext http)
    {
        var user = http.User;
        if (PortalClaimsFactory.HolderOf(user) is not { } holder
            || !Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var account)
            || !Guid.TryParse(user.FindFirstValue(SessionClaim), out var session))
        {
            return null;
        }

        return new PortalSession(new PortalUserId(account), holder, new PortalSessionId(session), PortalActivity.Client(http));
    }
}
