using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Common;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages;

/// <summary>
/// A page whose form takes a sensitive action (a cash-out, adding or cancelling a destination): it shows whether
/// two-factor sign-in is on, and asks for a step-up code when the session has no step-up that still holds. The action
/// itself goes through <see cref="HolderActions"/>, which checks the step-up again in Core.
/// </summary>
public abstract class MoneyPage(StepUpVerifier stepUp) : PortalPage
{
    public const string StepUpKey = nameof(StepUpCode);

    /// <summary>The code typed into the step-up field (6 digits, or a recovery code).</summary>
    [BindProperty]
    public string? StepUpCode { get; set; }

    public bool TwoFactorOn { get; private set; }

    /// <summary>Until when this session's step-up holds; null when a code is needed.</summary>
    public DateTimeOffset? StepUpUntil { get; private set; }

    public bool StepUpNeeded => StepUpUntil is null;

    /// <summary>The session; null for a session from before session ids (it is asked to sign in again).</summary>
    protected PortalSession? Session => PortalSessions.Of(HttpContext);

    /// <summary>Reads the two-factor and step-up state of the session.</summary>
    protected async Task LoadSecurity()
    {
        if (Session is { } s)
        {
            (TwoFactorOn, StepUpUntil) = await stepUp.State(s, HttpContext.RequestAborted);
        }
    }

    /// <summary>
    /// When the session needs a step-up and a code was typed, checks it (the error goes by the code field). True when
    /// the action may go ahead as far as the page can tell; Core checks again.
    /// </summary>
    protected async Task<bool> StepUpIfNeeded()
    {
        await LoadSecurity();
        if (!StepUpNeeded || !TwoFactorOn || Session is not { } s)
        {
            return true;
        }

        if (await stepUp.Verify(s, StepUpCode, HttpContext) is { } problem)
        {
            ModelState.AddModelError(StepUpKey, problem);
            return false;
        }

        StepUpCode = null;
        await LoadSecurity();
        return true;
    }

    /// <summary>Shows an error from an action on the form: by its field when the page has one, otherwise at the top.</summary>
    protected void AddError(Error e, Func<string?, string?>? fieldKey = null)
    {
        var key = e.Code == StepUpGate.StepUpRequiredCode ? StepUpKey : fieldKey?.Invoke(e.Field) ?? string.Empty;
        ModelState.AddModelError(key, e.Message);
    }
}
