using System.Text;
using SmallChange.Adapters.Notifications;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Notifications;
using SmallChange.Testing;

namespace SmallChange.Adapters.Tests.Notifications;

/// <summary>The SMTP adapter against a real (tiny, in-test) SMTP server: delivery, TLS, credentials, retries, refusals.</summary>
public sealed class SmtpNotifierTests
{
    private static Notification Mail(string to = "ava@example.com", string subject = "Reset your SmallChange password", string body = "Open this link:\n\nhttp://x/reset?t=1") =>
        new(NotificationId.New(), HolderId.New(), new EmailAddress(to), "account.password_reset", subject, body, NotificationChannels.Mail, DateTimeOffset.UtcNow);

    private static SmtpOptions Options(TestSmtpServer server, SmtpTls tls = SmtpTls.None) => new()
    {
        Host = "127.0.0.1", Port = server.Port, Tls = tls, From = "no-reply@smallchange.test", RetryDelay = TimeSpan.FromMilliseconds(10),
        Timeout = TimeSpan.FromSeconds(10), CertificateValidation = server.Trust,
    };

    [Fact]
    public async Task Send_PlainLocalRelay_DeliversOneMessageWithHeadersAndDotStuffedBody()
    {
        using var server = new TestSmtpServer();
        var n = Mail(body: "first line\n.a line starting with a dot\n.\nlast");

        await new SmtpNotifier(Options(server)).Send(n);

        var m = Assert.Single(server.Received);
        Assert.Equal("no-reply@smallchange.test", m.From);
        Assert.Equal(["ava@example.com"], m.To);
        Assert.Contains("\r\nTo: ava@example.com\r\n", m.Data, StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: Reset your SmallChange password\r\n", m.Data, StringComparison.Ordinal);
        Assert.Contains($"Message-ID: <{n.Id}@smallchange>", m.Data, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nfirst line\r\n.a line starting with a dot\r\n.\r\nlast\r\n", m.Data, StringComparison.Ordinal);
        Assert.False(m.OverTls);
    }

    [Fact]
    public async Task Send_UnicodeSubjectAndBody_EncodedAndDecodesBack()
    {
        using var server = new TestSmtpServer();
        await new SmtpNotifier(Options(server)).Send(Mail(subject: "비밀번호 재설정 — SmallChange", body: "안녕하세요 Ava ✓"));

        var data = Assert.Single(server.Received).Data;
        Assert.Contains("Subject: =?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("비밀번호 재설정 — SmallChange")) + "?=", data, StringComparison.Ordinal);
        Assert.Contains("Content-Transfer-Encoding: base64", data, StringComparison.Ordinal);
        var body = data[(data.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Replace("\r\n", "", StringComparison.Ordinal);
        Assert.Equal("안녕하세요 Ava ✓", Encoding.UTF8.GetString(Convert.FromBase64String(body)));
    }

    [Fact]
    public async Task Send_StartTls_UpgradesBeforeCredentialsAndMail()
    {
        using var server = new TestSmtpServer(offerStartTls: true);
        var options = Options(server, SmtpTls.StartTls) with { UserName = "mailer", Password = "s3cret pass" };

        await new SmtpNotifier(options).Send(Mail());

        var m = Assert.Single(server.Received);
        Assert.True(m.OverTls);
        Assert.True(m.AuthOverTls);
        Assert.Equal(("mailer", "s3cret pass"), (m.AuthUser, m.AuthPassword));
    }

    [Fact]
    public async Task Send_ImplicitTls_Delivered()
    {
        using var server = new TestSmtpServer(implicitTls: true);
        await new SmtpNotifier(Options(server, SmtpTls.Implicit)).Send(Mail());
        Assert.True(Assert.Single(server.Received).OverTls);
    }

    [Fact]
    public async Task Send_StartTlsRequiredButNotOffered_RefusedWithoutSendingAnything()
    {
        using var server = new TestSmtpServer(offerStartTls: false);
        var options = Options(server, SmtpTls.StartTls) with { UserName = "mailer", Password = "s3cret pass" };

        var e = await Assert.ThrowsAsync<SmtpDeliveryException>(() => new SmtpNotifier(options).Send(Mail()));

        Assert.False(e.Transient);
        Assert.Empty(server.Received);
        Assert.Equal(1, server.Connections); // not retried: it would not change
    }

    [Fact]
    public async Task Send_UntrustedCertificate_NotDelivered()
    {
        using var server = new TestSmtpServer(offerStartTls: true);
        var options = Options(server, SmtpTls.StartTls) with { CertificateValidation = null, Attempts = 1 };

        await Assert.ThrowsAsync<SmtpDeliveryException>(() => new SmtpNotifier(options).Send(Mail()));

        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Send_TemporaryFailuresTwice_RetriedAndDeliveredOnce()
    {
        using var server = new TestSmtpServer();
        server.FailNext("RCPT", "451 try again later");
        server.FailNext("DATA-END", "452 insufficient storage");

        await new SmtpNotifier(Options(server)).Send(Mail());

        Assert.Single(server.Received);
        Assert.Equal(3, server.Connections);
    }

    [Fact]
    public async Task Send_PermanentRejection_ThrowsAtOnceWithTheCodeAndNoAddress()
    {
        using var server = new TestSmtpServer();
        server.FailNext("RCPT", "550 no such user ava@example.com");

        var e = await Assert.ThrowsAsync<SmtpDeliveryException>(() => new SmtpNotifier(Options(server)).Send(Mail()));

        Assert.Equal(550, e.ReplyCode);
        Assert.False(e.Transient);
        Assert.DoesNotContain("ava@example.com", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Connections);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Send_TemporaryFailureEveryTime_ThrowsAfterTheAttempts()
    {
        using var server = new TestSmtpServer();
        for (var i = 0; i < 3; i++)
        {
            server.FailNext("MAIL", "421 service not available");
        }

        var e = await Assert.ThrowsAsync<SmtpDeliveryException>(() => new SmtpNotifier(Options(server) with { Attempts = 3 }).Send(Mail()));

        Assert.Equal(421, e.ReplyCode);
        Assert.True(e.Transient);
        Assert.Equal(3, server.Connections);
    }

    [Fact]
    public async Task Send_NothingListening_ThrowsTransientAfterTheAttempts()
    {
        int port;
        using (var probe = new TestSmtpServer())
        {
            port = probe.Port;
        }

        var options = new SmtpOptions { Host = "127.0.0.1", Port = port, Tls = SmtpTls.None, Attempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10) };
        var e = await Assert.ThrowsAsync<SmtpDeliveryException>(() => new SmtpNotifier(options).Send(Mail()));
        Assert.True(e.Transient);
    }

    [Fact]
    public async Task Send_LineBreaksInSubjectOrAddress_NoHeaderOrCommandInjected()
    {
        using var server = new TestSmtpServer();
        await new SmtpNotifier(Options(server)).Send(Mail(subject: "Hello\r\nBcc: victim@example.com"));
        var data = Assert.Single(server.Received).Data;
        Assert.DoesNotContain("\r\nBcc:", data, StringComparison.Ordinal);
        Assert.Contains("Subject: Hello  Bcc: victim@example.com\r\n", data, StringComparison.Ordinal);

        await Assert.ThrowsAsync<SmtpDeliveryException>(() => new SmtpNotifier(Options(server)).Send(Mail(to: "ava@example.com>\r\nRCPT TO:<victim@example.com")));
        Assert.Single(server.Received);
    }

    [Fact]
    public void Options_CredentialsWithoutTlsToARemoteHost_Refused()
    {
        Assert.Throws<ArgumentException>(() => new SmtpNotifier(new SmtpOptions { Host = "mail.example.com", Tls = SmtpTls.None, UserName = "u", Password = "p" }));
        Assert.Throws<ArgumentException>(() => new SmtpNotifier(new SmtpOptions { Host = "mail.example.com", UserName = "u" }));
        var options = new SmtpOptions { Host = "mail.example.com", UserName = "u", Password = "hunter2-very-secret" };
        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
    }
}
