using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Portal;

namespace SmallChange.Pages.Security;

/// <summary>The holder's security settings: password, two-factor sign-in and recovery codes.</summary>
public sealed class IndexModel(UserManager<PortalAccount> users) : PortalPage
{
    public bool TwoFactorEnabled { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        TwoFactorEnabled = user.Data.TwoFactorEnabled;
        RecoveryCodesLeft = TwoFactorEnabled ? await users.CountRecoveryCodesAsync(user) : 0;
        return Page();
    }
}
