using System.CommandLine;

namespace SmallChange.Cli;

/// <summary>The verbs of <c>smallchange</c>. Every verb takes <c>--db</c>.</summary>
public static class CliRoot
{
    public static readonly Option<string> Db = new("--db")
    {
        Description = "SQLite file path, or a PostgreSQL connection string (postgres://user@host1,host2/db?target_session_attrs=read-write or Host=…;Database=…)",
        DefaultValueFactory = _ => Hosting.StoreFactory.DefaultDb,
        Recursive = true,
    };

    public static readonly Option<string?> PiiKeys = new("--pii-keys")
    {
        Description = "Personal-data key ring file (JSON; created if missing). Default: SMALLCHANGE_PII_KEY_FILE, or <db>.pii-keys.json for SQLite; required for PostgreSQL",
        Recursive = true,
    };

    /// <summary>The store named by <c>--db</c>, with the personal-data key ring of <c>--pii-keys</c>.</summary>
    public static Core.Ports.IStore OpenStore(ParseResult parse, TimeProvider? clock = null) =>
        Hosting.StoreFactory.Open(parse.GetValue(Db)!, clock ?? TimeProvider.System, parse.GetValue(PiiKeys));

    public static RootCommand Build()
    {
        var root = new RootCommand("SmallChange: aggregate micropayment balances and cash them out safely.");
        root.Options.Add(Db);
        root.Options.Add(PiiKeys);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ScreenCommand.Create());
        root.Subcommands.Add(ProvidersCommand.Create());
        root.Subcommands.Add(KycCommand.Create());
        root.Subcommands.Add(SanctionsCommand.Create());
        root.Subcommands.Add(CasesCommand.Create());
        root.Subcommands.Add(ReportsCommand.Create());
        root.Subcommands.Add(AmlCommand.Create());
        root.Subcommands.Add(StaffCommand.Create());
        return root;
    }
}
