using System.Collections.Concurrent;
using System.Globalization;
using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Ports;

namespace SmallChange.Hosting;

public static class SanctionsSetup
{
    public const string ListsSetting = "SmallChange:Sanctions:Lists";
    public const string ThresholdSetting = "SmallChange:Sanctions:Threshold";

    /// <summary>List folders read in this process, by full path: every host over the same folder shares one read.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<SanctionsList>>> Folders = new(StringComparer.Ordinal);

    /// <summary>
    /// The sanctions lists the server screens against: <see cref="SanctionsListService"/> over the versions imported into
    /// the database (<c>smallchange sanctions import</c>), with the list files of <c>SmallChange:Sanctions:Lists</c>
    /// (default: testdata/sanctions above the content root or the executable, when there is one; <c>none</c>: no files) for
    /// any list never imported; the score threshold from <c>SmallChange:Sanctions:Threshold</c>. Resolve the service and
    /// call <see cref="SanctionsListService.Screener"/> to screen. A folder that cannot be read is logged and left out, so
    /// screening fails closed (every cash-out held) rather than failing every request.
    /// </summary>
    public static IServiceCollection AddSanctionsLists(this IServiceCollection services, IConfiguration config, string contentRoot)
    {
        services.AddSingleton(sp =>
        {
            var configured = config[ListsSetting];
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("SmallChange.Sanctions");
            IReadOnlyList<SanctionsList> Fallback()
            {
                var dir = configured switch
                {
                    "none" => null,
                    { Length: > 0 } c => c,
                    _ => SanctionsListFolder.FindDefault(contentRoot, AppContext.BaseDirectory),
                };
                if (dir is null)
                {
                    return [];
                }

                return Folders.GetOrAdd(Path.GetFullPath(dir), path => new Lazy<IReadOnlyList<SanctionsList>>(() =>
                {
                    var loaded = SanctionsListFolder.Load(path);
                    if (loaded.TryGet(out var lists, out var error))
                    {
                        return lists;
                    }

                    log.LogError("Sanctions list files could not be read ({Code}); lists never imported are not screened", error.Code);
                    return [];
                })).Value;
            }

            var threshold = double.TryParse(config[ThresholdSetting], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t is > 0 and <= 1
                ? t
                : SanctionsScreenerOptions.RecommendedThreshold;
            return new SanctionsListService(sp.GetRequiredService<IStore>(), sp.GetRequiredService<TimeProvider>(),
                new SanctionsScreenerOptions { Threshold = threshold }, Fallback);
        });
        return services;
    }
}
