using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Portal;

namespace SmallChange.Pages.Security;

/// <summary>Changes the password (the current one is required). The security stamp changes, so other sessions end; the holder is alerted.</summary>
public sealed class ChangePasswordModel(UserManager<PortalAccount> users, SignInManager<PortalAccount> signIn, PortalThrottle throttle, PortalNotices notices, PortalActivity activity) : PortalPage
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your current password.")]
        [StringLength(256, ErrorMessage = "The password is too long.")]
        [DataType(DataType.Password)]
        [Display(Name = "Current password")]
        public string CurrentPassword { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password.")]
        [StringLength(256, ErrorMessage = "The password is too long (256 characters at most).")]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string NewPassword { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again.")]
        [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords are not the same.")]
        [DataType(DataType.Password)]
        [Display(Name = "New password again")]
        public string ConfirmPassword { get; set; } = "";
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!throttle.TrySignIn(user.Data.Id.ToString()))
        {
            ModelState.AddModelError(string.Empty, "Too many attempts. Wait 15 minutes and try again.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var result = await users.ChangePasswordAsync(user, Input.CurrentPassword, Input.NewPassword);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
            {
                ModelState.AddModelError("Input.CurrentPassword", "The current password is not right.");
            }
            else
            {
                AddErrors(result, "Input.NewPassword");
            }

            return Page();
        }

        await signIn.RefreshSignInAsync(user);
        await notices.PasswordChanged(user, ct);
        await activity.Record(user, Core.Security.ActivityKinds.PasswordChanged, HttpContext);
        return Redirect("/security?done=password");
    }
}
