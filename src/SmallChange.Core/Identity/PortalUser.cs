using SmallChange.Core.Common;

namespace SmallChange.Core.Identity;

/// <summary>A holder portal account; time-ordered like every id.</summary>
public readonly record struct PortalUserId(Guid Value)
{
    public static PortalUserId New() => new(Uuid7.New());

    public override string ToString() => Value.ToString();
}

/// <summary>An e-mail address: personal data. <see cref="ToString"/> redacts, so it cannot leak into a log by accident.</summary>
public readonly record struct EmailAddress(string Value)
{
    /// <summary>The part before the last <c>@</c> (the whole value when there is none).</summary>
    public string LocalPart => Value.LastIndexOf('@') is var at and > 0 ? Value[..at] : Value;

    public override string ToString() => "[redacted e-mail]";
}

/// <summary>
/// A person who signs in to the holder portal, linked to exactly one holder. The fields are those ASP.NET Core Identity
/// keeps for a user; the store persists them as they are. <see cref="NormalizedEmail"/> is the lookup key (unique).
/// <see cref="ProtectedAuthenticatorKey"/> is the TOTP secret as the host protected it (opaque here).
/// <see cref="LastTotpStep"/> is the newest RFC 6238 time step whose code was accepted: a code of that step or an
/// older one is refused, so a code cannot be used twice. <see cref="AccessFailedCount"/>, <see cref="LockoutEnd"/> and
/// <see cref="LastTotpStep"/> change only through their own store methods (atomic in the database), never through
/// <c>UpdatePortalUser</c>.
/// </summary>
public sealed record PortalUser(
    PortalUserId Id,
    HolderId Holder,
    EmailAddress Email,
    string NormalizedEmail,
    bool EmailConfirmed,
    string? PasswordHash,
    string SecurityStamp,
    string ConcurrencyStamp,
    bool LockoutEnabled,
    DateTimeOffset? LockoutEnd,
    int AccessFailedCount,
    bool TwoFactorEnabled,
    string? ProtectedAuthenticatorKey,
    long? LastTotpStep,
    DateTimeOffset CreatedAt)
{
    public override string ToString() =>
        $"PortalUser {{ Id = {Id}, Holder = {Holder}, TwoFactorEnabled = {TwoFactorEnabled}, AccessFailedCount = {AccessFailedCount}, LockoutEnd = {LockoutEnd} }}";
}

/// <summary>One key of the ASP.NET Core Data Protection key ring, stored so that every node and every restart shares it.</summary>
public sealed record StoredXmlKey(string Name, string Xml, DateTimeOffset CreatedAt)
{
    public override string ToString() => $"StoredXmlKey {{ Name = {Name} }}";
}
