namespace SmallChange.Portal;

/// <summary>
/// A short, stable summary of a browser's user agent for the activity log and alerts: the browser family and the
/// operating system, without versions ("Firefox on Linux", "Safari on iPhone"). Versions are left out so that a
/// browser update is not a new device.
/// </summary>
public static class DeviceSummary
{
    public const string Unknown = "unknown device";

    public static string Of(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return Unknown;
        }

        var ua = userAgent;
        bool Has(string s) => ua.Contains(s, StringComparison.OrdinalIgnoreCase);
        var browser =
            Has("Edg/") || Has("Edge/") ? "Edge"
            : Has("OPR/") || Has("Opera") ? "Opera"
            : Has("SamsungBrowser") ? "Samsung Internet"
            : Has("Firefox/") || Has("FxiOS") ? "Firefox"
            : Has("Chrome/") || Has("Chromium/") || Has("CriOS") ? "Chrome"
            : Has("Safari/") ? "Safari"
            : Has("curl/") ? "curl"
            : "a browser";
        var os =
            Has("iPhone") ? "iPhone"
            : Has("iPad") ? "iPad"
            : Has("Android") ? "Android"
            : Has("Windows") ? "Windows"
            : Has("CrOS") ? "ChromeOS"
            : Has("Mac OS X") || Has("Macintosh") ? "macOS"
            : Has("Linux") ? "Linux"
            : null;
        return os is null ? browser : $"{browser} on {os}";
    }
}
