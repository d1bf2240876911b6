using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using SmallChange.Core.Common;
using SmallChange.Core.Staff;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>
/// What every console page shares: the signed-in staff member (read again from the store for each request, so a
/// disabled account or a changed role takes effect at once), and the form helpers of the portal's pages.
/// </summary>
public abstract class ConsolePage : PortalPage
{
    private StaffUser? _staff;

    /// <summary>The signed-in staff member (set before every handler of a page that needs a console session).</summary>
    public StaffUser Staff => _staff ?? throw new InvalidOperationException("This page has no console session.");

    public bool Is(StaffRole role) => _staff?.Role == role;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Identity?.AuthenticationType == StaffSetup.Scheme)
        {
            _staff = await HttpContext.RequestServices.GetRequiredService<StaffAccounts>().Current(User, HttpContext.RequestAborted);
            if (_staff is null)
            {
                context.Result = Challenge(StaffSetup.Scheme);
                return;
            }

            ViewData["StaffEmail"] = _staff.Email.Value;
        }

        await next();
    }

    /// <summary>An error of a use case on the page's form; an authorization refusal answers 404 like every other refusal.</summary>
    protected IActionResult? Refusal(Error error)
    {
        if (error.Code == "auth.forbidden")
        {
            return NotFound();
        }

        ModelState.AddModelError(error.Field is { } f && f.Length > 0 ? FieldKey(f) : string.Empty, error.Message);
        return null;
    }

    /// <summary>Maps a use case's field name to this page's model key (override when the form names differ).</summary>
    protected virtual string FieldKey(string field) => string.Empty;
}
