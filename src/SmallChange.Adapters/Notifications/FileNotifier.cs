using System.Globalization;
using System.Text;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Notifications;

/// <summary>
/// The mail channel as files: one RFC 5322 message (<c>.eml</c>, plain text, UTF-8) per notification in one folder,
/// named by time and id so that they sort in order. A message is written to a temporary name and renamed, so a reader
/// never sees half of one; on Unix only the owner can read it (it may carry a password-reset link). A failure to write
/// throws: nothing is dropped silently. An SMTP adapter can serve the same channel later.
/// </summary>
public sealed class FileNotifier(string folder) : INotifier
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public NotificationChannels Serves => NotificationChannels.Mail;

    public async Task Send(Notification n, CancellationToken ct = default)
    {
        if (n.To is not { } to)
        {
            throw new InvalidOperationException($"Notification {n.Id} ({n.Kind}) is for the mail channel but has no address.");
        }

        Directory.CreateDirectory(Folder);
        var name = $"{n.CreatedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}-{n.Id}.eml";
        var final = Path.Combine(Folder, name);
        var temp = final + ".tmp";
        var text = new StringBuilder()
            .Append("Message-ID: <").Append(n.Id).Append("@smallchange>\r\n")
            .Append("Date: ").Append(n.CreatedAt.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("From: SmallChange <no-reply@smallchange.invalid>\r\n")
            .Append("To: ").Append(Header(to.Value)).Append("\r\n")
            .Append("Subject: ").Append(Header(n.Subject)).Append("\r\n")
            .Append("X-SmallChange-Kind: ").Append(Header(n.Kind)).Append("\r\n")
            .Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .Append(n.Body.ReplaceLineEndings("\r\n")).Append("\r\n")
            .ToString();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temp, options))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        }

        File.Move(temp, final);
    }

    /// <summary>A header value on one line: control characters (CR, LF) become spaces, so no header can be injected.</summary>
    private static string Header(string value) => string.Concat(value.Select(c => char.IsControl(c) ? ' ' : c));
}
