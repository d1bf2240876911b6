using Microsoft.AspNetCore.Mvc;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>The second step of a staff sign-in: a code from the enrolled authenticator, accepted once.</summary>
public sealed class TwoFactorModel(StaffAccounts accounts) : PendingPage(accounts)
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var user = await PendingStaff(ct);
        return user is null ? await Restart() : !user.TwoFactorEnabled ? Redirect("/console/enrol") : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await PendingStaff(ct);
        if (user is null)
        {
            return await Restart();
        }

        if (!user.TwoFactorEnabled)
        {
            return Redirect("/console/enrol");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!await Accounts.VerifyCode(user, Input.Code, ct))
        {
            ModelState.AddModelError("Input.Code", "That code is not right, or was used already. Wait for a new code and enter it.");
            return Page();
        }

        return await Complete(user, "password and authenticator code", ct);
    }
}
