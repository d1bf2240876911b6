using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Api.Cashouts;
using SmallChange.Api.Compliance;
using SmallChange.Api.Credits;
using SmallChange.Api.Destinations;
using SmallChange.Api.Providers;
using SmallChange.Api.Quotes;
using SmallChange.Core.Audit;
using SmallChange.Core.Cashouts;
using SmallChange.Api.Holders;
using SmallChange.Api.Kyc;
using SmallChange.Api.Keys;
using SmallChange.Api.Webhooks;
using SmallChange.Api.Log;
using SmallChange.Api.Sources;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Http;
using SmallChange.Portal;
using SmallChange.StaffConsole;
using SmallChange.Workers;

namespace SmallChange.Hosting;

/// <summary>What <c>smallchange serve</c> runs with.</summary>
public sealed record ServeOptions(string Db, string Urls, bool RunWorkers = true)
{
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public string ContentRoot { get; init; } = AppContext.BaseDirectory;

    /// <summary>Folder with providers.json and fx-rates.json; default: <c>config</c> next to the executable.</summary>
    public string ConfigDir { get; init; } = Path.Combine(AppContext.BaseDirectory, "config");

    public SandboxOptions Sandbox { get; init; } = new();

    /// <summary>The holder portal: mail folder, public address, throttling and lockout.</summary>
    public PortalOptions Portal { get; init; } = new();

    /// <summary>
    /// <c>serve --demo</c>: the sandbox identity verifier unless <c>SmallChange:Kyc:Verifier</c> is set, and a welcome
    /// credit from the demo sources for each new portal sign-up (<see cref="DemoWelcome"/>). Never on in production.
    /// </summary>
    public bool Demo { get; init; }

    /// <summary>A cooling-off period for new destinations that replaces the jurisdiction profiles' (tests, the demo); null: the profiles decide.</summary>
    public TimeSpan? CoolingOffOverride { get; init; }
    /// <summary>The platform API's protections: key rotation and cache, rate limits, HSTS.</summary>
    public ApiSecurityOptions Security { get; init; } = new();

    /// <summary>Webhook delivery: retries, timeouts, the sandbox providers' callback address.</summary>
    public WebhookOptions Webhooks { get; init; } = new();

    /// <summary>The checkpoint-signing key file (see <see cref="LogKeyFile"/>); null for the default place.</summary>
    public string? LogKeyFile { get; init; }

    /// <summary>The name checkpoints are signed under (RFC 9162's log origin).</summary>
    public string LogOrigin { get; init; } = "smallchange/ledger";
}

public static class SmallChangeHost
{
    /// <summary>Builds the web host: API under /v1, holder portal at /, OpenAPI, health, workers. The store must already be migrated.</summary>
    public static WebApplication Build(ServeOptions options, IStore store, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = options.ContentRoot,
            Args = [],
            // The portal's Razor Pages are compiled into this assembly; name it even when a test runner is the entry point.
            ApplicationName = typeof(SmallChangeHost).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("SmallChange", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(options.Clock);
        builder.Services.AddSmallChangeCore();
        var logKey = Hosting.LogKeyFile.LoadOrCreate(Hosting.LogKeyFile.PathFor(options.Db, options.LogKeyFile));
        builder.Services.AddSingleton(sp => new CheckpointService(store, logKey, options.LogOrigin, options.Clock));
        builder.Services.AddHostedService<LogKeyPublisher>();
        builder.Services.AddSingleton(sp => new CreditBatcher(sp.GetRequiredService<CreditService>(), CreditBatcherOptionsFrom(builder.Configuration)));
        builder.Services.AddSingleton(PayoutConfig.Load(options.ConfigDir) with { CoolingOffOverride = options.CoolingOffOverride });
        builder.Services.AddSingleton(options.Sandbox);
        builder.Services.AddSingleton<IPayoutRail, SandboxRail>();
        builder.Services.AddSingleton(sp => new PayoutRails(sp.GetServices<IPayoutRail>()));
        builder.Services.AddProviderTrust();
        builder.Services.AddKyc();
        builder.Services.AddSingleton<DemoWelcome>();
        builder.Services.AddSanctionsLists(builder.Configuration, options.ContentRoot);
        builder.Services.AddSingleton<CashoutService>();
        builder.Services.AddSingleton<CashoutProcessor>();
        builder.AddCompliance(options);
        builder.Services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1");
        builder.AddApiSecurity(options);
        builder.AddWebhooks(options);
        builder.Services.AddHealthChecks();
        builder.AddPortal(options);
        builder.AddHolderSecurity(options);
        builder.AddAutoCashout(options);
        builder.AddStaffConsole(options);
        if (options.RunWorkers)
        {
            builder.Services.AddHostedService<HoldExpiryWorker>();
            builder.Services.AddHostedService<PayoutWorker>();
            builder.Services.AddHostedService<CheckpointWorker>();
            builder.Services.AddHostedService<SanctionsListRefresher>();
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseApiSecurity();
        app.UseExceptionHandler(e => e.Run(WriteUnhandled));
        app.Use(async (http, next) =>
        {
            // Client mistakes found while binding (malformed JSON, bad cursor) are answered here, so the exception
            // handler above only ever sees real server errors.
            try
            {
                await next(http);
            }
            catch (Exception ex) when (ex is BadHttpRequestException or InvalidCursorException && !http.Response.HasStarted)
            {
                var (status, error) = ClientError(ex);
                http.Response.StatusCode = status;
                await http.Response.WriteAsJsonAsync(Problems.Create(error, status, http), options: null, contentType: "application/problem+json");
            }
        });
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            if (!http.Response.HasStarted && http.Response.ContentLength is null && PortalStatusPages.IsPortalPath(http.Request.Path))
            {
                await PortalStatusPages.Write(http, http.Response.StatusCode, http.RequestAborted);
            }
            else if (!http.Response.HasStarted && http.Response.ContentLength is null)
            {
                var code = http.Response.StatusCode switch
                {
                    404 => "resource.not_found",
                    405 => "request.method_not_allowed",
                    415 => "request.unsupported_media_type",
                    _ => "request.invalid",
                };
                await http.Response.WriteAsJsonAsync(Problems.Create(new Error(code, "See the API reference at /openapi/v1.json."), http.Response.StatusCode, http),
                    options: null, contentType: "application/problem+json");
            }
        });
        app.UsePortal();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        var v1 = app.MapGroup("/v1");
        v1.MapSources().MapHolders().MapCredits().MapProviders().MapQuotes().MapDestinations().MapCashouts().MapLog().MapKyc().MapPortalInvites().MapKeys().MapWebhooks().MapCompliance().MapAutoCashout().MapApprovals();
        app.MapRazorPages();
        return app;
    }

