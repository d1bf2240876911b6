using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Webhooks;

namespace SmallChange.Core.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test-secret";
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly long Ts = Now.ToUnixTimeSeconds();
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"type\":\"payout.paid\"}");

    [Fact]
    public void Sign_KnownInput_IsHmacSha256OfTimestampDotBody()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{Ts}.").Concat(Body).ToArray()));
        Assert.Equal(expected, WebhookSignature.Sign(Secret, Ts, Body));
    }

    [Fact]
    public void Verify_OwnSignature_AcceptedWithItsTime()
    {
        var header = WebhookSignature.Header([Secret], Ts, Body);
        var r = WebhookSignature.Verify([Secret], Ts.ToString(System.Globalization.CultureInfo.InvariantCulture), header, Body, Now.AddMinutes(4));
        Assert.True(r.IsOk, r.Error?.ToString());
        Assert.Equal(Now, r.Value);
    }

    [Fact]
    public void Verify_ChangedBodyOrOtherSecretOrOtherTimestamp_SignatureInvalid()
    {
        var header = WebhookSignature.Header([Secret], Ts, Body);
        var tampered = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"type\":\"payout.failed\"}");
        Assert.Equal("webhook.signature_invalid", WebhookSignature.Verify([Secret], $"{Ts}", header, tampered, Now).Error?.Code);
        Assert.Equal("webhook.signature_invalid", WebhookSignature.Verify(["whsec_other"], $"{Ts}", header, Body, Now).Error?.Code);
        // The same signature under a fresher timestamp (a replay re-dated) does not match.
        Assert.Equal("webhook.signature_invalid", WebhookSignature.Verify([Secret], $"{Ts + 60}", header, Body, Now).Error?.Code);
        var resigned = WebhookSignature.Header(["whsec_attacker"], Ts, tampered);
        Assert.Equal("webhook.signature_invalid", WebhookSignature.Verify([Secret], $"{Ts}", resigned, tampered, Now).Error?.Code);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Verify_TimestampOutsideFiveMinutes_Refused(int offsetSeconds)
    {
        var sentAt = Ts + offsetSeconds;
        var header = WebhookSignature.Header([Secret], sentAt, Body);
        Assert.Equal("webhook.timestamp_out_of_window", WebhookSignature.Verify([Secret], $"{sentAt}", header, Body, Now).Error?.Code);
        Assert.True(WebhookSignature.Verify([Secret], $"{Ts + (offsetSeconds / 301 * 300)}", WebhookSignature.Header([Secret], Ts + (offsetSeconds / 301 * 300), Body), Body, Now).IsOk);
    }

    [Fact]
    public void Verify_SeveralSignaturesDuringRotation_AnyMatchingSecretAccepted()
    {
        var header = WebhookSignature.Header(["whsec_new", Secret], Ts, Body);
        Assert.StartsWith("v1=", header, StringComparison.Ordinal);
        Assert.Contains(", v1=", header, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify([Secret], $"{Ts}", header, Body, Now).IsOk);
        Assert.True(WebhookSignature.Verify(["whsec_new"], $"{Ts}", header, Body, Now).IsOk);
        Assert.True(WebhookSignature.Verify(["whsec_unrelated", "whsec_new"], $"{Ts}", WebhookSignature.Header(["whsec_new"], Ts, Body), Body, Now).IsOk);
    }

    [Theory]
    [InlineData(null, "v1=00", "webhook.signature_missing")]
    [InlineData("1793523600", null, "webhook.signature_missing")]
    [InlineData("soon", "v1=00", "webhook.timestamp_invalid")]
    [InlineData("-5", "v1=00", "webhook.timestamp_invalid")]
    [InlineData("1793523600", "v1=zz", "webhook.signature_invalid")]
    [InlineData("1793523600", "v0=0000000000000000000000000000000000000000000000000000000000000000", "webhook.signature_invalid")]
    public void Verify_MalformedHeaders_RefusedWithReason(string? timestamp, string? signature, string code)
    {
        Assert.Equal(code, WebhookSignature.Verify([Secret], timestamp, signature, Body, DateTimeOffset.FromUnixTimeSeconds(1_793_523_600)).Error?.Code);
    }

    [Fact]
    public void WebhookEventId_For_SameNameSameIdOtherNameOtherId()
    {
        Assert.Equal(WebhookEventId.For("cashout/1/paid"), WebhookEventId.For("cashout/1/paid"));
        Assert.NotEqual(WebhookEventId.For("cashout/1/paid"), WebhookEventId.For("cashout/1/failed"));
        Assert.Equal(8, WebhookEventId.For("x").Value.Version);
    }
}
