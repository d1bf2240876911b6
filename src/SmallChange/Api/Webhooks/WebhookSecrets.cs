using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using SmallChange.Core.Ports;

namespace SmallChange.Api.Webhooks;

/// <summary>
/// Webhook secrets: made here (<c>whsec_</c> and 256 random bits, base64url), shown once, stored protected by ASP.NET
/// Core Data Protection (the key ring every node shares), unprotected only to sign or verify. The HMAC key is the
/// secret's text as UTF-8.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider dataProtection, IStore store, TimeProvider clock)
{
    public const string Prefix = "whsec_";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("SmallChange.Webhooks.Secrets.v1");

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secrets an endpoint's deliveries are signed with now: its current one, and the one a rotation replaced until its grace ends.</summary>
    public IReadOnlyList<string> SigningSecrets(WebhookEndpoint e) => Current(e.ProtectedSecret, e.PreviousProtectedSecret, e.PreviousValidUntil);

    /// <summary>The secrets a provider's callbacks are verified with now (none when the provider has no secret).</summary>
    public async Task<IReadOnlyList<string>> ProviderSecrets(string providerId, CancellationToken ct)
    {
        var s = await store.ReadAsync(r => r.GetProviderWebhookSecret(providerId), ct);
        return s is null ? [] : Current(s.ProtectedSecret, s.PreviousProtectedSecret, s.PreviousValidUntil);
    }

    /// <summary>Gives the provider a new secret (returned, to be shown once); a secret it had stays accepted for <paramref name="grace"/>.</summary>
    public async Task<(string Secret, ProviderWebhookSecret Stored)> SetProviderSecret(string providerId, TimeSpan grace, CancellationToken ct)
    {
        var secret = NewSecret();
        var now = clock.GetUtcNow();
        var stored = await store.WriteAsync(tx => tx.SetProviderWebhookSecret(providerId, Protect(secret), now + grace, now), ct);
        return (secret, stored);
    }

    /// <summary>
    /// The secret a sandbox provider signs its callbacks with: the provider's current secret, made on first use (the
    /// sandbox plays the provider, so it knows the secret an operator would otherwise exchange with a real one).
    /// </summary>
    public async Task<string> SandboxSigningSecret(string providerId, CancellationToken ct)
    {
        var s = await store.ReadAsync(r => r.GetProviderWebhookSecret(providerId), ct);
        return s is not null ? _protector.Unprotect(s.ProtectedSecret) : (await SetProviderSecret(providerId, TimeSpan.Zero, ct)).Secret;
    }

    private IReadOnlyList<string> Current(string current, string? previous, DateTimeOffset? previousUntil) =>
        previous is not null && clock.GetUtcNow() < previousUntil
            ? [_protector.Unprotect(current), _protector.Unprotect(previous)]
            : [_protector.Unprotect(current)];
}
