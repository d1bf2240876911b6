using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;

namespace SmallChange.Portal;

/// <summary>
/// ASP.NET Core Identity's user store over SmallChange's own store (both backends; no EF Core). Profile and credential
/// fields change in memory and are written by <see cref="UpdateAsync"/> under the concurrency stamp. The failure
/// counter, the lockout end, recovery codes and the last TOTP step are written at once, each in one atomic statement,
/// so parallel sign-in attempts on several nodes are all counted and a code works once. The authenticator secret is
/// stored protected by Data Protection; recovery codes as SHA-256 hashes.
/// </summary>
public sealed class PortalUserStore(IStore store, IDataProtectionProvider dataProtection, IdentityErrorDescriber errors, Core.Compliance.Cases.ComplianceChecks compliance) :
    IUserPasswordStore<PortalAccount>,
    IUserEmailStore<PortalAccount>,
    IUserLockoutStore<PortalAccount>,
    IUserSecurityStampStore<PortalAccount>,
    IUserTwoFactorStore<PortalAccount>,
    IUserAuthenticatorKeyStore<PortalAccount>,
    IUserTwoFactorRecoveryCodeStore<PortalAccount>
{
    private readonly IDataProtector _keys = dataProtection.CreateProtector("SmallChange.Portal.AuthenticatorKey.v1");

    public void Dispose()
    {
        // Nothing to release: the store outlives every request.
    }

    // ---- IUserStore ------------------------------------------------------------------------------

    public async Task<IdentityResult> CreateAsync(PortalAccount user, CancellationToken ct)
    {
        // A new holder's name is screened at sign-up; a match is filed as an alert with the holder (docs/compliance.md §3).
        var alerts = user.NewHolder is { } signingUp ? await compliance.ScreenNewHolder(signingUp, ct) : [];
        var created = await store.WriteAsync(async tx =>
        {
            // Checked inside the transaction: on PostgreSQL a concurrent sign-up with the same address makes the
            // insert fail with a unique violation, the store re-runs this, and the re-run finds the winner's row.
            if (await tx.FindPortalUserByEmail(user.Data.NormalizedEmail) is not null)
            {
                return false;
            }

            if (user.NewHolder is { } holder)
            {
                await tx.InsertHolder(holder);
                await Core.Compliance.Cases.CaseService.File(tx, holder.Id, alerts, holder.CreatedAt);
            }

            await tx.InsertPortalUser(user.Data);
            return true;
        }, ct);
        if (!created)
        {
            return IdentityResult.Failed(errors.DuplicateEmail(user.Data.Email.Value));
        }

        user.Persisted = true;
        user.NewHolder = null;
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> UpdateAsync(PortalAccount user, CancellationToken ct)
    {
        var next = user.Data with { ConcurrencyStamp = Guid.NewGuid().ToString("N") };
        var expected = user.Data.ConcurrencyStamp;
        if (!await store.WriteAsync(tx => tx.UpdatePortalUser(next, expected), ct))
        {
            return IdentityResult.Failed(errors.ConcurrencyFailure());
        }

        user.Data = next;
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> DeleteAsync(PortalAccount user, CancellationToken ct)
    {
        await store.WriteAsync(tx => tx.DeletePortalUser(user.Data.Id), ct);
        user.Persisted = false;
        return IdentityResult.Success;
    }

    public async Task<PortalAccount?> FindByIdAsync(string userId, CancellationToken ct) =>
        Guid.TryParse(userId, out var id) && await store.ReadAsync(r => r.GetPortalUser(new PortalUserId(id)), ct) is { } u ? new PortalAccount(u, persisted: true) : null;

    /// <summary>User names are account ids, so this is <see cref="FindByIdAsync"/>.</summary>
    public Task<PortalAccount?> FindByNameAsync(string normalizedUserName, CancellationToken ct) => FindByIdAsync(normalizedUserName, ct);

    public Task<string> GetUserIdAsync(PortalAccount user, CancellationToken ct) => Task.FromResult(user.Data.Id.Value.ToString());

    public Task<string?> GetUserNameAsync(PortalAccount user, CancellationToken ct) => Task.FromResult<string?>(user.Data.Id.Value.ToString());

    /// <summary>The user name is the account id and never changes; setting it to anything else is a programming error.</summary>
    public Task SetUserNameAsync(PortalAccount user, string? userName, CancellationToken ct) =>
        string.Equals(userName, user.Data.Id.Value.ToString(), StringComparison.OrdinalIgnoreCase)
            ? Task.CompletedTask
            : throw new InvalidOperationException("A portal account's user name is its id; sign-in uses the e-mail address.");

    public Task<string?> GetNormalizedUserNameAsync(PortalAccount user, CancellationToken ct) =>
        Task.FromResult<string?>(user.Data.Id.Value.ToString().ToUpperInvariant());

    /// <summary>Derived from the id; nothing to keep.</summary>
    public Task SetNormalizedUserNameAsync(PortalAccount user, string? normalizedName, CancellationToken ct) => Task.CompletedTask;

    // ---- password --------------------------------------------------------------------------------

    public Task SetPasswordHashAsync(PortalAccount user, string? passwordHash, CancellationToken ct) =>
        Set(user, user.Data with { PasswordHash = passwordHash });

    public Task<string?> GetPasswordHashAsync(PortalAccount user, CancellationToken ct) => Task.FromResult(user.Data.PasswordHash);

    public Task<bool> HasPasswordAsync(PortalAccount user, CancellationToken ct) => Task.FromResult(user.Data.PasswordHash is not null);

    // ---- e-mail ----------------------------------------------------------------------------------

    public Task SetEmailAsync(PortalAccount user, string? email, CancellationToken ct) =>
        Set(user, user.Data with { Email = new EmailAddress(email ?? throw new ArgumentNullException(nameof(email))) });

    public Task<string?> GetEmailAsync(PortalAccount user, CancellationToken ct) => Task.FromResult<string?>(user.Data.Email.Value);

    public Task<bool> GetEmailConfirmedAsync(PortalAccount user, CancellationToken ct) => Task.FromResult(user.Data.EmailConfirmed);

    public Task SetEmailConfirmedAsync(PortalAccount user, bool confirmed, CancellationToken ct) => Set(user, user.Data with { EmailConfirmed = confirmed });

    public async Task<PortalAccount?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) =>
        await store.ReadAsync(r => r.FindPortalUserByEmail(normalizedEmail), ct) is { } u ? new PortalAccount(u, persisted: true) : null;

    public Task<string?> GetNormalizedEmailAsync(PortalAccount user, CancellationToken ct) => Task.FromResult<string?>(user.Data.NormalizedEmail);

    public Task SetNormalizedEmailAsync(PortalAccount user, string? normalizedEmail, CancellationToken ct) =>
        Set(user, user.Data with { NormalizedEmail = normalizedEmail ?? throw new ArgumentNullException(nameof(normalizedEmail)) });

    // ---- lockout (written through at once) ---------------------------------------------------------

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(PortalAccount user, CancellationToken ct) => Task.FromResult(user.Data.LockoutEnd);

    public async Task SetLockoutEndDateAsync(PortalAccount user, DateTimeOffset? lockoutEnd, CancellationToken ct)
    {
        if (user.Persisted)
        {
            await store.WriteAsync(async tx =>
            {
                await tx.SetLockoutEnd(user.Data.Id, lockoutEnd);
                return 0;
            }, ct);
        }

        user.Data = user.Data with { LockoutEnd = lockoutEnd };
    }

    public async Task<int> IncrementAccessFailedCountAsync(PortalAccount user, CancellationToken ct)
    {
        var count = user.Persisted
            ? await store.WriteAsync(tx => tx.IncrementAccessFailed(user.Data.Id), ct)
            : checked(user.Data.AccessFailedCount + 1);
        user.Data = user.Data with { AccessFailedCount = count };
        return count;
    }

    public async Task ResetAccessFailedCountAsync(PortalAccount user, CancellationToken ct)
    {
        if (user.Persisted)
        {
            await store.WriteAsync(async tx =>
            {
                await tx.ResetAccessFailed(user.Data.Id);
                return 0;
            }, ct);
        }

        user.Data = user.Data with { AccessFailedCount = 0 };
    }

    public Task<int> GetAccessFailedCountAsync(PortalAccount user, CancellationToken ct) => Task.FromResult(user.Data.AccessFailedCount);

    public Task<bool> GetLockoutEnabledAsync(PortalAccount user, CancellationToken ct) => Task.FromResult(user.Data.LockoutEnabled);

    public Task SetLockoutEnabledAsync(PortalAccount user, bool enabled, CancellationToken ct) => Set(user, user.Data with { LockoutEnabled = enabled });

    // ---- stamps and two-factor -----------------------------------------------------------------------

    public Task SetSecurityStampAsync(PortalAccount user, string stamp, CancellationToken ct) => Set(user, user.Data with { SecurityStamp = stamp });

    public Task<string?> GetSecurityStampAsync(PortalAccount user, CancellationToken ct) => Task.FromResult<string?>(user.Data.SecurityStamp);

    public Task SetTwoFactorEnabledAsync(PortalAccount user, bool enabled, CancellationToken ct) => Set(user, user.Data with { TwoFactorEnabled = enabled });

    public Task<bool> GetTwoFactorEnabledAsync(PortalAccount user, CancellationToken ct) => Task.FromResult(user.Data.TwoFactorEnabled);

    public Task SetAuthenticatorKeyAsync(PortalAccount user, string key, CancellationToken ct) =>
        Set(user, user.Data with { ProtectedAuthenticatorKey = _keys.Protect(key) });

    public Task<string?> GetAuthenticatorKeyAsync(PortalAccount user, CancellationToken ct) =>
        Task.FromResult(user.Data.ProtectedAuthenticatorKey is { } p ? _keys.Unprotect(p) : null);

    /// <summary>
    /// Records the TOTP time step of a code just checked; false when that step (or a later one) was already
    /// accepted for this account, i.e. the code is being replayed.
    /// </summary>
    public Task<bool> TryAcceptTotpStep(PortalAccount user, long step, CancellationToken ct = default) =>
        store.WriteAsync(tx => tx.TryAdvanceTotpStep(user.Data.Id, step), ct);

    // ---- recovery codes (written through at once) ------------------------------------------------------

    public async Task ReplaceCodesAsync(PortalAccount user, IEnumerable<string> recoveryCodes, CancellationToken ct)
    {
        RequirePersisted(user);
        var hashes = recoveryCodes.Select(c => HashCode(user, c)).ToList();
        await store.WriteAsync(async tx =>
        {
            await tx.ReplaceRecoveryCodes(user.Data.Id, hashes);
            return 0;
        }, ct);
    }

    public Task<bool> RedeemCodeAsync(PortalAccount user, string code, CancellationToken ct)
    {
        RequirePersisted(user);
        return store.WriteAsync(tx => tx.RedeemRecoveryCode(user.Data.Id, HashCode(user, code)), ct);
    }

    public Task<int> CountCodesAsync(PortalAccount user, CancellationToken ct) => store.ReadAsync(r => r.CountRecoveryCodes(user.Data.Id), ct);

    /// <summary>SHA-256 over the account id and the code without spaces and hyphens, upper case (as people type it back).</summary>
    private static byte[] HashCode(PortalAccount user, string code)
    {
        var normalized = new string(code.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray()).ToUpperInvariant();
        return SHA256.HashData(Encoding.UTF8.GetBytes($"{user.Data.Id.Value:N}:{normalized}"));
    }

    private static void RequirePersisted(PortalAccount user)
    {
        if (!user.Persisted)
        {
            throw new InvalidOperationException("Recovery codes belong to a saved account.");
        }
    }

    private static Task Set(PortalAccount user, PortalUser next)
    {
        user.Data = next;
        return Task.CompletedTask;
    }
}
