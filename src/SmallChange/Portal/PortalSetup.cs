using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.FileProviders;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Http;

namespace SmallChange.Portal;

/// <summary>
/// The holder portal: Razor Pages at <c>/</c> next to the API. Two ways in, chosen by path (<see cref="DefaultScheme"/>):
/// <c>/v1</c> authenticates API keys only, exactly as before; every other path authenticates the portal's session
/// cookie only (ASP.NET Core Identity), so a browser's cookie never reaches the API. Forms carry antiforgery tokens.
/// </summary>
public static class PortalSetup
{
    /// <summary>The default authentication scheme: forwards to the API-key scheme under /v1 and to the portal cookie elsewhere.</summary>
    public const string DefaultScheme = "SmallChange";

    /// <summary>Signed in to the portal as a holder.</summary>
    public const string HolderPolicy = "portal_holder";

    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder, ServeOptions serve)
    {
        var options = serve.Portal with
        {
            MailFolder = builder.Configuration["SmallChange:Portal:MailFolder"] ?? serve.Portal.MailFolder ?? Path.Combine(Directory.GetCurrentDirectory(), "mail"),
            PublicUrl = (builder.Configuration["SmallChange:Portal:PublicUrl"] ?? serve.Portal.PublicUrl ?? serve.Urls.Split(';')[0]).TrimEnd('/'),
            StepUpLifetime = builder.Configuration.GetValue<int?>("SmallChange:Portal:StepUpMinutes") is { } minutes
                ? TimeSpan.FromMinutes(Math.Clamp(minutes, 1, 60))
                : serve.Portal.StepUpLifetime,
        };
        var services = builder.Services;
        services.AddSingleton(options);

        // Notifications: the inbox (stored) and the mail channel (SMTP when configured, else one file per message).
        services.AddSingleton<INotifier, InboxNotifier>();
        services.AddSingleton<INotifier>(sp => MailChannel.Create(builder.Configuration, options.MailFolder!, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<NotificationFanOut>();
        services.AddSingleton<PortalNotices>();

        // Data Protection keys in the database: cookies, reset links and authenticator secrets survive restarts and work on every node.
        services.AddDataProtection().SetApplicationName("SmallChange");
        services.AddOptions<KeyManagementOptions>().Configure<IStore, TimeProvider>((o, store, clock) => o.XmlRepository = new StoreXmlRepository(store, clock));

        services.AddAuthentication()
            .AddPolicyScheme(DefaultScheme, "API key under /v1, staff console session under /console, portal session elsewhere", o => o.ForwardDefaultSelector = http =>
                StaffConsole.StaffSetup.IsConsolePath(http.Request.Path) ? StaffConsole.StaffSetup.Scheme
                : PortalStatusPages.IsPortalPath(http.Request.Path) ? IdentityConstants.ApplicationScheme
                : ApiKeyAuthHandler.SchemeName)
            .AddIdentityCookies();
        services.AddScoped<PortalUserStore>();
        services.AddIdentityCore<PortalAccount>(o =>
            {
                // NIST SP 800-63B: length and a blocklist, no composition rules (see PasswordPolicy.cs).
                o.Password.RequiredLength = 12;
                o.Password.RequiredUniqueChars = 5;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = true; // HolderStatusConfirmation: the holder is active
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = options.MaxFailedAccessAttempts;
                o.Lockout.DefaultLockoutTimeSpan = options.LockoutDuration;
                o.Tokens.AuthenticatorTokenProvider = TokenOptions.DefaultAuthenticatorProvider;
                o.Tokens.PasswordResetTokenProvider = TokenOptions.DefaultProvider;
            })
            .AddUserStore<PortalUserStore>()
            .AddErrorDescriber<PortalErrorDescriber>()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddPasswordValidator<EmailPasswordValidator>()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddUserConfirmation<HolderStatusConfirmation>()
            .AddTokenProvider<DataProtectorTokenProvider<PortalAccount>>(TokenOptions.DefaultProvider)
            .AddTokenProvider<TotpTokenProvider>(TokenOptions.DefaultAuthenticatorProvider)
            .AddTokenProvider<InviteTokenProvider>(PortalInvites.TokenProvider)
            .AddSignInManager();
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = options.ResetLinkLifetime);
        services.Configure<InviteTokenProviderOptions>(o =>
        {
            o.Name = PortalInvites.TokenProvider;
            o.TokenLifespan = options.InviteLifetime;
        });
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            o.OnRefreshingPrincipal = PortalSessions.OnRefreshingPrincipal;
        });
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "sc_session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            o.SlidingExpiration = true;
            o.LoginPath = "/sign-in";
            o.LogoutPath = "/sign-out";
            o.AccessDeniedPath = "/sign-in";
            o.Events.OnSigningIn = PortalSessions.OnSigningIn;
        });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o =>
        {
            o.Cookie.Name = "sc_2fa";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "sc_csrf";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__RequestVerificationToken";
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(HolderPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser().RequireClaim(PortalClaimsFactory.HolderClaim));
        // Pages show names, masked numbers (•••• 1234) and Korean text as they are; HTML's own characters are still encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorPages(o =>
        {
            // Every page needs a holder's session, except the staff console's, which StaffSetup gives its own.
            o.Conventions.AddFolderApplicationModelConvention("/", m =>
            {
                if (!StaffConsole.StaffSetup.IsConsolePage(m.ViewEnginePath))
                {
                    m.EndpointMetadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(HolderPolicy));
                }
            });
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToFolder("/Account");
            o.Conventions.AddFolderApplicationModelConvention("/Account", m => m.EndpointMetadata.Add(new EnableRateLimitingAttribute(PortalIpRateLimit.PolicyName)));
        });

        // Throttling: per client IP on the account forms (middleware), per account in the page handlers.
        services.AddSingleton<PortalThrottle>();
        services.AddRateLimiter(o => o.AddPolicy(PortalIpRateLimit.PolicyName, new PortalIpRateLimit(options)));
        return builder;
    }

    /// <summary>
    /// Response headers for portal paths, then the portal's static assets (embedded in the executable) under
    /// <c>/assets</c>. Pages may not be framed (clickjacking), run no script, load nothing from elsewhere, post forms
    /// only here, and are never cached (they show balances and, once, recovery codes).
    /// </summary>
    public static WebApplication UsePortal(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            if (PortalStatusPages.IsPortalPath(http.Request.Path))
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy =
                    "default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self'; img-src 'self' data:; " +
                    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                if (!http.Request.Path.StartsWithSegments("/assets"))
                {
                    headers.CacheControl = "no-store";
                }
            }

            return next(http);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(PortalSetup).Assembly, "SmallChange.wwwroot"),
            RequestPath = "/assets",
        });
        return app;
    }
}
