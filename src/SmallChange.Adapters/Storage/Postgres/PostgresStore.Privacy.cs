namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>Personal data at rest: the first-open pass, rotation's re-sealing and the counts before a key is retired (docs/privacy.md).</summary>
public sealed partial class PostgresStore
{
    /// <summary>
    /// After the migrations: checks that the ring is this database's (else throws <see cref="PiiKeyFileException"/>), then,
    /// once per database, seals the rows written before 0013_pii.sql. Several nodes may do this at once: each row changes
    /// under a row lock and sealing a sealed row again is harmless.
    /// </summary>
    private async Task SealOnFirstOpen(CancellationToken ct)
    {
        var check = PersonalData.RingCheck;
        var (stored, sealedAll) = await WriteAsync(async tx =>
        {
            var t = (PostgresTx)tx;
            await t.SetPiiState("ring_check", check, onlyIfMissing: true);
            return (await t.PiiState("ring_check"), await t.PiiState("legacy_sealed") == "1");
        }, ct);
        if (stored != check)
        {
            throw new PiiKeyFileException(
                "The personal-data key file does not belong to this database (its index key differs from the one the data was written with): " +
                $"give the right file with --pii-keys or {PiiKeyFile.EnvironmentVariable}.");
        }

        if (!sealedAll)
        {
            await ResealAsync(plainOnly: true, ct: ct);
            await WriteAsync(async tx => { await ((PostgresTx)tx).SetPiiState("legacy_sealed", "1"); return 0; }, ct);
        }
    }

    public async Task<ResealReport> ResealAsync(bool plainOnly, int batchSize = 500, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var prefix = plainOnly ? Core.Privacy.PiiKeyRing.Prefix : PersonalData.PrefixOf(PersonalData.Ring.PrimaryId);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in PersonalData.SealedTables)
        {
            object? after = null;
            long total = 0;
            while (true)
            {
                var (n, last) = await WriteAsync(tx => ((PostgresTx)tx).ResealBatch(table, prefix, after, batchSize), ct);
                total += n;
                if (n < batchSize)
                {
                    break;
                }

                after = last;
            }

            rows[table.Table] = total;
        }

        long sandbox = 0;
        int keyed;
        do
        {
            keyed = await WriteAsync(tx => ((PostgresTx)tx).KeySandboxFingerprints(batchSize), ct);
            sandbox += keyed;
        }
        while (keyed == batchSize);
        rows["sandbox_payments"] = sandbox;
        return new ResealReport(rows);
    }

    public async Task<IReadOnlyDictionary<string, long>> CountByKeyAsync(CancellationToken ct = default) =>
        await ReadAsync(async r => (IReadOnlyDictionary<string, long>)await ((PostgresTx)r).CountByKey(), ct);
}
