using System.Globalization;
using SmallChange.Hosting;

namespace SmallChange.Http;

/// <summary>
/// Settings of the platform API's protections: API-key rotation and caching, rate limits, HSTS. Every value can be
/// overridden in configuration under <c>SmallChange:Security</c> (environment: <c>SmallChange__Security__…</c>); see
/// docs/security.md, "The platform API".
/// </summary>
public sealed record ApiSecurityOptions
{
    /// <summary>How long a rotated key's old secret keeps working when the rotation names no grace period (<c>RotationGraceSeconds</c>).</summary>
    public TimeSpan RotationGrace { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The longest grace period a rotation may ask for (<c>MaxRotationGraceSeconds</c>).</summary>
    public TimeSpan MaxRotationGrace { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a node keeps a key record it read (<c>KeyCacheSeconds</c>; 0 turns the cache off). This is the bound on
    /// how long a revoked key keeps working on another node; on the node that revoked it, it stops at once.
    /// </summary>
    public TimeSpan KeyCacheFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Requests per second one API key may make, averaged over <see cref="RateWindow"/> (<c>RequestsPerKeyPerSecond</c>;
    /// 0 = no limit). The default is above what one node serves (bench/credit-load.sh peaks near 20,000 single credits a
    /// second on SQLite), so a benchmark's key is never throttled; lower it per deployment.
    /// </summary>
    public int RequestsPerKeyPerSecond { get; init; } = 50_000;

    /// <summary>
    /// Requests per minute about one holder (<c>RequestsPerHolderPerMinute</c>; 0 = no limit): API calls naming the holder
    /// in their path (its record, balances, history, destinations) and the holder's own portal pages.
    /// </summary>
    public int RequestsPerHolderPerMinute { get; init; } = 600;

    /// <summary>The window the per-key limit is counted over: bursts up to one window's requests pass (a token bucket).</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Strict-Transport-Security max-age sent on HTTPS responses (<c>HstsSeconds</c>; 0 = no header).</summary>
    public TimeSpan Hsts { get; init; } = TimeSpan.FromDays(365);

    /// <summary>These options with the values configuration gives under <c>SmallChange:Security</c>.</summary>
    public ApiSecurityOptions With(IConfiguration config)
    {
        var s = config.GetSection("SmallChange:Security");
        return this with
        {
            RotationGrace = Seconds(s, "RotationGraceSeconds") ?? RotationGrace,
            MaxRotationGrace = Seconds(s, "MaxRotationGraceSeconds") ?? MaxRotationGrace,
            KeyCacheFor = Seconds(s, "KeyCacheSeconds") ?? KeyCacheFor,
            RequestsPerKeyPerSecond = Int(s, "RequestsPerKeyPerSecond") ?? RequestsPerKeyPerSecond,
            RequestsPerHolderPerMinute = Int(s, "RequestsPerHolderPerMinute") ?? RequestsPerHolderPerMinute,
            Hsts = Seconds(s, "HstsSeconds") ?? Hsts,
        };
    }

    private static int? Int(IConfigurationSection s, string key) =>
        s[key] is { } v ? int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ConfigurationException($"SmallChange:Security:{key} must be a whole number, not '{v}'.") : null;

    private static TimeSpan? Seconds(IConfigurationSection s, string key) => Int(s, key) is { } n ? TimeSpan.FromSeconds(n) : null;
}
