using System.CommandLine;
using SmallChange.Hosting;

namespace SmallChange.Cli;

public static class MigrateCommand
{
    public static Command Create()
    {
        var cmd = new Command("migrate", "Apply pending numbered migrations to the database");
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = CliRoot.OpenStore(parse);
            var applied = await store.MigrateAsync(ct);
            Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied migrations: {string.Join(", ", applied)}");
            return 0;
        });
        return cmd;
    }
}
