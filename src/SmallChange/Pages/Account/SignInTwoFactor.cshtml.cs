using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages.Account;

/// <summary>
/// The second step of signing in: a code from the authenticator app. A wrong code counts towards the lockout; a code
/// already used (or an older one) is refused (<see cref="TotpTokenProvider"/>).
/// </summary>
public sealed class SignInTwoFactorModel(SignInManager<PortalAccount> signIn, PortalThrottle throttle, PortalOptions options, PortalActivity activity) : PortalPage
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app.")]
        [StringLength(16, ErrorMessage = "Enter the 6-digit code from your authenticator app.")]
        [Display(Name = "Code from your authenticator app")]
        public string Code { get; set; } = "";
    }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/SignIn") : Page();

    public async Task<IActionResult> OnPostAsync()
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

        var result = await signIn.TwoFactorAuthenticatorSignInAsync(Input.Code, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            await activity.SignedIn(user, HttpContext, "password and authenticator code");
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }

        await activity.Record(user, result.IsLockedOut ? ActivityKinds.SignInLockedOut : ActivityKinds.SignInFailed, HttpContext, "wrong or used authenticator code");

        ModelState.AddModelError("Input.Code", result.IsLockedOut
            ? $"This account is locked for {(int)options.LockoutDuration.TotalMinutes} minutes after too many failed attempts."
            : "That code is not right, or it was used already. Wait for the next code in your app and enter it.");
        return Page();
    }
}
