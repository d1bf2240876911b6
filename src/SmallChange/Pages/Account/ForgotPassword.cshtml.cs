using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using SmallChange.Portal;

namespace SmallChange.Pages.Account;

/// <summary>
/// Sends a password-reset link by mail. The answer is the same whether the address has an account or not; mails per
/// address are throttled (known or not, so the throttle tells nothing either). The link's host is the configured public
/// address, never the request's Host header.
/// </summary>
public sealed class ForgotPasswordModel(UserManager<PortalAccount> users, PortalThrottle throttle, PortalNotices notices, PortalOptions options) : PortalPage
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public bool Sent { get; private set; }

    public double ResetLinkMinutes => options.ResetLinkLifetime.TotalMinutes;

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the e-mail address of your account.")]
        [EmailAddress(ErrorMessage = "Enter an e-mail address like name@example.com.")]
        [StringLength(254, ErrorMessage = "The e-mail address is too long.")]
        [Display(Name = "E-mail address")]
        public string Email { get; set; } = "";
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

        var email = Input.Email.Trim();
        if (!throttle.TryResetMail(users.NormalizeEmail(email)))
        {
            ModelState.AddModelError(string.Empty, "Too many reset requests for this address. Wait an hour, then ask again.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        if (await users.FindByEmailAsync(email) is { } user)
        {
            var token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
            var link = $"{options.PublicUrl}/reset-password?user={user.Data.Id}&token={token}";
            await notices.PasswordReset(user, link, options.ResetLinkLifetime, ct);
        }

        Sent = true;
        return Page();
    }
}
