using System.Text.Json;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Executable;

/// <summary><c>smallchange bench aml-credits</c> as the real executable, on small loads: both passes drain every credit.</summary>
public sealed class BenchAmlCreditsCliTests : IDisposable
{
    private readonly TempDir _dir = new("cli-bench-aml");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task BenchAmlCredits_SmallLoads_BothPassesDrainEveryCreditAndPrintRates()
    {
        var result = await SmallChangeExe.Run(_dir.Path, TimeSpan.FromMinutes(5), "bench", "aml-credits", "--json",
            "--hot-holders", "3", "--hot-credits", "250", "--spread-holders", "120", "--spread-credits", "3", "--baseline-seconds", "120");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("sqlite", json.GetProperty("backend").GetString());
        foreach (var (load, credits) in new[] { ("hot", 750L), ("spread", 360L) })
        {
            var l = json.GetProperty(load);
            Assert.Equal(credits, l.GetProperty("credits").GetInt64());
            foreach (var pass in new[] { "one_pass", "one_by_one" })
            {
                var p = l.GetProperty(pass);
                Assert.Equal(credits, p.GetProperty("credits").GetInt64());
                Assert.True(p.GetProperty("caught_up").GetBoolean(), $"{load} {pass}");
                Assert.True(p.GetProperty("credits_per_second").GetInt64() > 0, $"{load} {pass}");
                var shares = p.GetProperty("read_share").GetDouble() + p.GetProperty("evaluate_share").GetDouble() + p.GetProperty("write_share").GetDouble();
                Assert.InRange(shares, 0.99, 1.01);
            }

            Assert.True(l.GetProperty("ratio").GetDouble() > 0, load);
        }

        Assert.Equal(json.GetProperty("hot").GetProperty("one_pass").GetProperty("credits_per_second").GetInt64(), json.GetProperty("hot_credits_per_second").GetInt64());
    }
}
