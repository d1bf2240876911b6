using Microsoft.AspNetCore.Authentication;
using SmallChange.Hosting;
using SmallChange.Portal;

namespace SmallChange.Http;

/// <summary>
/// The platform API's protections in one place: API-key authentication (with the key cache) and the authorization
/// policies. See docs/security.md, "The platform API".
/// </summary>
public static class ApiSecurity
{
    public static WebApplicationBuilder AddApiSecurity(this WebApplicationBuilder builder, ServeOptions serve)
    {
        var options = serve.Security.With(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ApiKeyLookup>();

        // API keys under /v1, the portal's session cookie elsewhere (see PortalSetup.DefaultScheme).
        services.AddAuthentication(PortalSetup.DefaultScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthHandler>(ApiKeyAuthHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Operator, p => p.RequireClaim(ApiKeyAuthHandler.ScopeClaim, "operator").AddRequirements(new KeyAccessRequirement()))
            .AddPolicy(Policies.AnyKey, p => p.RequireAuthenticatedUser().AddRequirements(new KeyAccessRequirement()));
        services.AddApiRateLimits(options);
        return builder;
    }

    /// <summary>
    /// Security headers on every response, set as the response starts (so error responses get them too). API, OpenAPI
    /// and health answers are data, never a page: no content sniffing, nothing may frame or run them, no referrer, and
    /// API answers (balances, keys shown once) are not cached. Portal pages get their own policy (PortalSetup.UsePortal).
    /// HTTPS responses carry Strict-Transport-Security.
    /// </summary>
    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<ApiSecurityOptions>();
        var hsts = options.Hsts > TimeSpan.Zero ? $"max-age={(long)options.Hsts.TotalSeconds}; includeSubDomains" : null;
        app.Use((http, next) =>
        {
            http.Response.OnStarting(static state =>
            {
                var (http, hsts) = ((HttpContext, string?))state;
                var headers = http.Response.Headers;
                if (!PortalStatusPages.IsPortalPath(http.Request.Path))
                {
                    headers.XContentTypeOptions = "nosniff";
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                    headers.XFrameOptions = "DENY";
                    headers["Referrer-Policy"] = "no-referrer";
                    if (http.Request.Path.StartsWithSegments("/v1"))
                    {
                        headers.CacheControl = "no-store";
                    }
                }

                if (hsts is not null && http.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = hsts;
                }

                return Task.CompletedTask;
            }, (http, hsts));
            return next(http);
        });
        return app;
    }
}
