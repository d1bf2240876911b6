using Npgsql;
using NpgsqlTypes;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.StoreChecks;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// Credits. As in SQLite, a credit is stored as its transfer (settlement account → holder wallet) carrying the
/// source's compact key, the source reference and when it happened; the partial unique index on
/// (source_num, source_ref) makes it idempotent across nodes.
/// </summary>
internal sealed partial class PostgresTx
{
    private const string CreditColumns = "t.source_num, t.source_ref, a.owner_id, t.amount, t.currency, t.occurred_at, t.id, t.created_at";

    private static Credit ReadCredit(NpgsqlDataReader r, SourceId source) => new(
        source, r.GetString(1), new HolderId(r.GetGuid(2)), new Money(r.GetInt64(3), CurrencyOf(r.GetString(4))),
        Time(r, 5), new TransferId(r.GetGuid(6)), Time(r, 7));

    public async ValueTask<Credit?> FindCredit(SourceId source, string sourceRef) =>
        await One(r => ReadCredit(r, source),
            $"SELECT {CreditColumns} FROM sources s JOIN transfers t ON t.source_num = s.num AND t.source_ref = $2 " +
            "JOIN accounts a ON a.id = t.credit_account_id WHERE s.id = $1", source.Value, sourceRef);

    public async ValueTask<Page<Credit>> ListCredits(HolderId holder, SourceId? source, string? cursor, int limit)
    {
        var before = Cursor.ToLong(cursor);
        if (before is { } c && await One(_ => "",
                "SELECT 1 FROM transfers t JOIN accounts a ON a.id = t.credit_account_id WHERE t.seq = $1 AND a.kind = $2 AND a.owner_id = $3 AND t.source_ref IS NOT NULL",
                c, (int)AccountKind.HolderWallet, holder.Value) is null)
        {
            throw new InvalidCursorException();
        }

        // Per wallet, an index scan on (credit_account_id, seq) newest first; a holder has one wallet per currency.
        var rows = await Many(r => (Seq: r.GetInt64(8), Source: new SourceId(r.GetGuid(9)), Row: ReadCredit(r, default)),
            $"SELECT {CreditColumns}, t.seq, s.id FROM accounts a JOIN transfers t ON t.credit_account_id = a.id JOIN sources s ON s.num = t.source_num " +
            "WHERE a.kind = $1 AND a.owner_id = $2 AND t.source_ref IS NOT NULL AND t.seq < $3 AND ($4::uuid IS NULL OR s.id = $4) " +
            "ORDER BY t.seq DESC LIMIT $5",
            (int)AccountKind.HolderWallet, holder.Value, before ?? long.MaxValue,
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = source is { } s ? s.Value : DBNull.Value }, limit + 1);
        var list = rows.Select(x => x.Row with { Source = x.Source }).ToList();
        if (list.Count > limit)
        {
            list.RemoveAt(limit);
            return new Page<Credit>(list, Cursor.FromLong(rows[limit - 1].Seq));
        }

