using System.CommandLine;
using SmallChange.Adapters.Storage;
using SmallChange.Hosting;

namespace SmallChange.Cli;

/// <summary>
/// <c>keys rotate</c> (also spelled <c>keys rotate-pii</c>) and <c>keys retire KEYID</c>: the personal-data key ring
/// (docs/privacy.md). A rotation writes the ring with a new primary key first (the old keys stay, so every value stays
/// readable), then re-seals every sealed column under the new key in batches, one transaction per batch. It is
/// idempotent and resumable: after a crash, <c>keys rotate --resume</c> finishes under the current primary without adding
/// another key. A key can be retired once no stored value uses it.
/// </summary>
public static class KeysPiiCommands
{
    public static Command Rotate()
    {
        var pii = new Option<bool>("--pii") { Description = "Rotate the personal-data key ring (the default and, for now, the only ring this verb rotates)" };
        var resume = new Option<bool>("--resume") { Description = "Add no key: finish re-sealing under the current primary key (after an interrupted rotation)" };
        var batch = new Option<int>("--batch") { Description = "Rows re-sealed per transaction", DefaultValueFactory = _ => 500 };
        var cmd = new Command("rotate", "Add a new personal-data key and re-encrypt every encrypted column under it (checkpoint signing: keys rotate-log-key)");
        cmd.Aliases.Add("rotate-pii");
        cmd.Options.Add(pii);
        cmd.Options.Add(resume);
        cmd.Options.Add(batch);
        cmd.SetAction(async (parse, ct) =>
        {
            var db = parse.GetValue(CliRoot.Db)!;
            if (PiiKeyFile.PathFor(db, parse.GetValue(CliRoot.PiiKeys)) is not { } path)
            {
                Console.Error.WriteLine($"smallchange: give the personal-data key file with --pii-keys (or {PiiKeyFile.EnvironmentVariable})");
                return 2;
            }

            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"smallchange: no personal-data key file at {path}: nothing has been encrypted with it (run migrate or serve first)");
                return 2;
            }

            var size = parse.GetValue(batch);
            if (size is < 1 or > 100_000)
            {
                Console.Error.WriteLine("smallchange: --batch is 1 to 100000");
                return 2;
            }

            // Check the ring against the database before changing the file.
            await using (var check = StoreFactory.Open(db, TimeProvider.System, path))
            {
                await check.MigrateAsync(ct);
            }

            if (!parse.GetValue(resume))
            {
                var ring = PiiKeyFile.Read(path).Rotate(DateTimeOffset.UtcNow);
                PiiKeyFile.Write(path, ring, createNew: false);
                Console.WriteLine($"new primary key {ring.PrimaryId} in {path} (older keys kept until retired)");
            }

            await using var store = StoreFactory.Open(db, TimeProvider.System, path);
            var data = (IPersonalDataStore)store;
            var report = await data.ResealAsync(plainOnly: false, size, ct);
            Console.WriteLine($"re-encrypted under {data.PersonalData.Ring.PrimaryId}: {report.Total} rows ({report})");
            await PrintCounts(data, ct);
            return 0;
        });
        return cmd;
    }

    public static Command Retire()
    {
        var keyId = new Argument<string>("KEYID") { Description = "The personal-data key to remove from the ring" };
        var cmd = new Command("retire", "Remove a personal-data key from the ring once no stored value uses it");
        cmd.Arguments.Add(keyId);
        cmd.SetAction(async (parse, ct) =>
        {
            var db = parse.GetValue(CliRoot.Db)!;
            var id = parse.GetValue(keyId)!;
            if (PiiKeyFile.PathFor(db, parse.GetValue(CliRoot.PiiKeys)) is not { } path || !File.Exists(path))
            {
                Console.Error.WriteLine($"smallchange: give the personal-data key file with --pii-keys (or {PiiKeyFile.EnvironmentVariable})");
                return 2;
            }

            var ring = PiiKeyFile.Read(path);
            if (ring.Keys.All(k => k.Id != id))
            {
                Console.Error.WriteLine($"smallchange: the ring has no key {id}");
                return 1;
            }

            if (id == ring.PrimaryId)
            {
                Console.Error.WriteLine($"smallchange: {id} is the primary key; rotate first (keys rotate)");
                return 1;
            }

            await using var store = StoreFactory.Open(db, TimeProvider.System, path);
            await store.MigrateAsync(ct);
            var counts = await ((IPersonalDataStore)store).CountByKeyAsync(ct);
            if (counts.GetValueOrDefault(id) is var n and > 0)
            {
                Console.Error.WriteLine($"smallchange: {n} stored values are still encrypted with {id}; run keys rotate --resume first");
                return 1;
            }

            PiiKeyFile.Write(path, PiiKeyFile.Read(path).Retire(id), createNew: false);
            Console.WriteLine($"retired {id}; the ring keeps {string.Join(", ", ring.Keys.Where(k => k.Id != id).Select(k => k.Id))}");
            return 0;
        });
        return cmd;
    }

    private static async Task PrintCounts(IPersonalDataStore data, CancellationToken ct)
    {
        var counts = await data.CountByKeyAsync(ct);
        foreach (var key in data.PersonalData.Ring.Keys)
        {
            Console.WriteLine($"  {key.Id}{(key.Id == data.PersonalData.Ring.PrimaryId ? " (primary)" : "")}: {counts.GetValueOrDefault(key.Id)} values");
        }

        foreach (var (k, n) in counts.Where(kv => data.PersonalData.Ring.Keys.All(key => key.Id != kv.Key)))
        {
            Console.WriteLine($"  {k}: {n} values{(k == "plain" ? " (not encrypted)" : " (key not in the ring!)")}");
        }
    }
}
