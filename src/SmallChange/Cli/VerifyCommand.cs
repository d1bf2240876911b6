using System.CommandLine;
using System.Text.Json;
using SmallChange.Core.Audit;
using SmallChange.Core.Ledger;
using SmallChange.Hosting;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange verify</c>: the ledger's balances and the verifiable log recomputed from the transfers;
/// <c>verify receipt FILE --key PEM</c>: one receipt, offline; <c>verify consistency OLD NEW</c>: the log only grew.
/// Exit 0 when everything holds, 1 naming the first violation.
/// </summary>
public static class VerifyCommand
{
    private static readonly JsonSerializerOptions CheckpointJson = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var cmd = new Command("verify", "Check the ledger (every currency balances, balances equal their transfers, no negative wallet) and recompute its verifiable log");
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);

            // One pass over the transfers recomputes the log and sums every account's totals; the SQLite account chains
            // are checked side by side; then the stored balances are compared with the sums.
            var totals = new TransferTotals();
            var chainCheck = Task.Run(() => store is Adapters.Storage.Sqlite.SqliteStore sqlite ? sqlite.VerifyChains(ct) : Task.FromResult<string?>(null), ct);
            var log = await LogVerifier.Verify(store, totals, ct);
            var report = log.Ok ? await LedgerVerifier.Verify(store, totals.Result(), ct) : await LedgerVerifier.Verify(store, ct);
            var broken = await chainCheck;
            if (!report.Ok)
            {
                Console.Error.WriteLine($"verify: FAILED: {report.FirstViolation}");
                return 1;
            }

            // The embedded store keeps each account's history as a chain of transfers; every link was checked.
            if (broken is not null)
            {
                Console.Error.WriteLine($"verify: FAILED: {broken}");
                return 1;
            }

            if (!log.Ok)
            {
                Console.Error.WriteLine($"verify: FAILED: log: {log.FirstViolation}");
                return 1;
            }

            Console.WriteLine($"verify: ok ({report.Accounts} accounts, {report.Currencies} currencies balance; log of {log.Leaves} transfers in {log.Batches} batches and {log.Checkpoints} checkpoints recomputed)");
            return 0;
        });
        cmd.Subcommands.Add(Receipt());
        cmd.Subcommands.Add(Consistency());
        return cmd;
    }

    private static Option<string[]> KeyOption() => new("--key")
    {
        Description = "A trusted public key (PEM, SubjectPublicKeyInfo), e.g. saved from GET /v1/log/keys; repeat for rotated keys",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command Receipt()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A receipt (or a cash-out's receipt bundle) as downloaded from the API" };
        var key = KeyOption();
        key.Required = true;
        var cmd = new Command("receipt", "Verify a receipt offline, with no database: the transfer's leaf, its inclusion proof and the checkpoint's signature");
        cmd.Arguments.Add(file);
        cmd.Options.Add(key);
        cmd.SetAction(parse =>
        {
            if (Trusted(parse.GetValue(key)!) is not { } keys)
            {
                return 2;
            }

            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                Console.Error.WriteLine($"verify receipt: no such file {path.FullName}");
                return 2;
            }

            var text = File.ReadAllText(path.FullName);
            var receipts = new List<string>();
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("receipts", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    receipts.AddRange(list.EnumerateArray().Select(e => e.GetRawText()));
                }
                else
                {
                    receipts.Add(text);
                }
            }
            catch (JsonException)
            {
                Console.Error.WriteLine("verify receipt: FAILED: receipt.malformed: the file is not JSON");
                return 1;
            }

            if (receipts.Count == 0)
            {
                Console.Error.WriteLine("verify receipt: FAILED: the bundle holds no receipt");
                return 1;
            }

            foreach (var json in receipts)
            {
                if (!ReceiptVerifier.Verify(json, keys).TryGet(out var receipt, out var error))
                {
                    Console.Error.WriteLine($"verify receipt: FAILED: {error.Code}: {error.Message}");
                    return 1;
                }

                Console.WriteLine($"verify receipt: ok: transfer {receipt.Transfer.Id} ({receipt.Transfer.Amount} {receipt.Transfer.Currency} {receipt.Transfer.Reason}) " +
                                  $"is leaf {receipt.LeafIndex} of the log of {receipt.Checkpoint.TreeSize} signed by key {receipt.Checkpoint.KeyId}");
            }

            return 0;
        });
        return cmd;
    }

    private static Command Consistency()
    {
        var oldFile = new Argument<FileInfo>("OLD_CHECKPOINT") { Description = "An earlier checkpoint (JSON from GET /v1/log/checkpoint)" };
        var newFile = new Argument<FileInfo>("NEW_CHECKPOINT") { Description = "A later checkpoint" };
        var key = KeyOption();
        var proofFile = new Option<FileInfo?>("--proof") { Description = "The consistency proof (JSON from GET /v1/log/proof/consistency); without it the proof is computed from --db" };
        var cmd = new Command("consistency", "Prove the log only grew between two signed checkpoints (nothing changed or removed)");
        cmd.Arguments.Add(oldFile);
        cmd.Arguments.Add(newFile);
        cmd.Options.Add(key);
        cmd.Options.Add(proofFile);
        cmd.SetAction(async (parse, ct) =>
        {
            if (ReadCheckpoint(parse.GetValue(oldFile)!) is not { } older || ReadCheckpoint(parse.GetValue(newFile)!) is not { } newer)
            {
                return 2;
            }

            IReadOnlyList<Hash32> proof;
            CheckpointVerifier keys;
            if (parse.GetValue(proofFile) is { } pf)
            {
                if (Trusted(parse.GetValue(key) ?? []) is not { } given || ReadProof(pf) is not { } read)
                {
                    return 2;
                }

                (keys, proof) = (given, read);
            }
            else
            {
                await using var store = CliRoot.OpenStore(parse);
                keys = Trusted(parse.GetValue(key) ?? []) ?? new CheckpointVerifier();
                if (keys.KeyIds.Count == 0)
                {
                    foreach (var k in await store.ReadAsync(r => r.LogKeys(), ct))
                    {
                        keys.Trust(k.PublicPem);
                    }
                }

                var size = (await store.ReadAsync(r => r.LastLogBatch(), ct))?.TreeSize ?? 0;
                if (newer.TreeSize > size || older.TreeSize < 1 || older.TreeSize > newer.TreeSize)
                {
                    Console.Error.WriteLine($"verify consistency: FAILED: the sizes {older.TreeSize} and {newer.TreeSize} do not fit this log of {size} leaves");
                    return 1;
                }

                proof = await store.ReadAsync(r => LedgerLog.ConsistencyProof(r, older.TreeSize, newer.TreeSize), ct);
            }

            foreach (var c in new[] { older, newer })
            {
                if (keys.Check(c) is { } why)
                {
                    Console.Error.WriteLine($"verify consistency: FAILED: checkpoint of size {c.TreeSize}: {why}");
                    return 1;
                }
            }

            if (older.TreeSize > newer.TreeSize || !Merkle.VerifyConsistency(older.TreeSize, newer.TreeSize, older.Root, newer.Root, proof))
            {
                Console.Error.WriteLine($"verify consistency: FAILED: the log of {newer.TreeSize} leaves does not extend the log of {older.TreeSize} leaves: something was changed or removed");
                return 1;
            }

            Console.WriteLine($"verify consistency: ok: the log grew from {older.TreeSize} to {newer.TreeSize} leaves and changed nothing before");
            return 0;
        });
        return cmd;
    }

    private static CheckpointVerifier? Trusted(string[] files)
    {
        var keys = new CheckpointVerifier();
        foreach (var f in files)
        {
            try
            {
                keys.Trust(File.ReadAllText(f));
            }
            catch (Exception e) when (e is IOException or ArgumentException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"verify: the key file {f} is not a readable PEM public key");
                return null;
            }
        }

        return keys;
    }

    private static Checkpoint? ReadCheckpoint(FileInfo file)
    {
        try
        {
            var dto = JsonSerializer.Deserialize<ReceiptCheckpoint>(File.ReadAllText(file.FullName), CheckpointJson);
            if (dto is not null && dto.ToCheckpoint().TryGet(out var c, out var error))
            {
                return c;
            }

            Console.Error.WriteLine($"verify consistency: {file.Name} is not a checkpoint");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"verify consistency: cannot read the checkpoint {file.Name}");
        }

        return null;
    }

    private static List<Hash32>? ReadProof(FileInfo file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
            var list = new List<Hash32>();
            foreach (var e in doc.RootElement.GetProperty("proof").EnumerateArray())
            {
                if (!Hash32.TryFromBase64(e.GetString(), out var h))
                {
                    Console.Error.WriteLine("verify consistency: the proof holds something that is not a base64 SHA-256 hash");
                    return null;
                }

                list.Add(h);
            }

            return list;
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"verify consistency: cannot read the proof {file.Name}");
            return null;
        }
    }
}
