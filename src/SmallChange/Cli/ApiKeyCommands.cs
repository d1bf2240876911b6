using System.CommandLine;
using System.Globalization;
using SmallChange.Core.Access;
using SmallChange.Core.Ports;
using SmallChange.Hosting;

namespace SmallChange.Cli;

/// <summary>
/// <c>keys rotate-api-key</c>, <c>keys revoke-api-key</c> and <c>keys list-api-keys</c>: the operator's view of API keys
/// from the command line, the same operations as <c>/v1/keys</c>. Secrets are printed only by a rotation, once.
/// </summary>
public static class ApiKeyCommands
{
    private static readonly Option<string> KeyId = new("--key-id") { Description = "The key's id: the 16 hex digits after sck_", Required = true };

    public static Command Rotate()
    {
        var grace = new Option<long>("--grace-seconds")
        {
            Description = "How long the old secret keeps working (default 86400 = 24 h; 0 ends it now)",
            DefaultValueFactory = _ => (long)new Http.ApiSecurityOptions().RotationGrace.TotalSeconds,
        };
        var cmd = new Command("rotate-api-key", "Give an API key a new secret (printed once); the old one works for the grace period, then is refused");
        cmd.Options.Add(KeyId);
        cmd.Options.Add(grace);
        cmd.SetAction(async (parse, ct) =>
        {
            var id = parse.GetValue(KeyId)!;
            var seconds = parse.GetValue(grace);
            if (seconds < 0 || seconds > (long)new Http.ApiSecurityOptions().MaxRotationGrace.TotalSeconds)
            {
                Console.Error.WriteLine("smallchange: --grace-seconds is 0 to 604800 (7 days)");
                return 2;
            }

            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var now = DateTimeOffset.UtcNow;
            var (plaintext, hash) = ApiKeys.NewSecretFor(id);
            var rotated = await store.WriteAsync(tx => tx.RotateApiKey(id, hash, now.AddSeconds(seconds), now), ct);
            if (rotated is null)
            {
                Console.Error.WriteLine($"smallchange: no active API key {id}");
                return 1;
            }

            Console.Error.WriteLine($"the old secret of {id} works until {rotated.PreviousValidUntil:O}");
            Console.WriteLine(plaintext);
            return 0;
        });
        return cmd;
    }

    public static Command Revoke()
    {
        var cmd = new Command("revoke-api-key", "Revoke an API key (every node refuses it within the key cache time, 5 s by default)");
        cmd.Options.Add(KeyId);
        cmd.SetAction(async (parse, ct) =>
        {
            var id = parse.GetValue(KeyId)!;
            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            if (!await store.WriteAsync(tx => tx.RevokeApiKey(id, DateTimeOffset.UtcNow), ct))
            {
                Console.Error.WriteLine($"smallchange: no active API key {id}");
                return 1;
            }

            Console.WriteLine($"revoked {id}");
            return 0;
        });
        return cmd;
    }

    public static Command List()
    {
        var cmd = new Command("list-api-keys", "List API keys (ids, scope, state; never secrets)");
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            string? cursor = null;
            Console.WriteLine("key_id\tscope\taccess\tsource\tstatus\tcreated_at\tlabel");
            do
            {
                var page = await store.ReadAsync(r => r.ListApiKeys(cursor, 500), ct);
                foreach (var k in page.Items)
                {
                    Console.WriteLine(string.Join('\t', k.KeyId, k.Scope.ToString().ToLowerInvariant(), k.Access == ApiKeyAccess.ReadOnly ? "read_only" : "full",
                        k.Source?.ToString() ?? "-", k.RevokedAt is null ? "active" : "revoked", k.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                        string.Concat(k.Label.Select(c => char.IsControl(c) ? ' ' : c))));
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
            return 0;
        });
        return cmd;
    }
}