        return new Page<Credit>(list, null);
    }

    public async ValueTask<IReadOnlyList<CreditTotal>> CreditTotals(HolderId holder) =>
        await Many(r => new CreditTotal(new SourceId(r.GetGuid(0)), r.GetString(1), r.GetInt64(2), r.GetInt64(3)),
            "SELECT s.id, t.currency, SUM(t.amount)::bigint, COUNT(*) FROM accounts a JOIN transfers t ON t.credit_account_id = a.id " +
            "JOIN sources s ON s.num = t.source_num WHERE a.kind = $1 AND a.owner_id = $2 AND t.source_ref IS NOT NULL " +
            "GROUP BY s.id, t.currency ORDER BY t.currency, s.id",
            (int)AccountKind.HolderWallet, holder.Value);

    /// <summary>
    /// Writes a batch of credits in a few statements, whatever its size: insert every row with one multi-row statement
    /// fed by arrays that skips existing (source, reference) pairs, read back the existing ones to tell a replay from a
    /// conflict, then add each account's total once (see <see cref="AddTotals"/> for the lock order).
    /// </summary>
    public async ValueTask<IReadOnlyList<CreditWriteResult>> InsertCredits(IReadOnlyList<CreditRow> rows, DateTimeOffset now, bool linked)
    {
        var results = new CreditWriteResult[rows.Count];
        if (rows.Count == 0)
        {
            return results;
        }

        var createdAt = Ts(now);
        var nums = new Dictionary<Guid, long>();
        foreach (var (id, num) in await Many(r => (r.GetGuid(0), r.GetInt64(1)), "SELECT id, num FROM sources WHERE id = ANY($1)",
                     rows.Select(r => r.Source.Value).Distinct().ToArray()))
        {
            nums[id] = num;
        }

        var n = rows.Count;
        var ids = new Guid[n];
        var debits = new long[n];
        var credits = new long[n];
        var amounts = new long[n];
        var currencies = new string[n];
        var sourceNums = new long[n];
        var refs = new string[n];
        var occurred = new DateTimeOffset[n];
        for (var i = 0; i < n; i++)
        {
            var row = rows[i];
            Require(nums.TryGetValue(row.Source.Value, out sourceNums[i]), "credit of a missing source");
            ids[i] = row.TransferId.Value;
            debits[i] = row.SettlementAccount.Value;
            credits[i] = row.WalletAccount.Value;
            amounts[i] = row.Amount.Units;
            currencies[i] = row.Amount.Currency.Code;
            refs[i] = row.SourceRef;
            occurred[i] = Ts(row.OccurredAt);
        }

        var savepoint = linked ? await Savepoint() : null;

        var inserted = await InsertNew(n, ids, debits, credits, amounts, currencies, sourceNums, refs, occurred, createdAt);

        var firstConflict = -1;
        if (inserted.Count < n)
        {
            var missing = Enumerable.Range(0, n).Where(i => !inserted.ContainsKey(ids[i])).ToList();
            var existing = new Dictionary<(long, string), Credit>();
            foreach (var (num, credit) in await Many(r => (r.GetInt64(0), ReadCredit(r, default)),
                         $"SELECT {CreditColumns} FROM unnest($1::bigint[], $2::text[]) AS k(num, ref) " +
                         "JOIN transfers t ON t.source_num = k.num AND t.source_ref = k.ref JOIN accounts a ON a.id = t.credit_account_id",
                         missing.Select(i => sourceNums[i]).ToArray(), missing.Select(i => refs[i]).ToArray()))
            {
                existing[(num, credit.SourceRef)] = credit;
            }

            foreach (var i in missing)
            {
                var row = rows[i];
                Require(existing.TryGetValue((sourceNums[i], refs[i]), out var found), "an existing credit cannot be read");
                var original = found! with { Source = row.Source };
                var same = original.Holder == row.Holder && original.Amount == row.Amount
                    && (!row.OccurredAtGiven || original.OccurredAt == occurred[i]);
                results[i] = new CreditWriteResult(same ? CreditWriteStatus.Exists : CreditWriteStatus.Conflict, original);
                if (!same && firstConflict < 0)
                {
                    firstConflict = i;
                }
            }
        }

        if (linked && firstConflict >= 0)
        {
            await savepoint!.Rollback();
            for (var j = 0; j < n; j++)
            {
                if (j != firstConflict)
                {
                    results[j] = new CreditWriteResult(CreditWriteStatus.LinkedEventFailed, null);
                }
            }

            return results;
        }

        // Each account's change, added once.
        var totals = new Dictionary<long, (long Debit, long Credit)>();
        for (var i = 0; i < n; i++)
        {
            if (!inserted.ContainsKey(ids[i]))
            {
                continue;
            }

            var row = rows[i];
            results[i] = new CreditWriteResult(CreditWriteStatus.Created,
                new Credit(row.Source, row.SourceRef, row.Holder, row.Amount, occurred[i], row.TransferId, createdAt));
            Logged(new Transfer(row.TransferId, row.SettlementAccount, row.WalletAccount, row.Amount.Units, row.Amount.Currency, TransferKind.Single,
                null, null, ReasonCodes.Credit, null, null, inserted[ids[i]], createdAt));
            var d = totals.GetValueOrDefault(debits[i]);
            totals[debits[i]] = (d.Debit + amounts[i], d.Credit);
            var c = totals.GetValueOrDefault(credits[i]);
            totals[credits[i]] = (c.Debit, c.Credit + amounts[i]);
        }

        // Settlement accounts first, then wallets, each in id order: every credit batch takes its row locks in the same
        // order, so two batches of one source queue behind each other instead of deadlocking. (Batches of different
        // sources that share wallets can still deadlock in rare interleavings; the store re-runs the loser.)
        // The transfers above were inserted before any account was locked, so concurrent batches insert in parallel and
        // hold the settlement row only from here to the commit.
        await AddTotals(totals.Where(t => t.Value.Debit > 0).OrderBy(t => t.Key).ToList());
        await AddTotals(totals.Where(t => t.Value.Debit == 0).OrderBy(t => t.Key).ToList());

        if (savepoint is not null)
        {
            await savepoint.Release();
        }

        return results;
    }

    private const string InsertCreditRows =
        "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, currency, kind, reason, created_at, source_num, source_ref, occurred_at) " +
        "SELECT u.id, u.d, u.c, u.amount, u.currency, 0, 'credit', $9, u.num, u.ref, u.occurred " +
        "FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::text[], $8::timestamptz[]) " +
        "WITH ORDINALITY AS u(id, d, c, amount, currency, num, ref, occurred, ord) ";

    /// <summary>
    /// Inserts the rows whose (source, reference) is new and returns their transfer ids. First, in a savepoint, every
    /// row with a plain insert: the usual case, and cheaper by 40% than <c>ON CONFLICT</c> (whose speculative insertion
    /// costs about 17 µs a row here; see docs/performance.md). If any reference exists (a replay, a duplicate inside
    /// the batch, or a concurrent batch that committed it first), that insert fails as a whole with 23505, the
    /// savepoint undoes it and the rows go again with <c>ON CONFLICT DO NOTHING</c>, in batch order, so that of two
    /// rows with one reference the first wins, as if they had been sent one after the other. A transfer id that exists is
    /// the same fallback: it happens when a commit went through but its answer was lost with the connection and the
    /// store runs the batch again with the same ids; the references then exist too, and the rows answer as replays.
    /// </summary>
    private async ValueTask<Dictionary<Guid, long>> InsertNew(int n, Guid[] ids, long[] debits, long[] credits, long[] amounts, string[] currencies,
        long[] sourceNums, string[] refs, DateTimeOffset[] occurred, DateTimeOffset createdAt)
    {
        var fast = await Savepoint();
        try
        {
            var all = await Many(r => (r.GetGuid(0), r.GetInt64(1)), InsertCreditRows + "RETURNING id, seq",
                ids, debits, credits, amounts, currencies, sourceNums, refs, occurred, createdAt);
            Require(all.Count == n, "a credit row was not inserted");
            await fast.Release();
            return all.ToDictionary(x => x.Item1, x => x.Item2);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName is "transfers_credit_ref" or "transfers_id_key")
        {
            await fast.Rollback();
        }

        return (await Many(r => (r.GetGuid(0), r.GetInt64(1)),
            InsertCreditRows + "ORDER BY u.ord ON CONFLICT (source_num, source_ref) WHERE source_ref IS NOT NULL DO NOTHING RETURNING id, seq",
            ids, debits, credits, amounts, currencies, sourceNums, refs, occurred, createdAt)).ToDictionary(x => x.Item1, x => x.Item2);
    }

    private async ValueTask AddTotals(List<KeyValuePair<long, (long Debit, long Credit)>> totals)
    {
        if (totals.Count == 0)
        {
            return;
        }

        var changed = await Exec(
            "UPDATE accounts a SET debits_posted = a.debits_posted + v.d, credits_posted = a.credits_posted + v.c " +
            "FROM (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS u(id, d, c) ORDER BY u.id) AS v WHERE a.id = v.id",
            totals.Select(t => t.Key).ToArray(), totals.Select(t => t.Value.Debit).ToArray(), totals.Select(t => t.Value.Credit).ToArray());
        Require(changed == totals.Count, "credit account missing");
    }
}
