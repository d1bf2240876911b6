using Microsoft.AspNetCore.Mvc;
using SmallChange.Portal;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>
/// Mandatory authenticator enrolment: a staff member without one is brought here after the password, before any console
/// page. The QR code and the key as text, then one code to prove the app works; then the console session begins.
/// </summary>
public sealed class EnrolModel(StaffAccounts accounts) : PendingPage(accounts)
{
    public string SharedKey { get; private set; } = "";

    public string QrSvg { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var user = await PendingStaff(ct);
        if (user is null)
        {
            return await Restart();
        }

        if (user.TwoFactorEnabled)
        {
            return Redirect("/console/sign-in/two-factor");
        }

        return await Load(user, ct) ? Page() : await Restart();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await PendingStaff(ct);
        if (user is null)
        {
            return await Restart();
        }

        if (user.TwoFactorEnabled)
        {
            return Redirect("/console/sign-in/two-factor");
        }

        if (!ModelState.IsValid || !await Accounts.VerifyCode(user, Input.Code, ct))
        {
            if (ModelState.IsValid)
            {
                ModelState.AddModelError("Input.Code", "That code is not right. Check that the app shows SmallChange console, wait for a new code and enter it.");
            }

            return await Load(user, ct) ? Page() : await Restart();
        }

        var enrolled = await Accounts.CompleteEnrolment(user, ct);
        return enrolled is { TwoFactorEnabled: true, IsActive: true } ? await Complete(enrolled, "password, authenticator enrolled", ct) : await Restart();
    }

    private async Task<bool> Load(Core.Staff.StaffUser user, CancellationToken ct)
    {
        var key = await Accounts.EnrolmentKey(user, ct);
        if (key is null)
        {
            return false;
        }

        SharedKey = key;
        QrSvg = AuthenticatorQr.Svg($"otpauth://totp/SmallChange%20console:{Uri.EscapeDataString(user.Email.Value)}?secret={key}&issuer=SmallChange%20console&digits=6&period=30");
        return true;
    }
}
