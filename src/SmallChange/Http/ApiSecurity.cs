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
        return builder;
    }
}
