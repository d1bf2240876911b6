using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Common;

namespace SmallChange.Core.Webhooks;

/// <summary>
/// How webhooks are signed, in both directions: <c>HMAC-SHA256(secret, timestamp + "." + body)</c> in lower-case hex,
/// sent as <c>SmallChange-Signature: v1=HEX</c> (several <c>v1=</c> values, comma-separated, while a secret is being
/// rotated) with <c>SmallChange-Timestamp: UNIX-SECONDS</c>. A receiver accepts a message when one signature matches
/// one of its secrets and the timestamp is within <see cref="ReplayWindow"/> of its clock; the event id inside the
/// signed body is then remembered so that the same message cannot be replayed within the window either.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "SmallChange-Timestamp";
    public const string SignatureHeader = "SmallChange-Signature";
    public const string EventIdHeader = "SmallChange-Event-Id";
    public const string Scheme = "v1";

    /// <summary>How far a message's timestamp may be from the receiver's clock, either way.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    /// <summary>At most this many signatures are looked at in one header.</summary>
    private const int MaxSignatures = 8;

    /// <summary>The signature of <paramref name="body"/> sent at <paramref name="timestamp"/> (Unix seconds), lower-case hex.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[32];
        Mac(secret, timestamp, body, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>The signature header for <paramref name="body"/>: one <c>v1=</c> value per secret.</summary>
    public static string Header(IEnumerable<string> secrets, long timestamp, ReadOnlySpan<byte> body)
    {
        var parts = new List<string>();
        foreach (var s in secrets)
        {
            parts.Add($"{Scheme}={Sign(s, timestamp, body)}");
        }

        return string.Join(", ", parts);
    }

    /// <summary>
    /// Checks a received message: the timestamp header is a Unix time within <see cref="ReplayWindow"/> of
    /// <paramref name="now"/>, and a <c>v1</c> signature in the signature header matches one of
    /// <paramref name="secrets"/> (compared in constant time). Returns the message's time, or why it is refused.
    /// </summary>
    public static Result<DateTimeOffset> Verify(IReadOnlyCollection<string> secrets, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(timestampHeader) || string.IsNullOrWhiteSpace(signatureHeader))
        {
            return new Error("webhook.signature_missing", $"Send {TimestampHeader} and {SignatureHeader} headers.");
        }

        if (!long.TryParse(timestampHeader.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ts) || ts > 253_402_300_799)
        {
            return new Error("webhook.timestamp_invalid", $"{TimestampHeader} is the time of sending in whole seconds since 1970-01-01 UTC.");
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(ts);
        if ((now - sent).Duration() > ReplayWindow)
        {
            return new Error("webhook.timestamp_out_of_window", $"The message was signed more than {ReplayWindow.TotalMinutes} minutes from now: refused as a possible replay.");
        }

        Span<byte> presented = stackalloc byte[32];
        Span<byte> expected = stackalloc byte[32];
        var match = false;
        var seen = 0;
        foreach (var range in signatureHeader.AsSpan().Split(','))
        {
            if (++seen > MaxSignatures)
            {
                break;
            }

            var part = signatureHeader.AsSpan()[range].Trim();
            if (!part.StartsWith(Scheme + "=", StringComparison.Ordinal) || part.Length != Scheme.Length + 1 + 64
                || Convert.FromHexString(part[(Scheme.Length + 1)..], presented, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
            {
                continue;
            }

            foreach (var secret in secrets)
            {
                Mac(secret, ts, body, expected);
                match |= CryptographicOperations.FixedTimeEquals(expected, presented);
            }
        }

        return match ? sent : new Error("webhook.signature_invalid", "No signature matches this provider's secret for this body and timestamp.");
    }

    private static void Mac(string secret, long timestamp, ReadOnlySpan<byte> body, Span<byte> into)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        Span<byte> prefix = stackalloc byte[24];
        timestamp.TryFormat(prefix, out var n, default, CultureInfo.InvariantCulture);
        prefix[n++] = (byte)'.';
        hmac.AppendData(prefix[..n]);
        hmac.AppendData(body);
        hmac.GetHashAndReset(into);
    }
}
