using System.CommandLine;

namespace SmallChange.Cli;

public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks (see docs/performance.md)");
        bench.Subcommands.Add(BenchIngest.Create());
        bench.Subcommands.Add(BenchScreen.Create());
        bench.Subcommands.Add(BenchVerify.Create());
        bench.Subcommands.Add(BenchDecide.Create());
        bench.Subcommands.Add(BenchLogCost.Create());
        bench.Subcommands.Add(BenchAmlCredits.Create());
        bench.Subcommands.Add(BenchPages.Create());
        return bench;
    }
}
