using System.Security.Cryptography;
using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Security;

/// <summary>One signed-in portal session (a random id in the session cookie, new at every sign-in).</summary>
public readonly record struct PortalSessionId(Guid Value)
{
    public static PortalSessionId New() => new(Guid.NewGuid());

    /// <summary>What the store keeps: SHA-256 of the id, so a read of the database does not hand out live session ids.</summary>
    public byte[] Hash() => SHA256.HashData(Value.ToByteArray(bigEndian: true));

    public override string ToString() => "[session]";
}

/// <summary>Who acts in the portal: the account, its holder, the session, and where the request came from.</summary>
public sealed record PortalSession(PortalUserId User, HolderId Holder, PortalSessionId Session, ClientInfo Client);

/// <summary>How long a step-up lasts (issue 4, point 3: "valid for a few minutes").</summary>
public sealed record StepUpOptions(TimeSpan Lifetime)
{
    public static readonly StepUpOptions Default = new(TimeSpan.FromMinutes(5));
}

/// <summary>
/// Step-up: a fresh second factor, asked again for every cash-out and every destination change, valid for
/// <see cref="StepUpOptions.Lifetime"/> in the session that gave it, recorded server-side (<c>step_ups</c>) so that it
/// holds on every node and cannot be forged in a cookie. The host verifies the code (an authenticator code, accepted
/// once, or a recovery code) and then calls <see cref="Grant"/>; <see cref="Require"/> is what every sensitive action
/// checks first, in Core, so no page or handler can skip it.
/// </summary>
public sealed class StepUpGate(IStore store, StepUpOptions options, TimeProvider clock)
{
    public const string TwoFactorRequiredCode = "two_factor.required";
    public const string StepUpRequiredCode = "step_up.required";

    public TimeSpan Lifetime => options.Lifetime;

    /// <summary>Records that the session just proved the second factor; returns until when it holds.</summary>
    public async Task<DateTimeOffset> Grant(PortalSession s, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Lifetime;
        await store.WriteAsync(async tx =>
        {
            await tx.GrantStepUp(s.Session.Hash(), s.User, until, now);
            return 0;
        }, ct);
        return until;
    }

    /// <summary>Until when the session's step-up holds, or null when it has none now.</summary>
    public async Task<DateTimeOffset?> ValidUntil(PortalSession s, CancellationToken ct = default)
    {
        var until = await store.ReadAsync(r => r.GetStepUp(s.Session.Hash(), s.User), ct);
        return until is { } u && u > clock.GetUtcNow() ? u : null;
    }

    /// <summary>
    /// Null when the session may take a sensitive action now: the account belongs to the holder, has two-factor
    /// sign-in on, and the session has a step-up that has not run out. Otherwise the reason: <c>two_factor.required</c>
    /// (turn on an authenticator first) or <c>step_up.required</c> (enter a code).
    /// </summary>
    public async Task<Error?> Require(PortalSession s, CancellationToken ct = default)
    {
        var (user, until) = await store.ReadAsync(async r => (await r.GetPortalUser(s.User), await r.GetStepUp(s.Session.Hash(), s.User)), ct);
        if (user is null || user.Holder != s.Holder)
        {
            return new Error("holder.not_found", "No such holder.");
        }

        if (!user.TwoFactorEnabled)
        {
            return new Error(TwoFactorRequiredCode, "Turn on two-factor sign-in with an authenticator app first: cash-outs and destination changes need a code from it.");
        }

        return until is { } u && u > clock.GetUtcNow()
            ? null
            : new Error(StepUpRequiredCode, "Enter a code from your authenticator app (or a recovery code) to confirm it is you.", "StepUpCode");
    }
}
