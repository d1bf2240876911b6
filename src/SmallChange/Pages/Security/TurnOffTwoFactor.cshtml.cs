using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Portal;

namespace SmallChange.Pages.Security;

/// <summary>
/// Turns two-factor sign-in off, only with a current code from the app (a stolen session alone cannot). The secret is
/// replaced, so setting up again needs a new scan, and the recovery codes are deleted; the holder is alerted.
/// </summary>
public sealed class TurnOffTwoFactorModel(UserManager<PortalAccount> users, SignInManager<PortalAccount> signIn, PortalThrottle throttle, PortalNotices notices, PortalActivity activity) : PortalPage
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the 6-digit code your app shows.")]
        [StringLength(16, ErrorMessage = "Enter the 6-digit code your app shows.")]
        [Display(Name = "Code from your authenticator app")]
        public string Code { get; set; } = "";
    }

    public async Task<IActionResult> OnGetAsync() =>
        await users.GetUserAsync(User) is not { } user ? Challenge()
        : user.Data.TwoFactorEnabled ? Page() : Redirect("/security");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (!user.Data.TwoFactorEnabled)
        {
            return Redirect("/security");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!throttle.TrySignIn(user.Data.Id.ToString()))
        {
            ModelState.AddModelError(string.Empty, "Too many attempts. Wait 15 minutes and try again.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Input.Code))
        {
            ModelState.AddModelError("Input.Code", "That code is not right, or it was used already. Wait for a new code and enter it.");
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
        await signIn.RefreshSignInAsync(user);
        await notices.TwoFactorDisabled(user, ct);
        await activity.Record(user, Core.Security.ActivityKinds.TwoFactorDisabled, HttpContext);
        return Redirect("/security?done=two-factor-off");
    }
}
