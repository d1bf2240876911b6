using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Workers;

namespace SmallChange.Api.Webhooks;

/// <summary>Webhooks in and out: secrets, the outbox dispatcher and its worker, and the sandbox providers' callback mode.</summary>
public static class WebhookSetup
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder, ServeOptions serve)
    {
        var options = serve.Webhooks with
        {
            SandboxCallbackUrl = builder.Configuration["SmallChange:Webhooks:SandboxCallbackUrl"] ?? serve.Webhooks.SandboxCallbackUrl ?? LocalAddress(serve.Urls),
        };
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookDispatcher>();
        if (serve.Sandbox.Callbacks)
        {
            services.AddSingleton(sp => new SandboxCallbacks(
                sp.GetRequiredService<IStore>(), sp.GetRequiredService<WebhookSecrets>().SandboxSigningSecret, new Uri(options.SandboxCallbackUrl!.TrimEnd('/') + "/"),
                sp.GetRequiredService<TimeProvider>()));
        }

        if (serve.RunWorkers)
        {
            services.AddHostedService<WebhookWorker>();
        }

        return builder;
    }

    /// <summary>The first listen address as a client reaches it (a wildcard host means this machine).</summary>
    private static string LocalAddress(string urls)
    {
        var first = urls.Split(';')[0].Trim();
        foreach (var wildcard in new[] { "://+", "://*", "://0.0.0.0", "://[::]" })
        {
            first = first.Replace(wildcard, "://127.0.0.1", StringComparison.Ordinal);
        }

        return first;
    }
}
