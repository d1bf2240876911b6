using System.Text.Json;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Executable;

/// <summary><c>smallchange screen</c> and <c>bench screen</c>, run as the real executable against testdata/sanctions.</summary>
public sealed class ScreenCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Screen_ListedNameJson_PrintsTheEntryWithScoreAndLists()
    {
        using var dir = new TempDir("screen");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "screen", "Hottak, Abdul Rahman Ahmad", "--json", "--dob", "1957", "--nationality", "AF");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("hit").GetBoolean());
        Assert.Equal(3, root.GetProperty("lists").GetArrayLength());
        var best = root.GetProperty("matches")[0];
        Assert.Equal("un", best.GetProperty("list").GetString());
        Assert.Equal("111109", best.GetProperty("entry_id").GetString());
        Assert.Equal("ABDUL RAHMAN AHMAD HOTTAK", best.GetProperty("primary_name").GetString());
        Assert.True(best.GetProperty("score").GetDouble() >= 0.99);
        Assert.Contains("birth year matches", best.GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Screen_File_OneJsonLinePerRowInOrder()
    {
        using var dir = new TempDir("screen");
        var csv = dir.File("names.csv");
        await File.WriteAllTextAsync(csv,
            "full_name,date_of_birth,nationality\n" +
            "\"SALEK, ABDULHAI\",1965,af\n" +
            "Patricia Lucas Wheeler,2002-07-14,Ethiopia\n" +
            "김정은,1984-01-08,\n" +
            "Someone Else,not a date,Narnia\n");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "screen", "--file", csv, "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1, 2, 3, 4], lines.Select(l => l.GetProperty("row").GetInt32()));
        Assert.Equal([true, false, true, false], lines.Select(l => l.GetProperty("hit").GetBoolean()));
        Assert.Equal("un", lines[0].GetProperty("matches")[0].GetProperty("list").GetString());
        Assert.Equal("KIM, Jong Un", lines[2].GetProperty("matches")[0].GetProperty("primary_name").GetString());
        Assert.Equal(2, lines[3].GetProperty("warnings").GetArrayLength());
    }

    [Fact]
    public async Task Screen_HumanOutput_TableWithListVersions()
    {
        using var dir = new TempDir("screen");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "screen", "Kim Jong Un");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("ofac_sdn (8,976 entries, version", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("KIM, Jong Un", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("screen")]
    [InlineData("screen", "x", "--threshold", "1.5")]
    [InlineData("screen", "x", "--lists", "/nonexistent/lists")]
    [InlineData("screen", "x", "--dob", "yesterday")]
    public async Task Screen_BadInput_ExitsTwoWithAMessage(params string[] args)
    {
        using var dir = new TempDir("screen");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, args);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("screen:", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchScreen_Json_ReportsQualityAndLatency()
    {
        using var dir = new TempDir("bench");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "bench", "screen", "--json", "--passes", "1", "--naive-every", "500");

        Assert.True(r.ExitCode == 0, r.ToString());
        var j = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(1.0, j.GetProperty("recall_clean").GetDouble());
        Assert.True(j.GetProperty("recall_misspelled").GetDouble() >= 0.95);
        Assert.True(j.GetProperty("false_positive_rate").GetDouble() <= 0.01);
        Assert.Equal(2_000, j.GetProperty("negatives").GetInt32());
        foreach (var field in new[] { "p50_us", "p99_us", "naive_p99_us", "threshold" })
        {
            Assert.True(j.GetProperty(field).GetDouble() > 0, field);
        }
    }
}
