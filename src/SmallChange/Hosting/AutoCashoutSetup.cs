using SmallChange.Core.Cashouts;
using SmallChange.Workers;

namespace SmallChange.Hosting;

/// <summary>Automatic cash-out (issue 7, point 3): the rules' service and, with workers, the worker that runs them.</summary>
public static class AutoCashoutSetup
{
    public static WebApplicationBuilder AddAutoCashout(this WebApplicationBuilder builder, ServeOptions options)
    {
        builder.Services.AddSingleton<AutoCashoutService>();
        if (options.RunWorkers)
        {
            builder.Services.AddHostedService<AutoCashoutWorker>();
        }

        return builder;
    }
}
