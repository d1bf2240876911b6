using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Staff;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>The pages between the password and a console session: the second factor, or its enrolment.</summary>
public abstract class PendingPage(StaffAccounts accounts) : ConsolePage
{
    protected StaffAccounts Accounts => accounts;

    [BindProperty]
    public CodeInput Input { get; set; } = new();

    public sealed class CodeInput
    {
        [System.ComponentModel.DataAnnotations.Required(ErrorMessage = "Enter the 6-digit code your app shows.")]
        [System.ComponentModel.DataAnnotations.StringLength(16, ErrorMessage = "Enter the 6-digit code your app shows.")]
        [System.ComponentModel.DataAnnotations.Display(Name = "Code from the app")]
        public string Code { get; set; } = "";
    }

    /// <summary>The staff member of the pending session, if it is still valid.</summary>
    protected Task<StaffUser?> PendingStaff(CancellationToken ct) => accounts.Current(User, ct);

    /// <summary>Ends the pending session and opens the console session; records the sign-in.</summary>
    protected async Task<IActionResult> Complete(StaffUser user, string how, CancellationToken ct)
    {
        await HttpContext.SignOutAsync(StaffSetup.PendingScheme);
        await HttpContext.SignInAsync(StaffSetup.Scheme, StaffAccounts.FullPrincipal(user));
        await accounts.Audit(user, StaffActions.SignIn, how, ct);
        return Redirect("/console");
    }

    /// <summary>Back to the password form (the pending session ended or the account changed).</summary>
    protected async Task<IActionResult> Restart()
    {
        await HttpContext.SignOutAsync(StaffSetup.PendingScheme);
        return Redirect("/console/sign-in");
    }
}
