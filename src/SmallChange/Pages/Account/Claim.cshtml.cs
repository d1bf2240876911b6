using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages.Account;

/// <summary>
/// Accepts an operator's portal invitation (<see cref="PortalInvites"/>): the link's token is checked, the holder
/// chooses a password under the usual policy, and is signed in. The token works once: setting the password changes
/// the security stamp it is bound to.
/// </summary>
public sealed class ClaimModel(UserManager<PortalAccount> users, SignInManager<PortalAccount> signIn, PortalNotices notices, PortalActivity activity) : PortalPage
{
    public const string BadLink = "This invitation link is not valid, was used already or has expired. Ask your provider for a new one.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        public string UserId { get; set; } = "";

        public string Token { get; set; } = "";

        [Required(ErrorMessage = "Choose a password.")]
        [StringLength(256, ErrorMessage = "The password is too long (256 characters at most).")]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again.")]
        [Compare(nameof(Password), ErrorMessage = "The two passwords are not the same.")]
        [DataType(DataType.Password)]
        [Display(Name = "Password again")]
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

        if (user is null || token.Length == 0 || user.Data.PasswordHash is not null
            || !await users.VerifyUserTokenAsync(user, PortalInvites.TokenProvider, PortalInvites.Purpose, token))
        {
            ModelState.AddModelError(string.Empty, BadLink);
            return Page();
        }

        var result = await users.AddPasswordAsync(user, Input.Password);
        if (!result.Succeeded)
        {
            AddErrors(result, "Input.Password");
            return Page();
        }

        if (!await signIn.CanSignInAsync(user))
        {
            ModelState.AddModelError(string.Empty, "This account cannot be used right now. Contact your provider.");
            return Page();
        }

        await signIn.SignInAsync(user, isPersistent: false);
        await activity.FirstDevice(user, HttpContext, ActivityKinds.PortalClaimed);
        await notices.Welcome(user, ct);
        return Redirect("/");
    }
}
