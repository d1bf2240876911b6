using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using SmallChange.Portal;

namespace SmallChange.Pages.Account;

/// <summary>
/// Chooses a new password with the link from <see cref="ForgotPasswordModel"/>. The token is Identity's Data Protection
/// token: it expires, and it stops working once the password (so the security stamp) changes, so it works once. Other
/// sessions end within a minute (the stamp is checked). Success also lifts a lockout: the holder proved the mailbox.
/// </summary>
public sealed class ResetPasswordModel(UserManager<PortalAccount> users, PortalNotices notices, PortalActivity activity) : PortalPage
{
    public const string BadLink = "This reset link is not valid or has expired. Ask for a new one.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        public string UserId { get; set; } = "";

        public string Token { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password.")]
        [StringLength(256, ErrorMessage = "The password is too long (256 characters at most).")]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again.")]
        [Compare(nameof(Password), ErrorMessage = "The two passwords are not the same.")]
        [DataType(DataType.Password)]
        [Display(Name = "New password again")]
        public string ConfirmPassword { get; set; } = "";
    }

    public bool LinkComplete => !string.IsNullOrEmpty(Input.UserId) && !string.IsNullOrEmpty(Input.Token);

    public void OnGet(string? user, string? token)
    {
        Input.UserId = user ?? "";
        Input.Token = token ?? "";
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid || !LinkComplete)
        {
            return Page();
        }

        var user = await users.FindByIdAsync(Input.UserId);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(Input.Token));
        }
        catch (FormatException)
        {
            token = "";
        }

        if (user is null || token.Length == 0)
        {
            ModelState.AddModelError(string.Empty, BadLink);
            return Page();
        }

        var result = await users.ResetPasswordAsync(user, token, Input.Password);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)))
            {
                ModelState.AddModelError(string.Empty, BadLink);
            }
            else
            {
                AddErrors(result, "Input.Password");
            }

            return Page();
        }

        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await notices.PasswordChanged(user, ct);
        await activity.Record(user, Core.Security.ActivityKinds.PasswordReset, HttpContext);
        return Redirect("/sign-in?done=password-reset");
    }
}
