using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Notifications;

/// <summary>How the SMTP connection is protected.</summary>
public enum SmtpTls
{
    /// <summary>Plain text (only for a relay on this machine; credentials are then refused unless the host is a loopback address).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS before anything else is sent (usually port 587). A server that does not offer it is refused.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    Implicit,
}

/// <summary>
/// Where and how mail is sent. Comes from configuration or the environment (<c>SmallChange__Smtp__Host</c>,
/// <c>…__Password</c> or <c>…__PasswordFile</c>), never from the repository; <see cref="ToString"/> shows no password.
/// </summary>
public sealed record SmtpOptions
{
    public required string Host { get; init; }

    public int Port { get; init; } = 587;

    public SmtpTls Tls { get; init; } = SmtpTls.StartTls;

    public string? UserName { get; init; }

    public string? Password { get; init; }

    /// <summary>The envelope and header sender.</summary>
    public string From { get; init; } = "no-reply@smallchange.invalid";

    /// <summary>The name this client gives in EHLO.</summary>
    public string ClientName { get; init; } = "smallchange.local";

    /// <summary>How long one attempt may take, connection to QUIT.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per message: a temporary failure (no connection, a 4xx reply, a timeout) is retried; a 5xx reply is not.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The wait before the second attempt, doubled before each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The server certificate check; null for the system's (a valid chain for <see cref="Host"/>). Tests trust their own.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    public override string ToString() => $"SmtpOptions {{ Host = {Host}, Port = {Port}, Tls = {Tls}, UserName = {(UserName is null ? "none" : "set")}, Password = {(Password is null ? "none" : "[redacted]")} }}";
}

/// <summary>The SMTP server refused a message, or could not be reached, after every attempt. The message names no address.</summary>
public sealed class SmtpDeliveryException(string message, int? replyCode, bool transient, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The server's last reply code (e.g. 451, 550), if it answered.</summary>
    public int? ReplyCode { get; } = replyCode;

    /// <summary>Whether the last failure was temporary (worth another try later).</summary>
    public bool Transient { get; } = transient;
}

/// <summary>
/// The mail channel over SMTP: a minimal client over <see cref="TcpClient"/> (RFC 5321: EHLO, STARTTLS, AUTH PLAIN,
/// MAIL, RCPT, DATA with dot-stuffing, QUIT) sending one plain-text UTF-8 message per notification, the same message
/// the file adapter writes. TLS is never silently skipped: with <see cref="SmtpTls.StartTls"/> a server that does not
/// offer it is refused before credentials or mail are sent. Temporary failures are retried (<see cref="SmtpOptions.Attempts"/>);
/// when every attempt fails, <see cref="Send"/> throws <see cref="SmtpDeliveryException"/>: nothing is dropped silently.
/// </summary>
public sealed class SmtpNotifier : INotifier
{
    private readonly SmtpOptions _options;
    private readonly TimeProvider _clock;

    public SmtpNotifier(SmtpOptions options, TimeProvider? clock = null)
    {
        if ((options.UserName is null) != (options.Password is null))
        {
            throw new ArgumentException("SMTP user name and password go together.", nameof(options));
        }

        if (options.UserName is not null && options.Tls == SmtpTls.None && !IsLoopback(options.Host))
        {
            throw new ArgumentException("SMTP credentials are only sent over TLS (or to a relay on this machine).", nameof(options));
        }

        if (!Address.IsValid(options.From))
        {
            throw new ArgumentException("The SMTP sender address is not valid.", nameof(options));
        }

        _options = options;
        _clock = clock ?? TimeProvider.System;
    }

    public NotificationChannels Serves => NotificationChannels.Mail;

