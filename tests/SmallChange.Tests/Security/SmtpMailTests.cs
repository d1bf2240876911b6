using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Adapters.Notifications;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Testing;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>The portal's mails over SMTP when SmallChange:Smtp is configured: delivered to the server, no file written, failures not hidden.</summary>
public sealed class SmtpMailTests
{
    private static async Task<(WebApplication App, IStore Store, string MailFolder, TempDir Dir)> Host(TestSmtpServer smtp)
    {
        var dir = new TempDir("smtp");
        var db = dir.File("smtp.db");
        var store = SqliteStore.Open(db);
        await store.MigrateAsync();
        var mailFolder = dir.File("mail");
        var options = new ServeOptions(db, "http://127.0.0.1:0", RunWorkers: false)
        {
            Portal = new SmallChange.Portal.PortalOptions { MailFolder = mailFolder, AccountPostsPerIpPerMinute = 10_000 },
        };
        var app = SmallChangeHost.Build(options, store, b =>
        {
            b.WebHost.UseTestServer();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SmallChange:Smtp:Host"] = "127.0.0.1",
                ["SmallChange:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
                ["SmallChange:Smtp:Tls"] = "none",
                ["SmallChange:Smtp:From"] = "no-reply@smallchange.test",
            });
        });
        await app.StartAsync();
        return (app, store, mailFolder, dir);
    }

    [Fact]
    public async Task ForgotPassword_SmtpConfigured_ResetLinkArrivesBySmtpAndNoFileIsWritten()
    {
        using var smtp = new TestSmtpServer();
        var (app, store, mailFolder, dir) = await Host(smtp);
        try
        {
            Assert.IsType<SmtpNotifier>(app.Services.GetServices<INotifier>().Single(n => n.Serves == Core.Notifications.NotificationChannels.Mail));
            var email = PortalFixture.NewEmail();
            using var browser = new PortalBrowser(app.GetTestServer());
            using (var signUp = await browser.Submit("/sign-up", new()
                   {
                       ["Input.Email"] = email, ["Input.Name"] = "Ava Thompson", ["Input.Country"] = "US",
                       ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
                   }))
            {
                Assert.Equal(HttpStatusCode.Redirect, signUp.StatusCode);
            }

            using var other = new PortalBrowser(app.GetTestServer());
            using var ask = await other.Submit("/forgot-password", new() { ["Input.Email"] = email });
            Assert.Equal(HttpStatusCode.OK, ask.StatusCode);

            var mails = smtp.Received.Where(m => m.To.SequenceEqual([email])).ToList();
            Assert.Equal(2, mails.Count); // the welcome and the reset link
            Assert.Contains(mails, m => m.Data.Contains("Subject: Reset your SmallChange password", StringComparison.Ordinal) && m.Data.Contains("/reset-password?user=", StringComparison.Ordinal));
            Assert.False(Directory.Exists(mailFolder) && Directory.EnumerateFiles(mailFolder).Any());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await store.DisposeAsync();
            dir.Dispose();
        }
    }

    [Fact]
    public async Task SignUp_SmtpRefusesTheMail_RequestFailsVisiblyNothingDroppedSilently()
    {
        using var smtp = new TestSmtpServer();
        var (app, store, _, dir) = await Host(smtp);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                smtp.FailNext("MAIL", "421 closing");
            }

            using var browser = new PortalBrowser(app.GetTestServer());
            using var signUp = await browser.Submit("/sign-up", new()
            {
                ["Input.Email"] = PortalFixture.NewEmail(), ["Input.Name"] = "Ava Thompson", ["Input.Country"] = "US",
                ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
            });

            Assert.Equal(HttpStatusCode.InternalServerError, signUp.StatusCode);
            Assert.Empty(smtp.Received);
            Assert.Equal(3, smtp.Connections); // tried three times
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await store.DisposeAsync();
            dir.Dispose();
        }
    }

    [Fact]
    public void SmtpFrom_Configuration_PasswordFromFileAndDefaultsAndErrors()
    {
        using var dir = new TempDir("smtp-config");
        var secretFile = dir.File("smtp-password");
        File.WriteAllText(secretFile, "from-a-file\n");
        IConfiguration Config(params (string, string)[] values) =>
            new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => "SmallChange:Smtp:" + v.Item1, v => (string?)v.Item2)).Build();

        Assert.Null(MailChannel.SmtpFrom(Config()));
        var s = MailChannel.SmtpFrom(Config(("Host", "mail.example.com"), ("UserName", "mailer"), ("PasswordFile", secretFile)))!;
        Assert.Equal(("mail.example.com", 587, SmtpTls.StartTls, "mailer", "from-a-file"), (s.Host, s.Port, s.Tls, s.UserName, s.Password));
        Assert.Equal(465, MailChannel.SmtpFrom(Config(("Host", "mail.example.com"), ("Tls", "implicit")))!.Port);
        Assert.Throws<ConfigurationException>(() => MailChannel.SmtpFrom(Config(("Host", "mail.example.com"), ("Tls", "sometimes"))));
        Assert.Throws<ConfigurationException>(() => MailChannel.SmtpFrom(Config(("Host", "mail.example.com"), ("Tls", "none"), ("UserName", "u"), ("Password", "p"))));
        Assert.Throws<ConfigurationException>(() => MailChannel.SmtpFrom(Config(("Host", "mail.example.com"), ("Port", "99999"))));
    }
}
