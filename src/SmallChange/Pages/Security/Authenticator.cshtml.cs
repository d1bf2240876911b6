using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Portal;

namespace SmallChange.Pages.Security;

/// <summary>
/// Enrols an authenticator app: a new secret (kept until enrolment finishes, so reloading shows the same QR code),
/// its QR code and the secret as text, then one code from the app to prove it works. Success turns two-factor
/// sign-in on and shows ten recovery codes once.
/// </summary>
public sealed class AuthenticatorModel(UserManager<PortalAccount> users, SignInManager<PortalAccount> signIn, PortalThrottle throttle, PortalNotices notices, PortalActivity activity) : PortalPage
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the 6-digit code your app shows.")]
        [StringLength(16, ErrorMessage = "Enter the 6-digit code your app shows.")]
        [Display(Name = "Code from the app")]
        public string Code { get; set; } = "";
    }

    public bool AlreadyOn { get; private set; }

    public string SharedKey { get; private set; } = "";

    public string QrSvg { get; private set; } = "";

    /// <summary>Shown once, right after enrolment.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        await Load(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (user.Data.TwoFactorEnabled || !ModelState.IsValid)
        {
            await Load(user);
            return Page();
        }

        if (!throttle.TrySignIn(user.Data.Id.ToString()))
        {
            ModelState.AddModelError(string.Empty, "Too many attempts. Wait 15 minutes and try again.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await Load(user);
            return Page();
        }

        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Input.Code))
        {
            ModelState.AddModelError("Input.Code", "That code is not right. Check that the app shows SmallChange, wait for a new code and enter it.");
            await Load(user);
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
        await signIn.RefreshSignInAsync(user);
        await notices.TwoFactorEnabled(user, ct);
        await activity.Record(user, Core.Security.ActivityKinds.TwoFactorEnabled, HttpContext);
        AlreadyOn = true;
        return Page();
    }

    private async Task Load(PortalAccount user)
    {
        AlreadyOn = user.Data.TwoFactorEnabled;
        if (AlreadyOn)
        {
            return;
        }

        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            await signIn.RefreshSignInAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("The authenticator key was not stored.");
        }

        SharedKey = key;
        QrSvg = AuthenticatorQr.Svg(AuthenticatorQr.Uri(user.Data.Email.Value, key));
    }
}