    public async Task Send(Notification n, CancellationToken ct = default)
    {
        if (n.To is not { } to || !Address.IsValid(to.Value))
        {
            throw new SmtpDeliveryException($"Notification {n.Id} ({n.Kind}) has no address a mail can be sent to.", null, transient: false);
        }

        var message = Render(n, to.Value);
        SmtpDeliveryException? last = null;
        for (var attempt = 1; attempt <= Math.Max(1, _options.Attempts); attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(_options.RetryDelay * Math.Pow(2, attempt - 2), _clock, ct);
            }

            try
            {
                await Deliver(to.Value, message, ct);
                return;
            }
            catch (SmtpDeliveryException e) when (e.Transient)
            {
                last = e;
            }
            catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                last = new SmtpDeliveryException($"The SMTP server could not be reached or dropped the connection ({e.GetType().Name}).", null, transient: true, e);
            }
        }

        throw new SmtpDeliveryException($"Notification {n.Id} ({n.Kind}) was not sent after {_options.Attempts} attempts: {last!.Message}", last.ReplyCode, transient: true, last);
    }

    /// <summary>The message as sent (headers and body, CRLF line ends), before dot-stuffing.</summary>
    internal string Render(Notification n, string to)
    {
        var body = n.Body.ReplaceLineEndings("\r\n");
        var ascii = body.All(char.IsAscii);
        return new StringBuilder()
            .Append("Message-ID: <").Append(n.Id).Append("@smallchange>\r\n")
            .Append("Date: ").Append(n.CreatedAt.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("From: SmallChange <").Append(_options.From).Append(">\r\n")
            .Append("To: ").Append(to).Append("\r\n")
            .Append("Subject: ").Append(EncodedWord(n.Subject)).Append("\r\n")
            .Append("X-SmallChange-Kind: ").Append(OneLine(n.Kind)).Append("\r\n")
            .Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n")
            .Append(ascii ? "Content-Transfer-Encoding: 7bit\r\n\r\n" : "Content-Transfer-Encoding: base64\r\n\r\n")
            .Append(ascii ? body : Base64Lines(Encoding.UTF8.GetBytes(body)))
            .Append("\r\n")
            .ToString();
    }

    private async Task Deliver(string to, string message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var token = timeout.Token;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_options.Host, _options.Port, token);
        Stream stream = tcp.GetStream();
        try
        {
            stream = await Converse(stream, to, message, token);
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>The conversation; returns the stream it ended on (TLS-wrapped or not) for the caller to dispose.</summary>
    private async Task<Stream> Converse(Stream stream, string to, string message, CancellationToken token)
    {
        if (_options.Tls == SmtpTls.Implicit)
        {
            stream = await Secure(stream, token);
        }

        var session = new Session(stream);
        await session.Expect(220, token);
        var capabilities = await session.Command($"EHLO {_options.ClientName}", 250, token);
        if (_options.Tls == SmtpTls.StartTls)
        {
            if (!capabilities.Any(c => c.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))
            {
                throw new SmtpDeliveryException("The SMTP server does not offer STARTTLS; nothing was sent in the clear.", null, transient: false);
            }

            await session.Command("STARTTLS", 220, token);
            stream = await Secure(stream, token);
            session = new Session(stream);
            capabilities = await session.Command($"EHLO {_options.ClientName}", 250, token);
        }

        if (_options.UserName is { } user)
        {
            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{_options.Password}"));
            await session.Command($"AUTH PLAIN {plain}", 235, token);
        }

        await session.Command($"MAIL FROM:<{_options.From}>", 250, token);
        await session.Command($"RCPT TO:<{to}>", 250, token, alsoOk: 251);
        await session.Command("DATA", 354, token);
        await session.Command(DotStuffed(message) + ".", 250, token);
        try
        {
            await session.Command("QUIT", 221, token);
        }
        catch (Exception e) when (e is SmtpDeliveryException or IOException)
        {
            // The message was accepted (250 after DATA); a server that hangs up on QUIT changes nothing.
        }

        return stream;
    }

    private async Task<Stream> Secure(Stream inner, CancellationToken ct)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, _options.CertificateValidation);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = _options.Host, EnabledSslProtocols = SslProtocols.None }, ct);
        return ssl;
    }

    /// <summary>Lines that start with a dot get a second one (RFC 5321 §4.5.2), and the data ends with CRLF.</summary>
    private static string DotStuffed(string message)
    {
        var lines = message.Split("\r\n");
        var sb = new StringBuilder(message.Length + 16);
        for (var i = 0; i < lines.Length; i++)
        {
            if (i == lines.Length - 1 && lines[i].Length == 0)
            {
                break;
            }

            sb.Append(lines[i].StartsWith('.') ? "." : "").Append(lines[i]).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>A header value on one line (control characters become spaces, so no header can be injected).</summary>
    private static string OneLine(string value) => string.Concat(value.Select(c => char.IsControl(c) ? ' ' : c));

    /// <summary>A header value as an RFC 2047 encoded word when it is not plain ASCII.</summary>
    private static string EncodedWord(string value)
    {
        var line = OneLine(value);
        return line.All(char.IsAscii) ? line : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(line))}?=";
    }

    private static string Base64Lines(byte[] bytes)
    {
        var text = Convert.ToBase64String(bytes);
        var sb = new StringBuilder(text.Length + (text.Length / 38));
        for (var i = 0; i < text.Length; i += 76)
        {
            sb.Append(text.AsSpan(i, Math.Min(76, text.Length - i))).Append("\r\n");
        }

        return sb.ToString().TrimEnd('\r', '\n');
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>What may stand between &lt; and &gt; in MAIL FROM and RCPT TO: one address, no spaces, brackets or control characters.</summary>
    private static class Address
    {
        public static bool IsValid(string a) =>
            a.Length is > 2 and <= 254 && a.IndexOf('@') > 0 && a.IndexOf('@') < a.Length - 1 && !a.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or '"');
    }

    /// <summary>One SMTP conversation over a stream: commands out, (multi-line) replies in.</summary>
    private sealed class Session(Stream stream)
    {
        private readonly StreamReader _reader = new(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 1024, leaveOpen: true);

        public async Task<List<string>> Command(string line, int expected, CancellationToken ct, int? alsoOk = null)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), ct);
            await stream.FlushAsync(ct);
            return await Expect(expected, ct, alsoOk);
        }

        /// <summary>Reads one reply; returns its lines' texts (the EHLO capabilities) when its code is the expected one, else throws.</summary>
        public async Task<List<string>> Expect(int expected, CancellationToken ct, int? alsoOk = null)
        {
            var texts = new List<string>();
            int code;
            while (true)
            {
                var line = await _reader.ReadLineAsync(ct) ?? throw new IOException("The SMTP server closed the connection.");
                if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out code))
                {
                    throw new SmtpDeliveryException("The SMTP server sent something that is not a reply.", null, transient: true);
                }

                texts.Add(line.Length > 4 ? line[4..].Trim() : "");
                if (line.Length == 3 || line[3] != '-')
                {
                    break;
                }
            }

            if (code != expected && code != alsoOk)
            {
                // Only the code goes into the message: the text may echo an address.
                throw new SmtpDeliveryException($"The SMTP server answered {code} where {expected} was expected.", code, transient: code is >= 400 and < 500);
            }

            return texts;
        }
    }
}
