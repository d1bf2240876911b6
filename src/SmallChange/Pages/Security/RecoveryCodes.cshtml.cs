using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Portal;

namespace SmallChange.Pages.Security;

/// <summary>Makes ten new recovery codes (the old ones stop working) and shows them once; the holder is alerted.</summary>
public sealed class RecoveryCodesModel(UserManager<PortalAccount> users, PortalNotices notices, PortalActivity activity) : PortalPage
{
    public int Left { get; private set; }

    public IReadOnlyList<string>? Codes { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (!user.Data.TwoFactorEnabled)
        {
            return Redirect("/security/authenticator");
        }

        Left = await users.CountRecoveryCodesAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (!user.Data.TwoFactorEnabled)
        {
            return Redirect("/security/authenticator");
        }

        Codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
        await notices.RecoveryCodesRenewed(user, ct);
        await activity.Record(user, Core.Security.ActivityKinds.RecoveryCodesRenewed, HttpContext);
        return Page();
    }
}
