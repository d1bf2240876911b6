using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmallChange.Testing;

/// <summary>A message as the test SMTP server received it: envelope, whether it came over TLS, and the data (dot-stuffing undone).</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data, bool OverTls, string? AuthUser, string? AuthPassword, bool AuthOverTls);

/// <summary>
/// A tiny SMTP server on 127.0.0.1 for tests (RFC 5321, enough of it): EHLO, STARTTLS (with a self-signed certificate
/// when <c>tls</c> is set), implicit TLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, QUIT. Replies can be scripted per
/// command (<see cref="FailNext"/>) to play temporary (4xx) or permanent (5xx) failures. Linked into each test project that needs it.
/// </summary>
public sealed class TestSmtpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string Verb, string Reply)> _failures = new();
    private readonly bool _offerStartTls;
    private readonly bool _implicitTls;
    private readonly Task _loop;

    public TestSmtpServer(bool offerStartTls = false, bool implicitTls = false)
    {
        _offerStartTls = offerStartTls;
        _implicitTls = implicitTls;
        Certificate = offerStartTls || implicitTls ? SelfSigned() : null;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public X509Certificate2? Certificate { get; }

    public ConcurrentQueue<ReceivedMail> Received { get; } = new();

    /// <summary>How many connections were accepted.</summary>
    public int Connections => _connections;

    private int _connections;

    /// <summary>The next time <paramref name="verb"/> (MAIL, RCPT, DATA-END, AUTH, …) arrives, answer <paramref name="reply"/> instead.</summary>
    public void FailNext(string verb, string reply) => _failures.Enqueue((verb, reply));

    /// <summary>A certificate check that trusts exactly this server's certificate.</summary>
    public bool Trust(object sender, X509Certificate? cert, X509Chain? chain, SslPolicyErrors errors) =>
        cert is not null && Certificate is not null && cert.GetCertHashString() == Certificate.GetCertHashString();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await Serve(client.GetStream());
                    }
                    catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
                    {
                    }
                }
            });
        }
    }

    private async Task Serve(Stream raw)
    {
        var stream = raw;
        var tls = false;
        if (_implicitTls)
        {
            stream = await Secure(raw);
            tls = true;
        }

        var (reader, writer) = Open(stream);
        await writer.WriteAsync("220 test.smtp ready\r\n");
        string? from = null, user = null, password = null;
        var authOverTls = false;
        var to = new List<string>();
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            if (verb.StartsWith("MAIL", StringComparison.Ordinal) || verb.StartsWith("RCPT", StringComparison.Ordinal))
            {
                verb = verb[..4];
            }

            if (Scripted(verb) is { } failure)
            {
                await writer.WriteAsync(failure + "\r\n");
                continue;
            }

            switch (verb)
            {
                case "EHLO":
                    await writer.WriteAsync("250-test.smtp\r\n" + (_offerStartTls && !tls ? "250-STARTTLS\r\n" : "") + "250 AUTH PLAIN\r\n");
                    break;
                case "STARTTLS" when _offerStartTls && !tls:
                    await writer.WriteAsync("220 go ahead\r\n");
                    stream = await Secure(raw);
                    tls = true;
                    (reader, writer) = Open(stream);
                    break;
                case "AUTH":
                    var parts = Encoding.UTF8.GetString(Convert.FromBase64String(line.Split(' ')[2])).Split('\0');
                    (user, password, authOverTls) = (parts[1], parts[2], tls);
                    await writer.WriteAsync("235 ok\r\n");
                    break;
                case "MAIL":
                    from = Between(line);
                    to.Clear();
                    await writer.WriteAsync("250 ok\r\n");
                    break;
                case "RCPT":
                    to.Add(Between(line));
                    await writer.WriteAsync("250 ok\r\n");
                    break;
                case "DATA":
                    await writer.WriteAsync("354 end with .\r\n");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(_stop.Token) is { } d && d != ".")
                    {
                        data.Append(d.StartsWith("..", StringComparison.Ordinal) ? d[1..] : d).Append("\r\n");
                    }

                    if (Scripted("DATA-END") is { } late)
                    {
                        await writer.WriteAsync(late + "\r\n");
                        break;
                    }

                    Received.Enqueue(new ReceivedMail(from!, to.ToList(), data.ToString(), tls, user, password, authOverTls));
                    await writer.WriteAsync("250 queued\r\n");
                    break;
                case "QUIT":
                    await writer.WriteAsync("221 bye\r\n");
                    return;
                default:
                    await writer.WriteAsync("502 not implemented\r\n");
                    break;
            }
        }
    }

    private string? Scripted(string verb)
    {
        if (_failures.TryPeek(out var f) && f.Verb == verb && _failures.TryDequeue(out f))
        {
            return f.Reply;
        }

        return null;
    }

    private async Task<Stream> Secure(Stream raw)
    {
        var ssl = new SslStream(raw, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsServerAsync(Certificate!);
        return ssl;
    }

    private static (StreamReader, StreamWriter) Open(Stream s) =>
        (new StreamReader(s, new UTF8Encoding(false), false, 1024, leaveOpen: true), new StreamWriter(s, new UTF8Encoding(false), 1024, leaveOpen: true) { AutoFlush = true, NewLine = "\r\n" });

    private static string Between(string line) => line[(line.IndexOf('<') + 1)..line.LastIndexOf('>')];

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
        Certificate?.Dispose();
        _stop.Dispose();
    }
}
