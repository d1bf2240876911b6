using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;
using SmallChange.Portal;

namespace SmallChange.Pages.Account;

/// <summary>
/// Creates a holder and its portal account in one transaction, then signs in. The holder starts at KYC tier 0 (can
/// receive, cannot cash out). The password policy is Identity's length rule plus <see cref="CommonPasswordValidator"/>
/// and <see cref="EmailPasswordValidator"/>. In the demo (<c>serve --demo</c>) the new holder also receives the
/// <see cref="Hosting.DemoWelcome"/> credits.
/// </summary>
public sealed class SignUpModel(UserManager<PortalAccount> users, SignInManager<PortalAccount> signIn, PortalNotices notices, PortalActivity activity, Hosting.DemoWelcome welcome, TimeProvider clock) : PortalPage
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your e-mail address.")]
        [EmailAddress(ErrorMessage = "Enter an e-mail address like name@example.com.")]
        [StringLength(254, ErrorMessage = "The e-mail address is too long.")]
        [Display(Name = "E-mail address")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your full name.")]
        [StringLength(200, ErrorMessage = "The name is too long (200 characters at most).")]
        [Display(Name = "Full name")]
        public string Name { get; set; } = "";

        [Required(ErrorMessage = "Enter your country as two letters, such as US, KR or DE.")]
        [Display(Name = "Country")]
        public string Country { get; set; } = "";

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

    public IActionResult OnGet() => Holder is null ? Page() : Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var country = (Input.Country ?? "").Trim().ToUpperInvariant();
        if (!string.IsNullOrEmpty(Input.Country) && !CountryCodes.All.Contains(country))
        {
            ModelState.AddModelError("Input.Country", "Enter your country as two letters, such as US, KR or DE.");
        }

        var name = (Input.Name ?? "").Trim();
        if (name.Any(char.IsControl))
        {
            ModelState.AddModelError("Input.Name", "The name cannot contain control characters.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var now = clock.GetUtcNow();
        var holderId = HolderId.New();
        var holder = new Holder(holderId, $"portal-{holderId.Value:N}", new PersonName(name), country, HolderStatus.Active, 0, now);
        var account = PortalAccount.ForNewHolder(new EmailAddress(Input.Email.Trim()), holder, now);
        var result = await users.CreateAsync(account, Input.Password);
        if (!result.Succeeded)
        {
            AddErrors(result, "Input.Password", "Input.Email");
            return Page();
        }

        await notices.Welcome(account, ct);
        await welcome.Grant(holderId, ct);
        await signIn.SignInAsync(account, isPersistent: false);
        await activity.FirstDevice(account, HttpContext, Core.Security.ActivityKinds.AccountCreated);
        return Redirect("/");
    }
}
