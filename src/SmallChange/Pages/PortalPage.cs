using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmallChange.Core.Common;
using SmallChange.Portal;

namespace SmallChange.Pages;

/// <summary>What every portal page shares: the signed-in holder, field error state for the markup, and Identity errors.</summary>
public abstract class PortalPage : PageModel
{
    /// <summary>The signed-in holder; null on anonymous pages.</summary>
    public HolderId? Holder => PortalClaimsFactory.HolderOf(User);

    /// <summary><c>"true"</c> when the field has an error (for <c>aria-invalid</c>), otherwise null (the attribute is left out).</summary>
    public string? Invalid(string key) => ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? "true" : null;

    /// <summary>The ids of a field's hint and error message, for <c>aria-describedby</c>.</summary>
    public string? DescribedBy(string key, bool hasHint = false)
    {
        var id = FieldId(key);
        var parts = new List<string>(2);
        if (hasHint)
        {
            parts.Add(id + "-hint");
        }

        if (Invalid(key) is not null)
        {
            parts.Add(id + "-error");
        }

        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    /// <summary>The id the input tag helper gives a model key (<c>Input.Email</c> → <c>Input_Email</c>).</summary>
    public static string FieldId(string key) => key.Replace('.', '_');

    /// <summary>An instant as the portal shows it: UTC, to the minute.</summary>
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Adds Identity's errors to the form: password rules on <paramref name="passwordKey"/>, e-mail problems on <paramref name="emailKey"/>.</summary>
    protected void AddErrors(IdentityResult result, string passwordKey, string? emailKey = null)
    {
        foreach (var e in result.Errors)
        {
            var key = e.Code.StartsWith("Password", StringComparison.Ordinal) ? passwordKey
                : emailKey is not null && e.Code.Contains("Email", StringComparison.Ordinal) ? emailKey
                : string.Empty;
            ModelState.AddModelError(key, e.Description);
        }
    }

    /// <summary>A local address to go back to after signing in; the start page for anything else (no open redirects).</summary>
    protected string SafeReturnUrl(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
