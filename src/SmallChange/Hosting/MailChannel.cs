using System.Globalization;
using SmallChange.Adapters.Notifications;
using SmallChange.Core.Ports;

namespace SmallChange.Hosting;

/// <summary>
/// Which adapter serves the mail channel: SMTP when <c>SmallChange:Smtp:Host</c> is configured, otherwise one
/// <c>.eml</c> file per message in the mail folder. SMTP settings come from configuration or the environment only —
/// <c>SmallChange__Smtp__Host</c>, <c>__Port</c> (default 587), <c>__Tls</c> (<c>starttls</c> (default), <c>implicit</c>
/// or <c>none</c>), <c>__UserName</c>, <c>__Password</c> or <c>__PasswordFile</c> (a file holding it, e.g. a container
/// secret), <c>__From</c> — never from a file in the repository.
/// </summary>
public static class MailChannel
{
    public static INotifier Create(IConfiguration config, string mailFolder, TimeProvider clock) =>
        SmtpFrom(config) is { } smtp ? new SmtpNotifier(smtp, clock) : new FileNotifier(mailFolder);

    /// <summary>The SMTP settings in <paramref name="config"/>, or null when no host is set.</summary>
    public static SmtpOptions? SmtpFrom(IConfiguration config)
    {
        var s = config.GetSection("SmallChange:Smtp");
        if (string.IsNullOrWhiteSpace(s["Host"]))
        {
            return null;
        }

        var password = s["Password"];
        if (password is null && s["PasswordFile"] is { Length: > 0 } file)
        {
            password = File.Exists(file) ? File.ReadAllText(file).TrimEnd('\r', '\n') : throw new ConfigurationException("SmallChange:Smtp:PasswordFile names a file that does not exist.");
        }

        var options = new SmtpOptions
        {
            Host = s["Host"]!.Trim(),
            Tls = s["Tls"]?.Trim().ToLowerInvariant() switch
            {
                null or "" or "starttls" => SmtpTls.StartTls,
                "implicit" => SmtpTls.Implicit,
                "none" => SmtpTls.None,
                _ => throw new ConfigurationException("SmallChange:Smtp:Tls is starttls, implicit or none."),
            },
            UserName = s["UserName"] is { Length: > 0 } u ? u : null,
            Password = password is { Length: > 0 } ? password : null,
        };
        options = options with
        {
            Port = s["Port"] is { } p
                ? int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : throw new ConfigurationException("SmallChange:Smtp:Port is a TCP port number.")
                : options.Tls == SmtpTls.Implicit ? 465 : options.Tls == SmtpTls.None ? 25 : 587,
            From = s["From"] is { Length: > 0 } from ? from : options.From,
        };
        try
        {
            _ = new SmtpNotifier(options); // checks the combination (credentials only over TLS, a valid sender)
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"SmallChange:Smtp: {e.Message.Split(" (Parameter", 2)[0]}");
        }

        return options;
    }
}
