using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Ports;

namespace SmallChange.Hosting;

public static class SanctionsSetup
{
    /// <summary>
    /// The sanctions lists the server screens against: <see cref="SanctionsListService"/> over the versions imported into
    /// the database (<c>smallchange sanctions import</c>), with the list files of <c>SmallChange:Sanctions:Lists</c>
    /// (default: testdata/sanctions above the content root or the executable, when there is one) for any list never
    /// imported. Resolve the service and call <see cref="SanctionsListService.Screener"/> to screen.
    /// </summary>
    public static IServiceCollection AddSanctionsLists(this IServiceCollection services, IConfiguration config, string contentRoot)
    {
        services.AddSingleton(sp =>
        {
            var configured = config["SmallChange:Sanctions:Lists"];
            IReadOnlyList<SanctionsList> Fallback()
            {
                var dir = configured is { Length: > 0 } c ? c : SanctionsListFolder.FindDefault(contentRoot, AppContext.BaseDirectory);
                if (dir is null)
                {
                    return [];
                }

                var loaded = SanctionsListFolder.Load(dir);
                return loaded.TryGet(out var lists, out var error)
                    ? lists
                    : throw new ConfigurationException($"SmallChange:Sanctions:Lists ({dir}): {error.Code}: {error.Message}");
            }

            return new SanctionsListService(sp.GetRequiredService<IStore>(), sp.GetRequiredService<TimeProvider>(), null, Fallback);
        });
        return services;
    }
}
