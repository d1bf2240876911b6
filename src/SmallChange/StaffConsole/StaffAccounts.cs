using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;
using SmallChange.Portal;

namespace SmallChange.StaffConsole;

/// <summary>How a password sign-in to the console went.</summary>
public enum StaffPasswordOutcome
{
    Succeeded,
    Failed,
    LockedOut,
    Throttled,
}

/// <summary>
/// Staff credentials, with the holder portal's pieces: Identity's password hasher (PBKDF2), the portal's lockout
/// numbers (<see cref="PortalOptions.MaxFailedAccessAttempts"/>, <see cref="PortalOptions.LockoutDuration"/>) kept in the
/// database with atomic counters, the per-account throttle (<see cref="PortalThrottle"/>), RFC 6238 codes accepted once
/// (the step is recorded with a conditional update, so a code cannot be replayed on any node), and the authenticator
/// secret protected by Data Protection. Staff accounts are not holders' accounts: a separate table and separate cookies.
/// </summary>
public sealed class StaffAccounts(IStore store, IDataProtectionProvider dataProtection, PortalThrottle throttle, PortalOptions options, TimeProvider clock)
{
    /// <summary>The role of the signed-in staff member (the wire name).</summary>
    public const string RoleClaim = "sc:staff_role";

    /// <summary>The account's security stamp when the session began: a change (disable, enrolment) ends the session.</summary>
    public const string StampClaim = "sc:staff_stamp";

    /// <summary>In the pending cookie: <c>enrol</c> (no authenticator yet) or <c>verify</c> (a code is due).</summary>
    public const string StageClaim = "sc:staff_stage";

