using SmallChange.Core.Common;

namespace SmallChange.Core.Security;

public readonly record struct ActivityId(Guid Value)
{
    /// <summary>A new id whose time part is <paramref name="at"/> (the entry's time on the injected clock), so ids order entries by time.</summary>
    public static ActivityId New(DateTimeOffset at) => new(Guid.CreateVersion7(at));

    public override string ToString() => Value.ToString();
}

/// <summary>
/// One entry of a holder's activity log: what happened (<see cref="Kind"/>, one of <see cref="ActivityKinds"/>), when,
/// from where (the client's IP address and a summary of its user agent such as "Firefox on Linux", for portal
/// actions; "operator API" for actions an operator took on the holder's behalf) and a short detail written for the
/// holder. Details never hold a secret or a full account number: destinations appear masked (<c>•••• 1234</c>).
/// </summary>
public sealed record ActivityEntry(ActivityId Id, HolderId Holder, string Kind, DateTimeOffset At, string? Ip, string? Device, string? Detail)
{
    public override string ToString() => $"ActivityEntry {{ Id = {Id}, Holder = {Holder}, Kind = {Kind} }}";
}

/// <summary>The kinds of activity, as stored.</summary>
public static class ActivityKinds
{
    public const string AccountCreated = "account.created";
    public const string SignIn = "sign_in";
    public const string SignInFailed = "sign_in.failed";
    public const string SignInLockedOut = "sign_in.locked_out";
    public const string PasswordChanged = "password.changed";
    public const string PasswordReset = "password.reset";
    public const string TwoFactorEnabled = "two_factor.enabled";
    public const string TwoFactorDisabled = "two_factor.disabled";
    public const string RecoveryCodesRenewed = "two_factor.recovery_codes_renewed";
    public const string RecoveryCodeUsed = "two_factor.recovery_code_used";
    public const string StepUp = "step_up";
    public const string StepUpFailed = "step_up.failed";
    public const string DestinationAdded = "destination.added";
    public const string DestinationCancelled = "destination.cancelled";
    public const string DestinationActivated = "destination.activated";
    public const string CashoutRequested = "cashout.requested";
    public const string PortalInvited = "portal.invited";
    public const string PortalClaimed = "portal.claimed";
    public const string AutoCashoutChanged = Cashouts.AutoCashoutService.ActivityChanged;
    public const string AutoCashoutDisabled = Cashouts.AutoCashoutService.ActivityDisabled;
    public const string AutoCashoutMade = Cashouts.AutoCashoutService.ActivityCashout;
    public const string AutoCashoutRefused = Cashouts.AutoCashoutService.ActivityRefused;
    public const string KycApproved = "kyc.approved";
    public const string KycRejected = "kyc.rejected";

    /// <summary>How the portal names a kind to the holder.</summary>
    public static string Describe(string kind) => kind switch
    {
        AccountCreated => "Account created",
        SignIn => "Signed in",
        SignInFailed => "Failed sign-in attempt",
        SignInLockedOut => "Account locked after failed attempts",
        PasswordChanged => "Password changed",
        PasswordReset => "Password reset by e-mail link",
        TwoFactorEnabled => "Two-factor sign-in turned on",
        TwoFactorDisabled => "Two-factor sign-in turned off",
        RecoveryCodesRenewed => "New recovery codes made",
        RecoveryCodeUsed => "Recovery code used",
        StepUp => "Identity confirmed with a second factor",
        StepUpFailed => "Wrong second-factor code",
        DestinationAdded => "Payout destination added",
        DestinationCancelled => "Payout destination cancelled",
        DestinationActivated => "Payout destination became usable",
        CashoutRequested => "Cash-out requested",
        PortalInvited => "Invited to the portal",
        PortalClaimed => "Portal password chosen from the invitation",
        AutoCashoutChanged => "Automatic cash-out settings changed",
        AutoCashoutDisabled => "Automatic cash-out turned off",
        AutoCashoutMade => "Automatic cash-out made",
        AutoCashoutRefused => "Automatic cash-out refused",
        KycApproved => "Identity verified",
        KycRejected => "Identity not verified",
        _ => kind,
    };
}

/// <summary>Where an action came from, as the activity log shows it (never a secret).</summary>
/// <param name="Ip">The client's IP address, or null when unknown.</param>
/// <param name="Device">A short summary of the client ("Chrome on Windows", "operator API").</param>
public sealed record ClientInfo(string? Ip, string? Device)
{
    /// <summary>An operator's server acting for the holder over the API.</summary>
    public static readonly ClientInfo OperatorApi = new(null, "operator API");

    /// <summary>SmallChange itself (a worker).</summary>
    public static readonly ClientInfo System = new(null, "SmallChange");
}
