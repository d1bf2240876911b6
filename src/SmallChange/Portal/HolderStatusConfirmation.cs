using Microsoft.AspNetCore.Identity;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;

namespace SmallChange.Portal;

/// <summary>
/// Only an active holder may sign in: a suspended or closed holder's account gets Identity's "not allowed", which the
/// sign-in page answers like a wrong password (Identity checks this before the password, so saying more would tell
/// anyone the holder's status).
/// </summary>
public sealed class HolderStatusConfirmation(IStore store) : IUserConfirmation<PortalAccount>
{
    public async Task<bool> IsConfirmedAsync(UserManager<PortalAccount> manager, PortalAccount user) =>
        await store.ReadAsync(r => r.GetHolder(user.Data.Holder)) is { Status: HolderStatus.Active };
}
