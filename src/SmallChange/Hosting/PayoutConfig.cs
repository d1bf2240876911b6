using SmallChange.Core.Cashouts;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;
using SmallChange.Core.Providers;

namespace SmallChange.Hosting;

/// <summary>Reads the operator's payout configuration: <c>providers.json</c>, <c>fx-rates.json</c> and <c>jurisdictions.json</c>.</summary>
public static class PayoutConfig
{
    public static PayoutSetup Load(string dir)
    {
        var providersPath = Path.Combine(dir, "providers.json");
        var ratesPath = Path.Combine(dir, "fx-rates.json");
        var catalog = ProviderCatalog.Parse(Read(providersPath));
        if (!catalog.IsOk)
        {
            throw new ConfigurationException($"{providersPath}: {catalog.Error}");
        }

        var rates = FxRateTable.Parse(Read(ratesPath));
        if (!rates.IsOk)
        {
            throw new ConfigurationException($"{ratesPath}: {rates.Error}");
        }

        var jurisdictionsPath = Path.Combine(dir, "jurisdictions.json");
        var profiles = JurisdictionProfiles.Parse(Read(jurisdictionsPath));
        if (!profiles.IsOk)
        {
            throw new ConfigurationException($"{jurisdictionsPath}: {profiles.Error}");
        }

        return new PayoutSetup(catalog.Value, rates.Value, profiles.Value);
    }

    private static string Read(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new ConfigurationException($"Missing configuration file {path}.");
}

/// <summary>Configuration that cannot be used; the CLI prints the message and exits 2.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
