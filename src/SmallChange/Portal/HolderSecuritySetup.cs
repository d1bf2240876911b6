using SmallChange.Core.Notifications;
using SmallChange.Core.Security;
using SmallChange.Hosting;
using SmallChange.Workers;

namespace SmallChange.Portal;

/// <summary>
/// The holder-side security services (issue 4, points 3 to 5): the activity log and its alerts, destination
/// activation after cooling-off, step-up checks and the actions that need one.
/// </summary>
public static class HolderSecuritySetup
{
    public static WebApplicationBuilder AddHolderSecurity(this WebApplicationBuilder builder, ServeOptions serve)
    {
        var services = builder.Services;
        services.AddSingleton<HolderAlerts>();
        services.AddSingleton<ActivityLog>();
        services.AddSingleton<DestinationActivation>();
        services.AddSingleton<PortalActivity>();
        services.AddSingleton(sp => new StepUpOptions(sp.GetRequiredService<PortalOptions>().StepUpLifetime));
        services.AddSingleton<StepUpGate>();
        services.AddSingleton<HolderActions>();
        services.AddScoped<StepUpVerifier>();
        services.AddScoped<PortalInvites>();
        if (serve.RunWorkers)
        {
            services.AddHostedService<DestinationActivationWorker>();
        }

        return builder;
    }
}
