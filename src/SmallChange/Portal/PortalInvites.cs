using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;

namespace SmallChange.Portal;

/// <summary>
/// Portal logins for holders an operator created (issue 4, point 5): the operator names an e-mail address; the holder
/// gets a portal account without a password and a mailed one-time link to choose one (<c>/claim</c>). The link holds an
/// Identity token of its own purpose, valid for <see cref="PortalOptions.InviteLifetime"/> and only until the password
/// is set (the security stamp changes then). A new invite for an account that has no password yet replaces the address
/// and sends a new link; an account that has a password is not invited again.
/// </summary>
public sealed class PortalInvites(UserManager<PortalAccount> users, IStore store, PortalNotices notices, ActivityLog activity, PortalOptions options, TimeProvider clock)
{
    public const string TokenProvider = "Invite";
    public const string Purpose = "portal-invite";

    /// <summary>What an invitation produced. <see cref="Link"/> is a credential: it goes by mail only (and, in the demo, to the console).</summary>
    public sealed record Invitation(PortalAccount Account, string Link, DateTimeOffset ExpiresAt);

    public async Task<Result<Invitation>> Invite(HolderId holderId, string? email, ClientInfo from, CancellationToken ct)
    {
        var address = email?.Trim() ?? "";
        if (address.Length is 0 or > 254 || !new EmailAddressAttribute().IsValid(address))
        {
            return new Error("invite.email_invalid", "email must be an e-mail address like name@example.com.", "email");
        }

        var (holder, existing, byEmail) = await store.ReadAsync(async r =>
            (await r.GetHolder(holderId), await r.FindPortalUserByHolder(holderId), await r.FindPortalUserByEmail(users.NormalizeEmail(address))), ct);
        if (holder is null)
        {
            return new Error("holder.not_found", "No such holder.", "holder_id");
        }

        if (holder.Status != HolderStatus.Active)
        {
            return new Error("invite.holder_not_active", "Only an active holder can be invited to the portal.", "holder_id");
        }

        if (existing is { PasswordHash: not null })
        {
            return new Error("invite.account_exists", "This holder already has a portal login; they can reset their password from the sign-in page.", "holder_id");
        }

        if (byEmail is not null && byEmail.Holder != holderId)
        {
            return new Error("invite.email_taken", "Another portal account uses this e-mail address.", "email");
        }

        PortalAccount account;
        if (existing is null)
        {
            account = PortalAccount.ForExistingHolder(new EmailAddress(address), holderId, clock.GetUtcNow());
            var created = await users.CreateAsync(account);
            if (!created.Succeeded)
            {
                return new Error("invite.email_taken", "Another portal account uses this e-mail address.", "email");
            }
        }
        else
        {
            account = (await users.FindByIdAsync(existing.Id.Value.ToString()))!;
            if (!string.Equals(account.Data.Email.Value, address, StringComparison.Ordinal))
            {
                var changed = await users.SetEmailAsync(account, address);
                if (!changed.Succeeded)
                {
                    return new Error("invite.email_taken", "Another portal account uses this e-mail address.", "email");
                }
            }

            // A new link replaces the old one: the stamp the old token was bound to changes.
            await users.UpdateSecurityStampAsync(account);
        }

        var token = await users.GenerateUserTokenAsync(account, TokenProvider, Purpose);
        var link = $"{options.PublicUrl}/claim?user={account.Data.Id.Value}&token={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}";
        var expires = clock.GetUtcNow() + options.InviteLifetime;
        await notices.PortalInvite(account, link, options.InviteLifetime, ct);
        await activity.Record(holderId, ActivityKinds.PortalInvited, from, "a link to choose a portal password was e-mailed", ct);
        return new Invitation(account, link, expires);
    }
}

/// <summary>Options of the invitation token provider (its own lifetime, longer than a password-reset link's).</summary>
public sealed class InviteTokenProviderOptions : DataProtectionTokenProviderOptions;

/// <summary>Identity's Data Protection token provider under its own name, purpose and lifetime, for portal invitations.</summary>
public sealed class InviteTokenProvider(IDataProtectionProvider dataProtection, IOptions<InviteTokenProviderOptions> options, ILogger<DataProtectorTokenProvider<PortalAccount>> logger)
    : DataProtectorTokenProvider<PortalAccount>(dataProtection, options, logger);
