using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SmallChange.Core.Common;
using SmallChange.Portal;

namespace SmallChange.Http;

/// <summary>
/// Rate limits per API key and per holder (ASP.NET Core rate limiting, in memory per node), as the global limiter:
/// <list type="bullet">
/// <item>per key: a token bucket holding <see cref="ApiSecurityOptions.RequestsPerKeyPerSecond"/> × <see cref="ApiSecurityOptions.RateWindow"/>
/// requests, refilled at that rate in up to ten steps per window; every request an API key authenticates counts;</item>
/// <item>per holder: <see cref="ApiSecurityOptions.RequestsPerHolderPerMinute"/> in a sliding minute, for API calls
/// naming the holder in their path (<c>/v1/holders/{id}/…</c>) and for the holder's own portal pages.</item>
/// </list>
/// Over a limit: 429 with <c>Retry-After</c> (seconds), a problem (<c>rate.limited</c>) on the API and the HTML error
/// page on the portal. Unauthenticated requests are not counted here (the portal's account forms have their own per-IP
/// limit, <see cref="PortalIpRateLimit"/>); a request without a valid key is refused before it costs more than one read.
/// </summary>
public static class ApiRateLimits
{
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services, ApiSecurityOptions options)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(PerKey(options), PerHolder(options));
            o.OnRejected = OnRejected;
        });
        return services;
    }

    private static PartitionedRateLimiter<HttpContext> PerKey(ApiSecurityOptions options) => PartitionedRateLimiter.Create<HttpContext, string>(http =>
    {
        if (options.RequestsPerKeyPerSecond <= 0 || http.User.FindFirstValue(ApiKeyAuthHandler.ScopeClaim) is null
            || http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } keyId)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        // A bucket of one window's requests, refilled in up to ten equal steps per window.
        var perWindow = Math.Max(1, (int)Math.Min(int.MaxValue, options.RequestsPerKeyPerSecond * options.RateWindow.TotalSeconds));
        var steps = Math.Min(10, perWindow);
        return RateLimitPartition.GetTokenBucketLimiter(keyId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perWindow,
            TokensPerPeriod = perWindow / steps,
            ReplenishmentPeriod = options.RateWindow / steps,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    });

    private static PartitionedRateLimiter<HttpContext> PerHolder(ApiSecurityOptions options) => PartitionedRateLimiter.Create<HttpContext, string>(http =>
    {
        if (options.RequestsPerHolderPerMinute <= 0 || HolderOf(http) is not { } holder)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        return RateLimitPartition.GetSlidingWindowLimiter(holder.ToString(), _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.RequestsPerHolderPerMinute,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    });

    /// <summary>The holder a request is about: the signed-in holder on the portal, or the holder an API path names.</summary>
    internal static HolderId? HolderOf(HttpContext http)
    {
        if (PortalStatusPages.IsPortalPath(http.Request.Path))
        {
            return PortalClaimsFactory.HolderOf(http.User);
        }

        if (!http.Request.Path.StartsWithSegments("/v1/holders"))
        {
            return null;
        }

        var value = http.GetRouteValue("holderId") ?? http.GetRouteValue("id");
        return value is string s && Guid.TryParse(s, out var id) ? new HolderId(id) : null;
    }

    private static async ValueTask OnRejected(OnRejectedContext ctx, CancellationToken ct)
    {
        var http = ctx.HttpContext;
        var retry = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (PortalStatusPages.IsPortalPath(http.Request.Path))
        {
            await PortalStatusPages.Write(http, StatusCodes.Status429TooManyRequests, ct);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await http.Response.WriteAsJsonAsync(
            Problems.Create(new Error("rate.limited", "Too many requests: slow down and retry after the number of seconds in Retry-After."), 429, http),
            options: null, contentType: "application/problem+json", cancellationToken: ct);
    }
}
