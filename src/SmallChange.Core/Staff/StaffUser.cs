using SmallChange.Core.Common;
using SmallChange.Core.Identity;

namespace SmallChange.Core.Staff;

/// <summary>A staff account of the console (separate from holders' portal accounts); time-ordered like every id.</summary>
public readonly record struct StaffId(Guid Value)
{
    public static StaffId New() => new(Uuid7.New());

    public override string ToString() => Value.ToString();
}

/// <summary>
/// What a staff member may do in the console. <see cref="ComplianceOfficer"/> decides cases (releases above the
/// four-eyes threshold need a second officer); <see cref="OperatorAdmin"/> proposes and approves fee schedules (a second
/// admin approves); <see cref="Auditor"/> reads everything and changes nothing. Stored by its snake_case name.
/// </summary>
public enum StaffRole
{
    ComplianceOfficer,
    OperatorAdmin,
    Auditor,
}

public static class StaffRoles
{
    public static IReadOnlyList<StaffRole> All { get; } = [StaffRole.ComplianceOfficer, StaffRole.OperatorAdmin, StaffRole.Auditor];

    public static string ToWire(this StaffRole role) => role switch
    {
        StaffRole.ComplianceOfficer => "compliance_officer",
        StaffRole.OperatorAdmin => "operator_admin",
        StaffRole.Auditor => "auditor",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>The wire name, or the PascalCase name as the CLI accepts it (<c>ComplianceOfficer</c>); null when unknown.</summary>
    public static StaffRole? FromWire(string? s) => s?.Trim().Replace("-", "_", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "compliance_officer" or "complianceofficer" or "officer" => StaffRole.ComplianceOfficer,
        "operator_admin" or "operatoradmin" or "admin" => StaffRole.OperatorAdmin,
        "auditor" => StaffRole.Auditor,
        _ => null,
    };

    /// <summary>A person-readable name: "compliance officer", "operator admin", "auditor".</summary>
    public static string Display(this StaffRole role) => role.ToWire().Replace('_', ' ');
}

/// <summary>
/// A staff member who signs in to the console. <see cref="NormalizedEmail"/> is the lookup key (unique).
/// <see cref="ProtectedAuthenticatorKey"/> is the TOTP secret as the host protected it (opaque here); until
/// <see cref="TwoFactorEnabled"/>, it is the secret being enrolled. <see cref="LastTotpStep"/> is the newest accepted
/// RFC 6238 step (a code of that step or an older one is refused: no replay). Counters and the lockout change only
/// through their own atomic store methods. A disabled account (<see cref="DisabledAt"/>) cannot sign in, and its
/// sessions end at their next request (the security stamp changes with every credential or status change).
/// </summary>
public sealed record StaffUser(
    StaffId Id,
    EmailAddress Email,
    string NormalizedEmail,
    StaffRole Role,
    string PasswordHash,
    string SecurityStamp,
    DateTimeOffset? LockoutEnd,
    int AccessFailedCount,
    bool TwoFactorEnabled,
    string? ProtectedAuthenticatorKey,
    long? LastTotpStep,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt)
{
    public bool IsActive => DisabledAt is null;

    /// <summary>The principal string of the four-eyes rules and the staff trail: <c>staff:</c> and the id.</summary>
    public string Principal => StaffActor.StaffPrefix + Id.Value.ToString("D");

    /// <summary>Who acted, as trails show it: the work e-mail address and the role.</summary>
    public StaffActor Actor => new(Principal, $"{Email.Value} ({Role.Display()})");

    public override string ToString() => $"StaffUser {{ Id = {Id}, Role = {Role.ToWire()}, TwoFactorEnabled = {TwoFactorEnabled}, Active = {IsActive} }}";
}

/// <summary>
/// Who does something that four-eyes rules look at: <see cref="Principal"/> identifies the credential (a staff account
/// <c>staff:…</c>, an operator API key <c>key:…</c>, or the CLI's <c>--actor</c>) and is what "a different person" is
/// compared on; <see cref="Display"/> is what trails show.
/// </summary>
public sealed record StaffActor(string Principal, string Display)
{
    public const string StaffPrefix = "staff:";

    /// <summary>An actor known by one string only (the API's and the CLI's actors): principal and display are that string.</summary>
    public static StaffActor Named(string actor) => new(actor, actor);

    public bool IsStaff => Principal.StartsWith(StaffPrefix, StringComparison.Ordinal);
}

/// <summary>One entry of the staff audit trail: sign-ins, enrolments, four-eyes requests and decisions, staff changes.</summary>
/// <param name="Actor">The principal (<c>staff:…</c>, <c>key:…</c>, <c>cli:…</c>) or <c>system</c>.</param>
/// <param name="ActorDisplay">The actor as shown (an e-mail address and role).</param>
/// <param name="Action">A stable code, e.g. <c>sign_in</c>, <c>release_requested</c>, <c>fee_approved</c> (<see cref="StaffActions"/>).</param>
/// <param name="Subject">What it concerns: a case, approval, provider or staff id; null when nothing in particular.</param>
/// <param name="Detail">Free text: a reason, a summary of a change. Never a secret.</param>
public sealed record StaffAuditEntry(Guid Id, DateTimeOffset At, string Actor, string ActorDisplay, string Action, string? Subject, string? Detail)
{
    public static StaffAuditEntry Of(StaffActor actor, string action, string? subject, string? detail, DateTimeOffset at) =>
        new(Uuid7.New(), at, actor.Principal, actor.Display, action, subject, detail);

    public override string ToString() => $"StaffAuditEntry {{ {Action} by {Actor} on {Subject} }}";
}

/// <summary>The action codes of the staff audit trail.</summary>
public static class StaffActions
{
    public const string Added = "staff_added";
    public const string Disabled = "staff_disabled";
    public const string SignIn = "sign_in";
    public const string SignInFailed = "sign_in_failed";
    public const string SignInLockedOut = "sign_in_locked_out";
    public const string SignOut = "sign_out";
    public const string TwoFactorEnrolled = "two_factor_enrolled";
    public const string TwoFactorFailed = "two_factor_failed";
    public const string CaseDecided = "case_decided";
    public const string ReleaseRequested = "release_requested";
    public const string ReleaseApproved = "release_approved";
    public const string ReleaseRejected = "release_rejected";
    public const string ApprovalCancelled = "approval_cancelled";
    public const string FeeProposed = "fee_proposed";
    public const string FeeApproved = "fee_approved";
    public const string FeeRejected = "fee_rejected";
    public const string KycDecided = "kyc_decided";
}
