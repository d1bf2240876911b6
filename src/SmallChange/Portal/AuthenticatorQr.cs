using QRCoder;

namespace SmallChange.Portal;

/// <summary>The enrolment QR code for an authenticator app: an <c>otpauth://totp/</c> URI (Google Authenticator's key URI format) drawn as inline SVG.</summary>
public static class AuthenticatorQr
{
    public const string Issuer = "SmallChange";

    public static string Uri(string accountLabel, string base32Secret) =>
        $"otpauth://totp/{Issuer}:{System.Uri.EscapeDataString(accountLabel)}?secret={base32Secret}&issuer={Issuer}&digits=6&period=30";

    /// <summary>An SVG element that scales with CSS (viewBox), dark modules on white, with its quiet zone.</summary>
    public static string Svg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    /// <summary>The secret in groups of four, for typing into an app by hand.</summary>
    public static string Grouped(string base32Secret) =>
        string.Join(' ', Enumerable.Range(0, (base32Secret.Length + 3) / 4).Select(i => base32Secret.Substring(i * 4, Math.Min(4, base32Secret.Length - (i * 4))))).ToLowerInvariant();
}