    public static IServiceCollection AddSmallChangeCore(this IServiceCollection services)
    {
        services.AddSingleton<LedgerEngine>();
        services.AddSingleton<AccountDirectory>();
        services.AddSingleton<CreditService>();
        return services;
    }

    /// <summary>
    /// Group commit of single credits: on unless <c>SmallChange:Credits:GroupCommit</c> is false (environment:
    /// <c>SmallChange__Credits__GroupCommit=false</c>, used by bench/credit-load.sh for its baseline);
    /// <c>SmallChange:Credits:MaxGroup</c> and <c>SmallChange:Credits:GroupWaitMilliseconds</c> tune it.
    /// </summary>
    private static CreditBatcherOptions CreditBatcherOptionsFrom(IConfiguration config) => new(
        config.GetValue("SmallChange:Credits:GroupCommit", true),
        Math.Clamp(config.GetValue("SmallChange:Credits:MaxGroup", CreditBatcherOptions.DefaultMaxGroup), 1, CreditService.MaxBatch),
        TimeSpan.FromMilliseconds(Math.Clamp(config.GetValue("SmallChange:Credits:GroupWaitMilliseconds", 0), 0, 1_000)));

    private static (int Status, Error Error) ClientError(Exception ex) => ex switch
    {
        BadHttpRequestException { InnerException: System.Text.Json.JsonException } =>
            (400, new Error("request.malformed_json", "The body is not valid JSON for this request.")),
        BadHttpRequestException b when b.StatusCode == 413 => (413, new Error("request.too_large", "The request body is too large.")),
        BadHttpRequestException b when b.Message.Contains("body", StringComparison.OrdinalIgnoreCase) =>
            (400, new Error("request.body_required", "A JSON body is required.")),
        BadHttpRequestException b when b.StatusCode == 415 => (415, new Error("request.unsupported_media_type", "Send the body as application/json.")),
        InvalidCursorException => (400, new Error("cursor.invalid", "The cursor is not one this API issued.", "cursor")),
        _ => (400, new Error("request.invalid", "The request is not valid: check parameters and their formats.")),
    };

    private static async Task WriteUnhandled(HttpContext http)
    {
        var ex = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, error) = ex switch
        {
            BadHttpRequestException or InvalidCursorException => ClientError(ex),
            OperationCanceledException => (499, new Error("request.cancelled", "The request was cancelled.")),
            StoreUnavailableException => (503, new Error("server.unavailable",
                "The database is unreachable right now. Nothing of this request was committed; retry later with the same idempotency key or reference.")),
            WriteUnconfirmedException => (503, new Error("server.write_unconfirmed",
                "The write may be committed, but the database could not confirm that a standby has it. Retry with the same idempotency key or reference: a replay answers with the original result.")),
            _ => (500, new Error("server.error", "An unexpected error occurred. Nothing was committed unless a later read shows it.")),
        };
        if (status == 503)
        {
            http.Response.Headers.RetryAfter = "5";
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SmallChange.Http")
                .LogWarning("Database unavailable on {Path} trace {TraceId}", http.Request.Path.Value, http.TraceIdentifier);
        }

        if (status == 500)
        {
            // Log the exception type and trace id only: messages can carry request data.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SmallChange.Http")
                .LogError("Unhandled {ExceptionType} on {Path} trace {TraceId}", ex?.GetType().FullName, http.Request.Path.Value, http.TraceIdentifier);
        }

        if (PortalStatusPages.IsPortalPath(http.Request.Path))
        {
            await PortalStatusPages.Write(http, status);
            return;
        }

        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(Problems.Create(error, status, http), options: null, contentType: "application/problem+json");
    }
}
