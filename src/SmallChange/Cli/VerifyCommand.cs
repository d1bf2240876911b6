using System.CommandLine;
using SmallChange.Core.Ledger;
using SmallChange.Hosting;

namespace SmallChange.Cli;

public static class VerifyCommand
{
    public static Command Create()
    {
        var cmd = new Command("verify", "Check the ledger: every currency balances, every balance equals its transfers, no negative wallet");
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = StoreFactory.Open(parse.GetValue(CliRoot.Db)!, TimeProvider.System);
            await store.MigrateAsync(ct);
            var report = await LedgerVerifier.Verify(store, ct);
            if (!report.Ok)
            {
                Console.Error.WriteLine($"verify: FAILED: {report.FirstViolation}");
                return 1;
            }

            // The embedded store keeps each account's history as a chain of transfers; check every link.
            if (store is Adapters.Storage.Sqlite.SqliteStore sqlite && await sqlite.VerifyChains(ct) is { } broken)
            {
                Console.Error.WriteLine($"verify: FAILED: {broken}");
                return 1;
            }

            Console.WriteLine($"verify: ok ({report.Accounts} accounts, {report.Currencies} currencies balance)");
            return 0;
        });
        return cmd;
    }
}
