using SmallChange.Core.Notifications;

namespace SmallChange.Portal;

/// <summary>
/// The portal's notifications to a holder. Security alerts go to the inbox and by mail; a password-reset link goes by
/// mail only (it is a secret, and someone who cannot sign in cannot read the inbox). Sending fails loudly.
/// </summary>
public sealed class PortalNotices(NotificationFanOut notifier, TimeProvider clock)
{
    public Task PasswordReset(PortalAccount user, string link, TimeSpan lifetime, CancellationToken ct) =>
        Send(user, "account.password_reset", NotificationChannels.Mail, "Reset your SmallChange password",
            $"Someone asked to reset the password of your SmallChange account. To choose a new password, open this link within " +
            $"{(int)lifetime.TotalMinutes} minutes:\n\n{link}\n\nIf it was not you, ignore this message: your password stays as it is.", ct);

    public Task PortalInvite(PortalAccount user, string link, TimeSpan lifetime, CancellationToken ct) =>
        Send(user, "account.portal_invite", NotificationChannels.Mail, "Your SmallChange account is ready for you",
            $"Your payouts provider has opened a SmallChange account for you, where you can see your balances and cash out. To choose a password " +
            $"and sign in, open this link within {(int)lifetime.TotalDays} days:\n\n{link}\n\nThe link works once. If you did not expect this message, ignore it.", ct);

    public Task Welcome(PortalAccount user, CancellationToken ct) =>
        Send(user, "account.created", NotificationChannels.Inbox | NotificationChannels.Mail, "Welcome to SmallChange",
            "Your SmallChange account is ready. To keep it safe, turn on two-factor sign-in with an authenticator app under Security.", ct);

    public Task PasswordChanged(PortalAccount user, CancellationToken ct) =>
        Alert(user, "security.password_changed", "Your password was changed",
            "The password of your SmallChange account was changed. If it was not you, reset your password now and contact support.", ct);

    public Task TwoFactorEnabled(PortalAccount user, CancellationToken ct) =>
        Alert(user, "security.two_factor_enabled", "Two-factor sign-in is on",
            "Two-factor sign-in with an authenticator app was turned on for your SmallChange account. If it was not you, contact support.", ct);

    public Task TwoFactorDisabled(PortalAccount user, CancellationToken ct) =>
        Alert(user, "security.two_factor_disabled", "Two-factor sign-in is off",
            "Two-factor sign-in was turned off for your SmallChange account. If it was not you, reset your password now and contact support.", ct);

    public Task RecoveryCodesRenewed(PortalAccount user, CancellationToken ct) =>
        Alert(user, "security.recovery_codes_renewed", "New recovery codes",
            "New recovery codes were made for your SmallChange account; the old ones no longer work. If it was not you, contact support.", ct);

    public Task RecoveryCodeUsed(PortalAccount user, int left, CancellationToken ct) =>
        Alert(user, "security.recovery_code_used", "A recovery code was used to sign in",
            $"Someone signed in to your SmallChange account with a recovery code. {left} unused codes are left. If it was not you, reset your password now.", ct);

    public Task NewDevice(PortalAccount user, Core.Security.ClientInfo from, DateTimeOffset at, CancellationToken ct) =>
        Alert(user, "security.new_device", "New sign-in to your account",
            $"Your SmallChange account was signed in to from a device it had not been used on before: {from.Device}, IP address {from.Ip ?? "unknown"}, " +
            $"at {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC. If it was you, there is nothing to do. If not, change your password now, check the destinations " +
            "and the activity of your account, and turn on two-factor sign-in.", ct);

    private Task Alert(PortalAccount user, string kind, string subject, string body, CancellationToken ct) =>
        Send(user, kind, NotificationChannels.Inbox | NotificationChannels.Mail, subject, body, ct);

    private Task Send(PortalAccount user, string kind, NotificationChannels channels, string subject, string body, CancellationToken ct) =>
        notifier.Send(new Notification(NotificationId.New(), user.Data.Holder, user.Data.Email, kind, subject, body, channels, clock.GetUtcNow()), ct);
}
