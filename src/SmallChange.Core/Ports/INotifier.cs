using SmallChange.Core.Notifications;

namespace SmallChange.Core.Ports;

/// <summary>
/// Delivers notifications to holders. An implementation serves some channels (<see cref="Serves"/>); the application
/// sends through <see cref="Notifications.NotificationFanOut"/>, which hands a message to every implementation serving one of its
/// channels and fails when a channel it names has none. <see cref="Send"/> returns once the message is delivered (or
/// durably stored) on this implementation's channels and throws otherwise: nothing is dropped silently.
/// </summary>
public interface INotifier
{
    NotificationChannels Serves { get; }

    Task Send(Notification notification, CancellationToken ct = default);
}
