using System.Text.Json;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Executable;

/// <summary><c>smallchange providers</c>, run as the real executable with the shipped configuration.</summary>
public sealed class ProvidersCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Providers_Json_EveryProviderWithStatusScoreAndReasons()
    {
        using var dir = new TempDir("providers");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "providers", "--db", dir.File("p.db"), "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var byId = doc.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
        Assert.True(byId.Count >= 12);
        Assert.Equal("suspended", byId["old-harbor-remit"].GetProperty("status").GetString());
        Assert.Equal("provider.licence_expired", byId["old-harbor-remit"].GetProperty("trust_reasons")[0].GetProperty("code").GetString());
        Assert.Equal(100, byId["hanbit-remit"].GetProperty("trust_score").GetInt32());
        Assert.True(byId["sandbox-bank"].GetProperty("quotable").GetBoolean());
    }

    [Fact]
    public async Task Providers_Table_NamesSuspendedProviderAndItsReason()
    {
        using var dir = new TempDir("providers");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "providers", "--db", dir.File("p.db"));

        Assert.True(r.ExitCode == 0, r.ToString());
        var line = r.Stdout.Split('\n').Single(l => l.StartsWith("old-harbor-remit", StringComparison.Ordinal));
        Assert.Contains("suspended", line, StringComparison.Ordinal);
        Assert.Contains("(expired)", line, StringComparison.Ordinal);
        Assert.Contains("! provider.licence_expired (-60)", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Providers_MissingConfigFolder_ExitsTwo()
    {
        using var dir = new TempDir("providers");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "providers", "--db", dir.File("p.db"), "--config", dir.File("nowhere"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("providers.json", r.Stderr, StringComparison.Ordinal);
    }
}
