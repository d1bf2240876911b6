using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Common;
using SmallChange.Core.Security;
using SmallChange.Http;
using SmallChange.Portal;

namespace SmallChange.Api.Holders;

public sealed record PortalInviteRequest(string? Email)
{
    public override string ToString() => "PortalInviteRequest { Email = [redacted] }";
}

/// <summary>The invitation as the operator sees it: never the link, which is the holder's credential and goes by mail only.</summary>
public sealed record PortalInviteResponse(Guid HolderId, string Status, string ExpiresAt);

public static class PortalInviteEndpoints
{
    public static RouteGroupBuilder MapPortalInvites(this RouteGroupBuilder v1)
    {
        v1.MapPost("/holders/{id:guid}/portal-invite", Invite).WithTags("Holders").RequireAuthorization(Policies.Operator);
        return v1;
    }

    /// <summary>
    /// Gives a holder the operator created a portal login: mails a one-time link to <c>email</c> to choose a password
    /// (valid 7 days). Again for a holder who has not chosen a password yet: a new link (the old one stops working), to
    /// the address given. 409 when the holder already has a password or the address belongs to another account.
    /// </summary>
    private static async Task<Results<Accepted<PortalInviteResponse>, ProblemHttpResult>> Invite(Guid id, PortalInviteRequest body, PortalInvites invites, HttpContext http)
    {
        var result = await invites.Invite(new HolderId(id), body.Email, ClientInfo.OperatorApi, http.RequestAborted);
        if (!result.TryGet(out var invitation, out var err))
        {
            return Problems.Result(err, http);
        }

        return TypedResults.Accepted((string?)null, new PortalInviteResponse(id, "sent", Wire.Time(invitation.ExpiresAt)));
    }
}
