using System.CommandLine;
using SmallChange.Core.Access;
using SmallChange.Core.Ports;
using SmallChange.Hosting;

namespace SmallChange.Cli;

public static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "API keys");
        var op = new Command("create-operator", "Create an operator API key and print it (shown once)");
        var label = new Option<string>("--label") { DefaultValueFactory = _ => "operator" };
        op.Options.Add(label);
        op.SetAction(async (parse, ct) =>
        {
            await using var store = StoreFactory.Open(parse.GetValue(CliRoot.Db)!, TimeProvider.System);
            await store.MigrateAsync(ct);
            var issued = ApiKeys.Issue(ApiKeyScope.Operator, null, parse.GetValue(label)!, DateTimeOffset.UtcNow);
            await store.WriteAsync(async tx => { await tx.InsertApiKey(issued.Record); return 0; }, ct);
            Console.WriteLine(issued.Plaintext);
            return 0;
        });
        keys.Subcommands.Add(op);
        return keys;
    }
}
