using System.CommandLine;
using SmallChange.Core.Access;
using SmallChange.Core.Ports;
using SmallChange.Hosting;

namespace SmallChange.Cli;

public static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "API keys, the checkpoint-signing key and the personal-data key ring");
        var op = new Command("create-operator", "Create an operator API key and print it (shown once)");
        var label = new Option<string>("--label") { DefaultValueFactory = _ => "operator" };
        var readOnly = new Option<bool>("--read-only") { Description = "The key may only read (GET); it cannot change anything" };
        op.Options.Add(label);
        op.Options.Add(readOnly);
        op.SetAction(async (parse, ct) =>
        {
            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var issued = ApiKeys.Issue(ApiKeyScope.Operator, null, parse.GetValue(label)!, DateTimeOffset.UtcNow,
                parse.GetValue(readOnly) ? ApiKeyAccess.ReadOnly : ApiKeyAccess.Full);
            await store.WriteAsync(async tx => { await tx.InsertApiKey(issued.Record); return 0; }, ct);
            Console.WriteLine(issued.Plaintext);
            return 0;
        });
        keys.Subcommands.Add(op);
        keys.Subcommands.Add(ApiKeyCommands.Rotate());
        keys.Subcommands.Add(ApiKeyCommands.Revoke());
        keys.Subcommands.Add(ApiKeyCommands.List());
        keys.Subcommands.Add(RotateLogKey());
        keys.Subcommands.Add(KeysPiiCommands.Rotate());
        keys.Subcommands.Add(KeysPiiCommands.Retire());
        return keys;
    }

    /// <summary>
    /// <c>keys rotate-log-key</c>: a new checkpoint-signing key replaces the current one in its file (the old file is kept
    /// beside it as <c>FILE.KEYID.retired</c>); both public keys stay published, so receipts signed before still verify.
    /// Running nodes pick the new key up when restarted.
    /// </summary>
    private static Command RotateLogKey()
    {
        var file = new Option<string?>("--log-key") { Description = "The key file (default: SMALLCHANGE_LOG_KEY_FILE, or <db>.log-key.pem for SQLite)" };
        var cmd = new Command("rotate-log-key", "Replace the checkpoint-signing key; old public keys stay published");
        cmd.Options.Add(file);
        cmd.SetAction(async (parse, ct) =>
        {
            var db = parse.GetValue(CliRoot.Db)!;
            if (LogKeyFile.PathFor(db, parse.GetValue(file)) is not { } path)
            {
                Console.Error.WriteLine("smallchange: give the key file with --log-key (or SMALLCHANGE_LOG_KEY_FILE)");
                return 2;
            }

            await using var store = StoreFactory.Open(db, TimeProvider.System, parse.GetValue(CliRoot.PiiKeys));
            await store.MigrateAsync(ct);
            var now = DateTimeOffset.UtcNow;
            if (File.Exists(path))
            {
                using var old = LogKeyFile.LoadOrCreate(path);
                await store.WriteAsync(async tx => { await tx.InsertLogKey(new LogKey(old.KeyId, old.PublicPem(), now)); return 0; }, ct);
                File.Move(path, $"{path}.{old.KeyId}.retired");
                Console.WriteLine($"retired key {old.KeyId} (still published)");
            }

            using var fresh = Core.Audit.CheckpointKey.Generate();
            LogKeyFile.Write(path, fresh);
            await store.WriteAsync(async tx => { await tx.InsertLogKey(new LogKey(fresh.KeyId, fresh.PublicPem(), now)); return 0; }, ct);
            Console.WriteLine($"new key {fresh.KeyId} in {path}");
            return 0;
        });
        return cmd;
    }
}
