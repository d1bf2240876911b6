using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages.Account;

/// <summary>The second step with a recovery code instead of the app: each code works once, and the holder is alerted.</summary>
public sealed class SignInRecoveryCodeModel(UserManager<PortalAccount> users, SignInManager<PortalAccount> signIn, PortalThrottle throttle, PortalNotices notices, PortalActivity activity) : PortalPage
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter one of your recovery codes.")]
        [StringLength(32, ErrorMessage = "That is not a recovery code.")]
        [Display(Name = "Recovery code")]
        public string Code { get; set; } = "";
    }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/SignIn") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return RedirectToPage("/Account/SignIn");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!throttle.TrySignIn(user.Data.Id.ToString()))
        {
            ModelState.AddModelError(string.Empty, "Too many attempts for this account. Wait 15 minutes and sign in again.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var result = await signIn.TwoFactorRecoveryCodeSignInAsync(Input.Code);
        if (!result.Succeeded)
        {
            await activity.Record(user, result.IsLockedOut ? ActivityKinds.SignInLockedOut : ActivityKinds.SignInFailed, HttpContext, "wrong or used recovery code");
            ModelState.AddModelError("Input.Code", "That recovery code is not right, or it was used already.");
            return Page();
        }

        await notices.RecoveryCodeUsed(user, await users.CountRecoveryCodesAsync(user), ct);
        await activity.Record(user, ActivityKinds.RecoveryCodeUsed, HttpContext, "to sign in");
        await activity.SignedIn(user, HttpContext, "password and recovery code");
        return LocalRedirect(SafeReturnUrl(ReturnUrl));
    }
}
