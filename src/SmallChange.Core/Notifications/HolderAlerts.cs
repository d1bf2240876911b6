using SmallChange.Core.Common;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Notifications;

/// <summary>
/// Security alerts to a holder (new device, new destination, password or two-factor change, each cash-out): to the
/// in-app inbox always, and by mail to the portal account's address when the holder has one (a holder an operator
/// created without a portal login has no address). Alerts are written for the holder: never a secret, never a full
/// account number. Sending fails loudly (<see cref="NotificationFanOut"/>).
/// </summary>
public sealed class HolderAlerts(IStore store, NotificationFanOut notifier, TimeProvider clock)
{
    public async Task Send(HolderId holder, string kind, string subject, string body, CancellationToken ct = default)
    {
        var user = await store.ReadAsync(r => r.FindPortalUserByHolder(holder), ct);
        var channels = user is null ? NotificationChannels.Inbox : NotificationChannels.Inbox | NotificationChannels.Mail;
        await notifier.Send(new Notification(NotificationId.New(), holder, user?.Email, kind, subject, body, channels, clock.GetUtcNow()), ct);
    }
}
