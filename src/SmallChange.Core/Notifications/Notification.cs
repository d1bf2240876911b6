using SmallChange.Core.Common;
using SmallChange.Core.Identity;

namespace SmallChange.Core.Notifications;

public readonly record struct NotificationId(Guid Value)
{
    public static NotificationId New() => new(Uuid7.New());

    public override string ToString() => Value.ToString();
}

/// <summary>Where a notification goes. A message that carries a secret (a password-reset link) goes by mail only.</summary>
[Flags]
public enum NotificationChannels
{
    None = 0,

    /// <summary>The holder's in-app inbox (stored; read after signing in).</summary>
    Inbox = 1,

    /// <summary>The holder's e-mail address (a file per message, or SMTP).</summary>
    Mail = 2,
}

/// <summary>
/// A message to one holder. <see cref="Kind"/> is a stable code (<c>account.password_reset</c>, <c>security.password_changed</c>);
/// <see cref="Subject"/> and <see cref="Body"/> are plain text. The address and the body can hold personal data or a
/// secret, so <see cref="ToString"/> shows neither.
/// </summary>
public sealed record Notification(
    NotificationId Id,
    HolderId Holder,
    EmailAddress? To,
    string Kind,
    string Subject,
    string Body,
    NotificationChannels Channels,
    DateTimeOffset CreatedAt)
{
    public override string ToString() => $"Notification {{ Id = {Id}, Holder = {Holder}, Kind = {Kind}, Channels = {Channels} }}";
}

/// <summary>A notification as kept in the holder's inbox.</summary>
public sealed record InboxMessage(
    NotificationId Id,
    HolderId Holder,
    string Kind,
    string Subject,
    string Body,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt)
{
    public override string ToString() => $"InboxMessage {{ Id = {Id}, Holder = {Holder}, Kind = {Kind} }}";
}
