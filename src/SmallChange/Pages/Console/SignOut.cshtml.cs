using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Staff;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>Ends the console session (a POST with the form's token; every role may sign out).</summary>
[StaffWrite(StaffRole.ComplianceOfficer, StaffRole.OperatorAdmin, StaffRole.Auditor)]
public sealed class SignOutModel(StaffAccounts accounts) : ConsolePage
{
    public IActionResult OnGet() => Redirect("/console");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await accounts.Audit(Staff, StaffActions.SignOut, null, ct);
        await HttpContext.SignOutAsync(StaffSetup.Scheme);
        await HttpContext.SignOutAsync(StaffSetup.PendingScheme);
        return Redirect("/console/sign-in?done=signed-out");
    }
}