    private static readonly PasswordHasher<StaffUser> Hasher = new();
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(null!, Guid.NewGuid().ToString()));
    private readonly IDataProtector _keys = dataProtection.CreateProtector("SmallChange.Console.AuthenticatorKey.v1");

    public static string Normalize(string email) => email.Trim().Normalize().ToUpperInvariant();

    /// <summary>
    /// A new account with a random temporary password (returned once, never stored): 24 characters of base32, about 120
    /// bits. The staff member signs in with it and is taken through authenticator enrolment before any console page.
    /// </summary>
    public static Result<(StaffUser User, string Password)> NewAccount(string? email, StaffRole role, DateTimeOffset now)
    {
        email = email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 254 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || email.IndexOf('@', StringComparison.Ordinal) is < 1
            || email.LastIndexOf('@') == email.Length - 1)
        {
            return new Error("staff.email_invalid", "Give the staff member's work e-mail address.", "email");
        }

        var password = string.Join('-', Base32.Encode(RandomNumberGenerator.GetBytes(15)).Chunk(6).Select(c => new string(c))).ToLowerInvariant();
        var user = new StaffUser(StaffId.New(), new EmailAddress(email), Normalize(email), role, "", Guid.NewGuid().ToString("N"), null, 0, false, null, null, now, null);
        return (user with { PasswordHash = Hasher.HashPassword(user, password) }, password);
    }

    /// <summary>
    /// Checks an e-mail address and password: throttled per account before anything else, the same hashing work and the
    /// same answer for an unknown address, a disabled account or a wrong password; five failures in a row lock the
    /// account. Every outcome for a known account is in the staff trail.
    /// </summary>
    public async Task<(StaffPasswordOutcome Outcome, StaffUser? User)> CheckPassword(string email, string password, CancellationToken ct)
    {
        var normalized = Normalize(email);
        if (!throttle.TrySignIn("console:" + normalized))
        {
            return (StaffPasswordOutcome.Throttled, null);
        }

        var user = await store.ReadAsync(r => r.FindStaffByEmail(normalized), ct);
        var now = clock.GetUtcNow();
        if (user is null || !user.IsActive)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            return (StaffPasswordOutcome.Failed, null);
        }

        if (user.LockoutEnd is { } end && end > now)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            await Audit(user, StaffActions.SignInLockedOut, "locked out", ct);
            return (StaffPasswordOutcome.LockedOut, user);
        }

        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            var locked = await store.WriteAsync(async tx =>
            {
                var count = await tx.IncrementStaffAccessFailed(user.Id);
                if (count < options.MaxFailedAccessAttempts)
                {
                    return false;
                }

                await tx.SetStaffLockoutEnd(user.Id, now + options.LockoutDuration);
                await tx.ResetStaffAccessFailed(user.Id);
                return true;
            }, ct);
            await Audit(user, locked ? StaffActions.SignInLockedOut : StaffActions.SignInFailed, "wrong password", ct);
            return (locked ? StaffPasswordOutcome.LockedOut : StaffPasswordOutcome.Failed, user);
        }

        await store.WriteAsync(async tx =>
        {
            await tx.ResetStaffAccessFailed(user.Id);
            return 0;
        }, ct);
        return (StaffPasswordOutcome.Succeeded, user);
    }

    /// <summary>
    /// Checks a code from the staff member's authenticator, once: the time step of an accepted code is recorded
    /// atomically, so the same code (or an older one) is refused afterwards. Throttled like passwords.
    /// </summary>
    public async Task<bool> VerifyCode(StaffUser user, string? code, CancellationToken ct)
    {
        if (!throttle.TrySignIn("console:" + user.NormalizedEmail) || user.ProtectedAuthenticatorKey is not { } p)
        {
            return false;
        }

        string key;
        try
        {
            key = _keys.Unprotect(p);
        }
        catch (CryptographicException)
        {
            return false;
        }

        var secret = Base32.Decode(key);
        var ok = secret is { Length: > 0 } && Totp.MatchStep(secret, code, clock.GetUtcNow()) is { } step
            && await store.WriteAsync(tx => tx.TryAdvanceStaffTotpStep(user.Id, step), ct);
        if (!ok)
        {
            await Audit(user, StaffActions.TwoFactorFailed, null, ct);
        }

        return ok;
    }

    /// <summary>The secret being enrolled (base32), created and stored on first use; null once two-factor is on.</summary>
    public async Task<string?> EnrolmentKey(StaffUser user, CancellationToken ct)
    {
        if (user.TwoFactorEnabled)
        {
            return null;
        }

        if (user.ProtectedAuthenticatorKey is { } existing)
        {
            try
            {
                return _keys.Unprotect(existing);
            }
            catch (CryptographicException)
            {
                // A key protected under a ring that is gone: enrol a new one.
            }
        }

        var key = Base32.Encode(RandomNumberGenerator.GetBytes(20));
        return await store.WriteAsync(tx => tx.SetStaffEnrolmentKey(user.Id, _keys.Protect(key)), ct) ? key : null;
    }

    /// <summary>Turns two-factor on after a good code from the enrolment secret; returns the account as it is now.</summary>
    public async Task<StaffUser?> CompleteEnrolment(StaffUser user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await store.WriteAsync(async tx =>
        {
            if (await tx.EnableStaffTwoFactor(user.Id, Guid.NewGuid().ToString("N")))
            {
                await tx.InsertStaffAudit(StaffAuditEntry.Of(user.Actor, StaffActions.TwoFactorEnrolled, user.Id.ToString(), null, now));
            }

            return 0;
        }, ct);
        return await store.ReadAsync(r => r.GetStaff(user.Id), ct);
    }

    public Task<StaffUser?> Find(StaffId id, CancellationToken ct) => store.ReadAsync(r => r.GetStaff(id), ct);

    /// <summary>The staff member a console principal (full or pending) names, if its account is still active and the stamp matches.</summary>
    public async Task<StaffUser?> Current(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            return null;
        }

        var user = await Find(new StaffId(id), ct);
        return user is { IsActive: true } && user.SecurityStamp == principal.FindFirstValue(StampClaim) ? user : null;
    }

    public Task Audit(StaffUser user, string action, string? detail, CancellationToken ct) =>
        store.WriteAsync(async tx =>
        {
            await tx.InsertStaffAudit(StaffAuditEntry.Of(user.Actor, action, user.Id.ToString(), detail, clock.GetUtcNow()));
            return 0;
        }, ct);

    /// <summary>The principal of a console session (after the second factor).</summary>
    public static ClaimsPrincipal FullPrincipal(StaffUser user) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.Value.ToString()),
        new Claim(RoleClaim, user.Role.ToWire()),
        new Claim(StampClaim, user.SecurityStamp),
        new Claim("amr", "mfa"),
    ], StaffSetup.Scheme));

    /// <summary>The principal between the password and the second factor: it opens only the enrolment or code page.</summary>
    public static ClaimsPrincipal PendingPrincipal(StaffUser user) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.Value.ToString()),
        new Claim(StampClaim, user.SecurityStamp),
        new Claim(StageClaim, user.TwoFactorEnabled ? "verify" : "enrol"),
    ], StaffSetup.PendingScheme));

    /// <summary>The role of a console principal, or null.</summary>
    public static StaffRole? RoleOf(ClaimsPrincipal user) => StaffRoles.FromWire(user.FindFirstValue(RoleClaim));
}
