using System.Collections.Concurrent;
using System.Globalization;
using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Ports;

namespace SmallChange.Api.Compliance;

/// <summary>
/// Screens against the list files of one folder (OFAC SDN and consolidated CSV, UN consolidated XML; see
/// <see cref="SanctionsListFolder"/>), as the CLI's <c>screen</c> does. The folder is <c>SmallChange:Sanctions:Lists</c>
/// (environment <c>SmallChange__Sanctions__Lists</c>), by default <c>testdata/sanctions</c> above the executable; <c>none</c>
/// turns screening off, which holds every cash-out (screening fails closed). The lists are read once per process and
/// folder, in the background from the first use; a screening waits for them.
/// </summary>
public sealed class FolderSanctionsCheck : ISanctionsCheck
{
    public const string ListsSetting = "SmallChange:Sanctions:Lists";
    public const string ThresholdSetting = "SmallChange:Sanctions:Threshold";

    private static readonly ConcurrentDictionary<(string Folder, double Threshold), Lazy<Task<Loaded?>>> Cache = new();

    private readonly Lazy<Task<Loaded?>>? _loaded;

    public FolderSanctionsCheck(string? folder, double threshold, ILogger<FolderSanctionsCheck> log)
    {
        Folder = folder;
        if (folder is null)
        {
            log.LogWarning("No sanctions list folder: screening is off and every cash-out is held for review (set {Setting})", ListsSetting);
            return;
        }

        _loaded = Cache.GetOrAdd((Path.GetFullPath(folder), threshold), key => new Lazy<Task<Loaded?>>(() => Task.Run(() => Load(key.Folder, key.Threshold, log))));
    }

    /// <summary>The folder the lists come from (null: screening off).</summary>
    public string? Folder { get; }

    /// <summary>The folder from configuration: the setting, else <c>testdata/sanctions</c> above the content root or the executable.</summary>
    public static FolderSanctionsCheck FromConfiguration(IConfiguration config, string contentRoot, ILogger<FolderSanctionsCheck> log)
    {
        var setting = config[ListsSetting];
        var folder = setting switch
        {
            "none" => null,
            { Length: > 0 } s => s,
            _ => SanctionsListFolder.FindDefault(contentRoot, AppContext.BaseDirectory),
        };
        var threshold = double.TryParse(config[ThresholdSetting], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t is > 0 and <= 1
            ? t
            : SanctionsScreenerOptions.RecommendedThreshold;
        return new FolderSanctionsCheck(folder, threshold, log);
    }

    public async ValueTask<SanctionsScreen?> Screen(ScreeningQuery query, CancellationToken ct = default)
    {
        if (_loaded is null || await _loaded.Value.WaitAsync(ct) is not { } loaded)
        {
            return null;
        }

        return new SanctionsScreen(loaded.Screener.Screen(query), loaded.Lists);
    }

    /// <summary>How many list entries the screener holds (0 when none is loaded); waits for the lists.</summary>
    public async Task<int> EntryCount(CancellationToken ct = default) =>
        _loaded is not null && await _loaded.Value.WaitAsync(ct) is { } loaded ? loaded.Screener.EntryCount : 0;

    private static Loaded? Load(string folder, double threshold, ILogger log)
    {
        var lists = SanctionsListFolder.Load(folder);
        if (!lists.TryGet(out var loaded, out var error))
        {
            log.LogError("Sanctions lists could not be loaded ({Code}): screening is off and every cash-out is held for review", error.Code);
            return null;
        }

        var screener = new SanctionsScreener(loaded, new SanctionsScreenerOptions { Threshold = threshold });
        log.LogInformation("Sanctions lists loaded: {Lists} ({Entries} entries)", Describe(loaded), screener.EntryCount);
        return new Loaded(screener, Describe(loaded));
    }

    private static string Describe(IReadOnlyList<SanctionsList> lists) => string.Join(" ", lists.Select(l => $"{l.Id}@{l.Version.Short}"));

    private sealed record Loaded(SanctionsScreener Screener, string Lists);
}
