using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Staff;
using SmallChange.Hosting;
using SmallChange.Portal;

namespace SmallChange.StaffConsole;

/// <summary>
/// The staff console under <c>/console</c>: its own cookies (<c>sc_console</c>, and <c>sc_console_pending</c> between the
/// password and the second factor), both with the path <c>/console</c>, so a browser never sends them elsewhere; under
/// <c>/console</c> the default scheme is the console's, so a holder's portal cookie opens nothing there (and a console
/// cookie opens no portal page). Two-factor is mandatory: the password alone yields the pending cookie, which opens only
/// the enrolment or code page. Every console page needs a full session; a POST also needs a role the page names
/// (<see cref="StaffWriteAttribute"/>), so an auditor can read everything and change nothing. Refusals answer 404.
/// Four-eyes thresholds come from <c>four-eyes.json</c> in the configuration folder (defaults without it).
/// </summary>
public static class StaffSetup
{
    public const string Scheme = "StaffConsole";
    public const string PendingScheme = "StaffConsolePending";

    /// <summary>A signed-in staff member (any role) with the second factor done; POSTs need the page's role.</summary>
    public const string StaffPolicy = "console_staff";

    /// <summary>Between password and second factor.</summary>
    public const string PendingPolicy = "console_pending";

    public const string PathPrefix = "/console";

    /// <summary>Pages that need no session: the password form.</summary>
    private static readonly string[] AnonymousPages = ["/Console/SignIn"];

    /// <summary>Pages of the pending session: enrolment and the code.</summary>
    private static readonly string[] PendingPages = ["/Console/Enrol", "/Console/TwoFactor"];

    /// <summary>True for a Razor page of the console (its view-engine path, e.g. <c>/Console/Index</c>).</summary>
    public static bool IsConsolePage(string viewEnginePath) => viewEnginePath.StartsWith("/Console/", StringComparison.OrdinalIgnoreCase);

    public static bool IsConsolePath(PathString path) => path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddStaffConsole(this WebApplicationBuilder builder, ServeOptions serve)
    {
        var services = builder.Services;
        services.AddSingleton(FourEyesConfig.Load(serve.ConfigDir));
        services.AddSingleton(sp => new EffectiveCatalog(sp.GetRequiredService<IStore>(), sp.GetRequiredService<PayoutSetup>().Catalog));
        services.AddSingleton<FourEyesService>();
        services.AddSingleton<StaffAccounts>();
        services.AddSingleton<IAuthorizationHandler, StaffWriteHandler>();

        services.AddAuthentication()
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = "sc_console";
                o.Cookie.Path = PathPrefix;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(20);
                o.SlidingExpiration = true;
                o.LoginPath = PathPrefix + "/sign-in";
                o.LogoutPath = PathPrefix + "/sign-out";
                o.Events.OnValidatePrincipal = ValidateFull;
                o.Events.OnRedirectToAccessDenied = NotFound;
            })
            .AddCookie(PendingScheme, o =>
            {
                o.Cookie.Name = "sc_console_pending";
                o.Cookie.Path = PathPrefix;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                o.SlidingExpiration = false;
                o.LoginPath = PathPrefix + "/sign-in";
                o.Events.OnRedirectToAccessDenied = NotFound;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(StaffAccounts.RoleClaim).AddRequirements(new StaffWriteRequirement()))
            .AddPolicy(PendingPolicy, p => p.AddAuthenticationSchemes(PendingScheme).RequireAuthenticatedUser().RequireClaim(StaffAccounts.StageClaim));
        services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AddFolderApplicationModelConvention("/Console", m =>
            {
                if (AnonymousPages.Contains(m.ViewEnginePath, StringComparer.OrdinalIgnoreCase))
                {
                    m.EndpointMetadata.Add(new AllowAnonymousAttribute());
                    m.EndpointMetadata.Add(new EnableRateLimitingAttribute(PortalIpRateLimit.PolicyName));
                }
                else if (PendingPages.Contains(m.ViewEnginePath, StringComparer.OrdinalIgnoreCase))
                {
                    m.EndpointMetadata.Add(new AuthorizeAttribute(PendingPolicy));
                    m.EndpointMetadata.Add(new EnableRateLimitingAttribute(PortalIpRateLimit.PolicyName));
                }
                else
                {
                    m.EndpointMetadata.Add(new AuthorizeAttribute(StaffPolicy));
                }
            });
        });
        return builder;
    }

    /// <summary>Every request of a console session re-reads the account: disabled, re-enrolled or changed role ends the session at once.</summary>
    private static async Task ValidateFull(CookieValidatePrincipalContext ctx)
    {
        var accounts = ctx.HttpContext.RequestServices.GetRequiredService<StaffAccounts>();
        var user = ctx.Principal is null ? null : await accounts.Current(ctx.Principal, ctx.HttpContext.RequestAborted);
        if (user is null || !user.TwoFactorEnabled || user.Role.ToWire() != ctx.Principal!.FindFirstValue(StaffAccounts.RoleClaim))
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static Task NotFound(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        ctx.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}

/// <summary>The roles that may POST to a console page (its forms). A page without it takes no POST from anyone.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class StaffWriteAttribute(params StaffRole[] roles) : Attribute
{
    public IReadOnlyList<StaffRole> Roles { get; } = roles;
}

/// <summary>Reads are open to every staff role; anything else needs a role the page's <see cref="StaffWriteAttribute"/> names.</summary>
public sealed class StaffWriteRequirement : IAuthorizationRequirement;

public sealed class StaffWriteHandler : AuthorizationHandler<StaffWriteRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffWriteRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var method = http?.Request.Method;
        if (method is not null && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
        {
            context.Succeed(requirement);
        }
        else if (StaffAccounts.RoleOf(context.User) is { } role && http?.GetEndpoint()?.Metadata.GetMetadata<StaffWriteAttribute>() is { } write && write.Roles.Contains(role))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Reads <c>four-eyes.json</c> from the configuration folder; without it, <see cref="ReleaseThresholds.Default"/>.</summary>
public static class FourEyesConfig
{
    public const string FileName = "four-eyes.json";

    public static ReleaseThresholds Load(string configDir)
    {
        var path = Path.Combine(configDir, FileName);
        if (!File.Exists(path))
        {
            return ReleaseThresholds.Default;
        }

        var parsed = ReleaseThresholds.Parse(File.ReadAllText(path));
        return parsed.TryGet(out var t, out var error) ? t : throw new ConfigurationException($"{path}: {error}");
    }
}
