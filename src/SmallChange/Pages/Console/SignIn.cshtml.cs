using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Portal;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>
/// The staff password form: a separate sign-in from holders'. The password alone opens nothing but the next step: the
/// authenticator enrolment (mandatory, for a staff member without one) or the code. Failures lock the account as the
/// portal does; attempts are throttled per account and per IP.
/// </summary>
public sealed class SignInModel(StaffAccounts accounts, PortalOptions options) : ConsolePage
{
    public const string WrongCredentials = "The e-mail address or the password is not right.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>"signed-out": a notice after signing out.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your work e-mail address.")]
        [StringLength(254, ErrorMessage = "The e-mail address is too long.")]
        [Display(Name = "Work e-mail address")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [StringLength(256, ErrorMessage = "The password is too long.")]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var (outcome, user) = await accounts.CheckPassword(Input.Email, Input.Password, ct);
        switch (outcome)
        {
            case StaffPasswordOutcome.Throttled:
                ModelState.AddModelError(string.Empty, "Too many sign-in attempts for this account. Wait 15 minutes.");
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            case StaffPasswordOutcome.LockedOut:
                ModelState.AddModelError(string.Empty, $"This account is locked for {(int)options.LockoutDuration.TotalMinutes} minutes after too many failed attempts.");
                return Page();
            case StaffPasswordOutcome.Failed:
                ModelState.AddModelError(string.Empty, WrongCredentials);
                return Page();
        }

        await HttpContext.SignOutAsync(StaffSetup.Scheme);
        await HttpContext.SignInAsync(StaffSetup.PendingScheme, StaffAccounts.PendingPrincipal(user!));
        return Redirect(user!.TwoFactorEnabled ? "/console/sign-in/two-factor" : "/console/enrol");
    }
}
