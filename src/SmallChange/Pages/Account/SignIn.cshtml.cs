using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages.Account;

/// <summary>
/// Password sign-in. Every failure counts towards the account's lockout; attempts per account are throttled before
/// the password is checked. An unknown address costs the same password hashing as a known one and gets the same
/// message. With two-factor on, the password step leads to <see cref="SignInTwoFactorModel"/>.
/// </summary>
public sealed class SignInModel(UserManager<PortalAccount> users, SignInManager<PortalAccount> signIn, PortalThrottle throttle, PortalOptions options, PortalActivity activity) : PortalPage
{
    public const string WrongCredentials = "The e-mail address or the password is not right.";

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<PortalAccount>().HashPassword(null!, Guid.NewGuid().ToString()));

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>"signed-out" or "password-reset": a notice after those flows.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your e-mail address.")]
        [StringLength(254, ErrorMessage = "The e-mail address is too long.")]
        [Display(Name = "E-mail address")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [StringLength(256, ErrorMessage = "The password is too long.")]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";
    }

    public IActionResult OnGet() => Holder is null ? Page() : Redirect(SafeReturnUrl(ReturnUrl));

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!throttle.TrySignIn(users.NormalizeEmail(Input.Email.Trim())))
        {
            ModelState.AddModelError(string.Empty, "Too many sign-in attempts for this account. Wait 15 minutes, or reset your password.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is null)
        {
            // The same work as checking a real password, so the answer's timing does not tell whether the address has an account.
            new PasswordHasher<PortalAccount>().VerifyHashedPassword(null!, DummyHash.Value, Input.Password);
            ModelState.AddModelError(string.Empty, WrongCredentials);
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(user, Input.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await activity.SignedIn(user, HttpContext, "password");
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }

        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("/Account/SignInTwoFactor", new { returnUrl = SafeReturnUrl(ReturnUrl) });
        }

        if (result.IsNotAllowed)
        {
            // The holder is not active (HolderStatusConfirmation); Identity refused before hashing, so hash anyway.
            new PasswordHasher<PortalAccount>().VerifyHashedPassword(null!, DummyHash.Value, Input.Password);
        }

        if (!result.IsNotAllowed)
        {
            await activity.Record(user, result.IsLockedOut ? ActivityKinds.SignInLockedOut : ActivityKinds.SignInFailed, HttpContext, "wrong password");
        }

        ModelState.AddModelError(string.Empty, result.IsLockedOut
            ? $"This account is locked for {(int)options.LockoutDuration.TotalMinutes} minutes after too many failed attempts. Try again later, or reset your password."
            : WrongCredentials);
        return Page();
    }
}
