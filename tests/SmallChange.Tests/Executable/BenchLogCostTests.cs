using System.Text.Json;
using SmallChange.Cli;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Executable;

/// <summary><c>smallchange bench log-cost</c>: paired runs with and without the verifiable log, and its quantiles.</summary>
public sealed class BenchLogCostTests : IDisposable
{
    private readonly TempDir _dir = new("bench-log-cost");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task BenchLogCost_SmallRun_PrintsEveryPairAlternatingWithMedianCost()
    {
        var result = await SmallChangeExe.Run(_dir.Path, TimeSpan.FromMinutes(5), "bench", "log-cost", "--json", "--pairs", "4", "--credits", "2000", "--batch", "500", "--holders", "50");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("sqlite", json.GetProperty("backend").GetString());
        var runs = json.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(4, runs.Count);
        Assert.Equal([true, false, true, false], runs.Select(r => r.GetProperty("logged_first").GetBoolean()));
        Assert.All(runs, r => Assert.True(r.GetProperty("with_log").GetInt64() > 0 && r.GetProperty("without_log").GetInt64() > 0));
        var costs = runs.Select(r => r.GetProperty("cost_percent").GetDouble()).Order().ToList();
        Assert.Equal(Math.Round((costs[1] + costs[2]) / 2, 1), json.GetProperty("median_cost_percent").GetDouble(), 1);
    }

    [Fact]
    public async Task BenchLogCost_BadArguments_ExitTwoWithMessage()
    {
        var result = await SmallChangeExe.Run(_dir.Path, TimeSpan.FromMinutes(1), "bench", "log-cost", "--pairs", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--pairs", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5, 2.5)]
    [InlineData(0.25, 1.75)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 4.0)]
    public void Quantile_FourValues_InterpolatesBetweenNeighbours(double q, double expected) =>
        Assert.Equal(expected, BenchLogCost.Quantile([1.0, 2.0, 3.0, 4.0], q), 9);
}
