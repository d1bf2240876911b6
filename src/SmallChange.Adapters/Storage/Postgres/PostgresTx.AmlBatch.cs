using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>The AML reads of a credit-monitor round: every holder of the round in three statements.</summary>
internal sealed partial class PostgresTx
{
    public async ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHistories(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window)
    {
        var result = new Dictionary<HolderId, AmlHolderHistory>(holders.Count);
        if (holders.Count == 0)
        {
            return result;
        }

        var found = await Many(r => new AmlHolder(new HolderId(r.GetGuid(0)), r.GetString(1), Time(r, 2), r.GetInt32(3)),
            "SELECT id, country, created_at, kyc_tier FROM holders WHERE id = ANY($1)", (object)holders.Select(h => h.Value).ToArray());
        if (found.Count == 0)
        {
            return result;
        }

        // Compared as stored (whole microseconds), as AmlHistory does.
        var ids = new Guid[found.Count];
        var since = new DateTimeOffset[found.Count];
        var until = new DateTimeOffset[found.Count];
        var floor = new DateTimeOffset[found.Count];
        var windows = new Dictionary<Guid, AmlWindow>(found.Count);
        for (var i = 0; i < found.Count; i++)
        {
            var w = window(found[i]);
            ids[i] = found[i].Id.Value;
            (since[i], until[i]) = (Ts(w.Since), Ts(w.Until));
            floor[i] = Ts(since[i] - SequenceSkew);
            windows[ids[i]] = w;
        }

        // Credits: per wallet, from the wallet's newest credit booked before its window's start less the sequence skew
        // (AmlHistory's newest-first scan stops at that credit: the same rows, found on the (credit_account_id, seq) index
        // with one probe) up to the window's end; the rows before the window only give the last activity before it. In
        // AmlHistory's order (wallets by currency, newest first), which it then sorts by time.
        var credits = new Dictionary<Guid, (List<AmlCredit> In, DateTimeOffset? Last)>(found.Count);
        foreach (var (holder, inside, credit) in await Many(r => (r.GetGuid(0), r.GetBoolean(1), ReadAmlCredit(r, 2)),
                     $"SELECT q.holder, t.created_at >= q.since, {AmlCreditColumns} " +
                     "FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS q(holder, since, until, scan_floor, ord) " +
                     "JOIN accounts a ON a.kind = $5 AND a.owner_id = q.holder " +
                     "CROSS JOIN LATERAL (SELECT COALESCE((SELECT b.seq FROM transfers b WHERE b.credit_account_id = a.id AND b.source_ref IS NOT NULL " +
                     "AND b.created_at < q.scan_floor ORDER BY b.seq DESC LIMIT 1), 0) AS lo) w " +
                     "JOIN transfers t ON t.credit_account_id = a.id AND t.seq >= w.lo " +
                     "JOIN sources s ON s.num = t.source_num LEFT JOIN source_funding f ON f.source_id = s.id " +
                     "WHERE t.source_ref IS NOT NULL AND t.created_at < q.until ORDER BY q.ord, a.currency, t.seq DESC",
                     ids, since, until, floor, (int)AccountKind.HolderWallet))
        {
            var (list, last) = credits.TryGetValue(holder, out var c) ? c : ([], null);
            if (inside)
            {
                list.Add(credit);
            }
            else if (last is null || credit.At > last)
            {
                last = credit.At;
            }

            credits[holder] = (list, last);
        }

        // Counted cash-outs: those in the window, and the latest before it.
        var cashouts = new Dictionary<Guid, (List<AmlCashout> In, DateTimeOffset? Last)>(found.Count);
        foreach (var (holder, cashout, before) in await Many(
                     r => (r.GetGuid(0), r.IsDBNull(1) ? null : ReadAmlCashout(r, 1), r.IsDBNull(1) ? (DateTimeOffset?)Time(r, 5) : null),
                     "WITH q AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS q(holder, since, until)) " +
                     "(SELECT q.holder, c.currency, c.gross, c.method, d.country, c.created_at FROM q " +
                     "JOIN cashouts c ON c.holder_id = q.holder AND c.created_at >= q.since AND c.created_at < q.until " +
                     $"JOIN destinations d ON d.id = c.destination_id WHERE c.state IN {CountedStates} ORDER BY q.holder, c.created_at, c.id) " +
                     "UNION ALL SELECT q.holder, NULL, NULL, NULL, NULL, MAX(c.created_at) FROM q " +
                     $"JOIN cashouts c ON c.holder_id = q.holder AND c.created_at < q.since WHERE c.state IN {CountedStates} GROUP BY q.holder",
                     ids, since, until))
        {
            var (list, last) = cashouts.TryGetValue(holder, out var c) ? c : ([], null);
            if (cashout is not null)
            {
                list.Add(cashout);
            }
            else
            {
                last = before;
            }

            cashouts[holder] = (list, last);
        }

        foreach (var h in found)
        {
            var (inCredits, lastCredit) = credits.TryGetValue(h.Id.Value, out var c) ? c : ([], null);
            var (inCashouts, lastCashout) = cashouts.TryGetValue(h.Id.Value, out var o) ? o : ([], null);
            inCredits.Sort((a, b) => a.At.CompareTo(b.At));
            var last = lastCashout is { } lc && (lastCredit is null || lc > lastCredit) ? lc : lastCredit;
            result[h.Id] = new AmlHolderHistory(h, windows[h.Id.Value], new AmlHistory(inCredits, inCashouts, last));
        }

        return result;
    }
}
