using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Portal;

namespace SmallChange.Pages.Account;

/// <summary>Ends the session (a form post with an antiforgery token; a plain link cannot sign anyone out).</summary>
public sealed class SignOutModel(SignInManager<PortalAccount> signIn) : PortalPage
{
    public IActionResult OnGet() => Holder is null ? Redirect("/sign-in") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return Redirect("/sign-in?done=signed-out");
    }
}
