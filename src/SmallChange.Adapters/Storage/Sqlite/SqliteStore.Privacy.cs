namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Personal data at rest: the first-open pass, rotation's re-sealing and the counts before a key is retired (docs/privacy.md).</summary>
public sealed partial class SqliteStore
{
    /// <summary>
    /// After the migrations: checks that the ring is this database's (else throws <see cref="PiiKeyFileException"/>), then,
    /// once per database, seals the rows written before 0013_pii.sql.
    /// </summary>
    private async Task SealOnFirstOpen(CancellationToken ct)
    {
        var check = PersonalData.RingCheck;
        var (stored, sealedAll) = await WriteAsync(tx =>
        {
            var t = (SqliteTx)tx;
            var s = t.PiiState("ring_check");
            if (s is null)
            {
                t.SetPiiState("ring_check", check);
            }

            return ValueTask.FromResult((s, t.PiiState("legacy_sealed") == "1"));
        }, ct);
        if (stored is not null && stored != check)
        {
            throw new PiiKeyFileException(
                "The personal-data key file does not belong to this database (its index key differs from the one the data was written with): " +
                $"give the right file with --pii-keys or {PiiKeyFile.EnvironmentVariable}.");
        }

        if (!sealedAll)
        {
            await ResealAsync(plainOnly: true, ct: ct);
            await WriteAsync(tx => { ((SqliteTx)tx).SetPiiState("legacy_sealed", "1"); return ValueTask.FromResult(0); }, ct);
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
                var (n, last) = await WriteAsync(tx => ValueTask.FromResult(((SqliteTx)tx).ResealBatch(table, prefix, after, batchSize)), ct);
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
            keyed = await WriteAsync(tx => ValueTask.FromResult(((SqliteTx)tx).KeySandboxFingerprints(batchSize)), ct);
            sandbox += keyed;
        }
        while (keyed == batchSize);
        rows["sandbox_payments"] = sandbox;
        return new ResealReport(rows);
    }

    public Task<IReadOnlyDictionary<string, long>> CountByKeyAsync(CancellationToken ct = default) =>
        ReadAsync(r => ValueTask.FromResult<IReadOnlyDictionary<string, long>>(((SqliteTx)r).CountByKey()), ct);
}
