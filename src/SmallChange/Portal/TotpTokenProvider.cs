using Microsoft.AspNetCore.Identity;
using SmallChange.Core.Identity;

namespace SmallChange.Portal;

/// <summary>
/// The authenticator-app token provider (registered under Identity's <c>Authenticator</c> name, replacing its own):
/// RFC 6238 codes within one 30-second step of now, and a code is accepted once. The time step of an accepted code is
/// recorded with a conditional update, so the same code (or an older one) is refused afterwards, on any node.
/// </summary>
public sealed class TotpTokenProvider(PortalUserStore users, TimeProvider clock) : IUserTwoFactorTokenProvider<PortalAccount>
{
    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<PortalAccount> manager, PortalAccount user) =>
        !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>The app computes the codes; the server never sends one.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<PortalAccount> manager, PortalAccount user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<PortalAccount> manager, PortalAccount user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key) || Base32.Decode(key) is not { Length: > 0 } secret)
        {
            return false;
        }

        return Totp.MatchStep(secret, token, clock.GetUtcNow()) is { } step && await users.TryAcceptTotpStep(user, step);
    }
}
