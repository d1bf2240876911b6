using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SmallChange.Core.Common;

namespace SmallChange.Portal;

/// <summary>The session's claims: Identity's own (account id, security stamp) plus the holder the account belongs to.</summary>
public sealed class PortalClaimsFactory(UserManager<PortalAccount> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalAccount>(users, options)
{
    public const string HolderClaim = "sc:holder";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalAccount user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(HolderClaim, user.Data.Holder.Value.ToString()));
        return identity;
    }

    /// <summary>The signed-in holder, or null when the principal is not a portal session.</summary>
    public static HolderId? HolderOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(HolderClaim), out var id) ? new HolderId(id) : null;
}
