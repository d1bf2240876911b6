using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;

namespace SmallChange.Portal;

/// <summary>
/// The portal's side of the activity log (issue 4, point 4): who did what from where. Every entry carries the client's
/// IP address and a summary of its user agent (<see cref="DeviceSummary"/>). A sign-in from a device the account has
/// not signed in from before alerts the holder (inbox and mail). A device is a browser: a random id in a long-lived
/// cookie (<c>sc_device</c>) together with the browser and system family; the store keeps only a SHA-256 hash of the two.
/// </summary>
public sealed class PortalActivity(IStore store, ActivityLog activity, PortalNotices notices, TimeProvider clock)
{
    public const string DeviceCookie = "sc_device";

    /// <summary>Where a request comes from, as the activity log shows it.</summary>
    public static ClientInfo Client(HttpContext http) =>
        new(http.Connection.RemoteIpAddress?.ToString(), DeviceSummary.Of(http.Request.Headers.UserAgent.ToString()));

    public Task Record(PortalAccount user, string kind, HttpContext http, string? detail = null) =>
        activity.Record(user.Data.Holder, kind, Client(http), detail, http.RequestAborted);

    /// <summary>
    /// Records a completed sign-in (after the second factor, when there is one) and alerts the holder when it is the
    /// first from this device. <paramref name="how"/> says which factors were used.
    /// </summary>
    public async Task SignedIn(PortalAccount user, HttpContext http, string how)
    {
        var client = Client(http);
        var fingerprint = Fingerprint(http, client.Device!);
        var now = clock.GetUtcNow();
        var isNew = await store.WriteAsync(tx => tx.RememberDevice(user.Data.Id, fingerprint, now), http.RequestAborted);
        await activity.Record(user.Data.Holder, ActivityKinds.SignIn, client, isNew ? $"{how}; first sign-in from this device" : how, http.RequestAborted);
        if (isNew)
        {
            await notices.NewDevice(user, client, now, http.RequestAborted);
        }
    }

    /// <summary>Remembers the device an account was created (or claimed) on, without an alert: it is the holder's own first device.</summary>
    public async Task FirstDevice(PortalAccount user, HttpContext http, string kind)
    {
        var client = Client(http);
        await store.WriteAsync(tx => tx.RememberDevice(user.Data.Id, Fingerprint(http, client.Device!), clock.GetUtcNow()), http.RequestAborted);
        await activity.Record(user.Data.Holder, kind, client, null, http.RequestAborted);
    }

    /// <summary>The device's fingerprint: SHA-256 of the device cookie (set here when missing) and the device summary.</summary>
    private static byte[] Fingerprint(HttpContext http, string device)
    {
        var id = http.Request.Cookies[DeviceCookie];
        if (id is null || id.Length != 22 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
            http.Response.Cookies.Append(DeviceCookie, id, new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = http.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(400),
                Path = "/",
            });
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes($"{id}\n{device}"));
    }
}
