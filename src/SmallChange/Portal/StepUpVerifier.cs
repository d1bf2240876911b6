using Microsoft.AspNetCore.Identity;
using SmallChange.Core.Security;

namespace SmallChange.Portal;

/// <summary>
/// Checks a step-up code and, when it is right, grants the session its step-up (<see cref="StepUpGate"/>). Six digits
/// are an authenticator code, checked by the same <see cref="TotpTokenProvider"/> as sign-in: a code is accepted once,
/// whether it was used to sign in or to step up. Anything else is tried as a recovery code (each works once; the
/// holder is alerted). Wrong codes count towards the account's lockout and are throttled like sign-in attempts; a
/// locked account cannot step up.
/// </summary>
public sealed class StepUpVerifier(UserManager<PortalAccount> users, StepUpGate gate, PortalThrottle throttle, PortalNotices notices, PortalActivity activity, PortalOptions options)
{
    /// <summary>Whether the account has two-factor sign-in on, and until when the session's step-up holds (null: none now).</summary>
    public async Task<(bool TwoFactorOn, DateTimeOffset? Until)> State(PortalSession session, CancellationToken ct) =>
        (await users.FindByIdAsync(session.User.Value.ToString()) is { Data.TwoFactorEnabled: true }, await gate.ValidUntil(session, ct));

    /// <summary>Verifies a code for the session's account; null when it was right (see <see cref="Verify(PortalAccount, PortalSession, string?, HttpContext)"/>).</summary>
    public async Task<string?> Verify(PortalSession session, string? code, HttpContext http) =>
        await users.FindByIdAsync(session.User.Value.ToString()) is { } user
            ? await Verify(user, session, code, http)
            : "Sign in again.";

    /// <summary>Null when the code was right (the step-up is granted); otherwise the message to show by the code field.</summary>
    public async Task<string?> Verify(PortalAccount user, PortalSession session, string? code, HttpContext http)
    {
        var normalized = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        if (normalized.Length == 0)
        {
            return "Enter the 6-digit code from your authenticator app, or a recovery code.";
        }

        if (await users.IsLockedOutAsync(user))
        {
            return $"This account is locked for up to {(int)options.LockoutDuration.TotalMinutes} minutes after too many wrong codes. Try again later.";
        }

        if (!throttle.TrySignIn(user.Data.Id.ToString()))
        {
            return "Too many attempts for this account. Wait 15 minutes and try again.";
        }

        bool ok;
        var recovery = !(normalized.Length == 6 && normalized.All(char.IsAsciiDigit));
        if (recovery)
        {
            ok = normalized.Length <= 32 && (await users.RedeemTwoFactorRecoveryCodeAsync(user, normalized)).Succeeded;
        }
        else
        {
            ok = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, normalized);
        }

        if (!ok)
        {
            await users.AccessFailedAsync(user);
            await activity.Record(user, ActivityKinds.StepUpFailed, http, recovery ? "wrong or used recovery code" : "wrong or used authenticator code");
            return await users.IsLockedOutAsync(user)
                ? $"This account is locked for {(int)options.LockoutDuration.TotalMinutes} minutes after too many wrong codes."
                : recovery
                    ? "That recovery code is not right, or it was used already."
                    : "That code is not right, or it was used already. Wait for the next code in your app and enter it.";
        }

        await users.ResetAccessFailedCountAsync(user);
        var until = await gate.Grant(session, http.RequestAborted);
        await activity.Record(user, ActivityKinds.StepUp, http, $"{(recovery ? "recovery code" : "authenticator code")}, valid until {Pages.PortalPage.When(until)}");
        if (recovery)
        {
            await activity.Record(user, ActivityKinds.RecoveryCodeUsed, http, "to confirm an action");
            await notices.RecoveryCodeUsed(user, await users.CountRecoveryCodesAsync(user), http.RequestAborted);
        }

        return null;
    }
}
