using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;

namespace SmallChange.Core.Tests.Aml;

/// <summary>The shipped configuration (config/jurisdictions.json and config/fx-rates.json), so tests exercise the real defaults.</summary>
internal static class AmlTestConfig
{
    public static readonly string Root = FindRoot();

    public static readonly JurisdictionProfiles Profiles =
        JurisdictionProfiles.Parse(File.ReadAllText(Path.Combine(Root, "config", "jurisdictions.json"))).Value;

    public static readonly FxRateTable Rates =
        FxRateTable.Parse(File.ReadAllText(Path.Combine(Root, "config", "fx-rates.json"))).Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmallChange.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
