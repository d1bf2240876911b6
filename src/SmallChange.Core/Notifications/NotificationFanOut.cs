using SmallChange.Core.Ports;

namespace SmallChange.Core.Notifications;

/// <summary>
/// Sends a notification on every channel it names, through every notifier serving that channel. Every notifier is
/// tried even when an earlier one fails; any failure is then thrown (one exception, or an
/// <see cref="AggregateException"/>). A channel that no notifier serves is a configuration error and throws before
/// anything is sent.
/// </summary>
public sealed class NotificationFanOut(IEnumerable<INotifier> notifiers)
{
    private readonly IReadOnlyList<INotifier> _notifiers = notifiers.ToList();

    /// <summary>The channels at least one notifier serves.</summary>
    public NotificationChannels Available => _notifiers.Aggregate(NotificationChannels.None, (all, n) => all | n.Serves);

    public async Task Send(Notification notification, CancellationToken ct = default)
    {
        var missing = notification.Channels & ~Available;
        if (notification.Channels == NotificationChannels.None || missing != NotificationChannels.None)
        {
            throw new InvalidOperationException($"No notifier serves {(missing == NotificationChannels.None ? "an empty channel set" : missing.ToString())} (notification {notification.Id}, {notification.Kind}).");
        }

        var failures = new List<Exception>();
        foreach (var n in _notifiers.Where(n => (n.Serves & notification.Channels) != NotificationChannels.None))
        {
            try
            {
                await n.Send(notification, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(e);
            }
        }

        if (failures.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }

        if (failures.Count > 1)
        {
            throw new AggregateException($"Notification {notification.Id} failed on {failures.Count} notifiers.", failures);
        }
    }
}

/// <summary>The in-app inbox: stores the notification for the holder to read in the portal.</summary>
public sealed class InboxNotifier(IStore store) : INotifier
{
    public NotificationChannels Serves => NotificationChannels.Inbox;

    public Task Send(Notification n, CancellationToken ct = default) => store.WriteAsync(async tx =>
    {
        await tx.InsertInboxMessage(new InboxMessage(n.Id, n.Holder, n.Kind, n.Subject, n.Body, n.CreatedAt, null));
        return 0;
    }, ct);
}
