using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace SmallChange.Portal;

/// <summary>
/// Throttling per account (ASP.NET Core's rate limiters, keyed by a hash of the account's address or id): sign-in
/// attempts and password-reset mails. It works before any password is checked and whatever the IP, so many addresses
/// attacking one account are slowed too. In memory, per node; the lockout counter in the database is shared.
/// </summary>
public sealed class PortalThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _signIns;
    private readonly PartitionedRateLimiter<string> _resetMails;

    public PortalThrottle(PortalOptions options)
    {
        _signIns = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ =>
            new SlidingWindowRateLimiterOptions { PermitLimit = options.SignInsPerAccountPerQuarterHour, Window = TimeSpan.FromMinutes(15), SegmentsPerWindow = 15, QueueLimit = 0 }));
        _resetMails = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ =>
            new SlidingWindowRateLimiterOptions { PermitLimit = options.ResetMailsPerAccountPerHour, Window = TimeSpan.FromHours(1), SegmentsPerWindow = 12, QueueLimit = 0 }));
    }

    /// <summary>Takes one sign-in attempt for the account (its normalized e-mail or its id); false when over the limit.</summary>
    public bool TrySignIn(string account) => Take(_signIns, account);

    /// <summary>Takes one reset mail for the normalized address (known or not); false when over the limit.</summary>
    public bool TryResetMail(string normalizedEmail) => Take(_resetMails, normalizedEmail);

    public void Dispose()
    {
        _signIns.Dispose();
        _resetMails.Dispose();
    }

    private static bool Take(PartitionedRateLimiter<string> limiter, string account)
    {
        // The key is a hash: the limiter's memory holds no addresses.
        using var lease = limiter.AttemptAcquire(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(account))));
        return lease.IsAcquired;
    }
}

/// <summary>
/// The per-IP limit on the account pages (<see cref="PolicyName"/>): form posts only (GETs are free), counted per client
/// IP across sign-in, sign-up and password pages. Over the limit, an HTML 429 page with <c>Retry-After</c>.
/// Behind a reverse proxy, configure forwarded headers so the client IP is the real one.
/// </summary>
public sealed class PortalIpRateLimit(PortalOptions options) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "portal-account-forms";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (ctx, ct) =>
    {
        var retry = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        ctx.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await PortalStatusPages.Write(ctx.HttpContext, StatusCodes.Status429TooManyRequests, ct);
    };

    public RateLimitPartition<string> GetPartition(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter("get");
        }

        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetSlidingWindowLimiter(ip, _ =>
            new SlidingWindowRateLimiterOptions { PermitLimit = options.AccountPostsPerIpPerMinute, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0 });
    }
}
