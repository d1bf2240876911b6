using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>
/// The AML reads of a credit-monitor round (every holder of the round in three statements) and its writes. The writes
/// run the one-row statements, prepared once: in process, a statement costs no round trip.
/// </summary>
internal sealed partial class SqliteTx
{
    /// <summary>The round's holders and windows, bound as one JSON array of [hex id, since, until] (microseconds).</summary>
    private const string AmlWindows =
        "q(holder, since, until) AS (SELECT unhex(json_extract(value, '$[0]')), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each($p0))";

    public ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHistories(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window) =>
        ValueTask.FromResult(AmlHistories(holders, window, credits: true));

    /// <summary><see cref="AmlHistories(IReadOnlyCollection{HolderId}, Func{AmlHolder, AmlWindow})"/>, or only its holders and cash-outs.</summary>
    private IReadOnlyDictionary<HolderId, AmlHolderHistory> AmlHistories(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window, bool credits)
    {
        var result = new Dictionary<HolderId, AmlHolderHistory>(holders.Count);
        if (holders.Count == 0)
        {
            return result;
        }

        var found = new List<AmlHolder>(holders.Count);
        using (var r = Cmd("SELECT id, country, created_at, kyc_tier FROM holders WHERE id IN (SELECT unhex(value) FROM json_each($p0))",
                   JsonSerializer.Serialize(holders.Select(h => Convert.ToHexString(ToBytes(h.Value))))).ExecuteReader())
        {
            while (r.Read())
            {
                found.Add(new AmlHolder(new HolderId(ToGuid((byte[])r[0])), r.GetString(1), FromMicros(r.GetInt64(2)), r.GetInt32(3)));
            }
        }

        var windows = new Dictionary<HolderId, (AmlWindow Window, long Since)>(found.Count);
        var bound = new List<object[]>(found.Count);
        foreach (var h in found)
        {
            var w = window(h);
            var since = ToMicros(w.Since);
            windows[h.Id] = (w, since);
            bound.Add([Convert.ToHexString(ToBytes(h.Id.Value)), since, ToMicros(w.Until)]);
        }

        var json = JsonSerializer.Serialize(bound);
        var inCredits = credits ? AmlCreditRows(json) : [];

        // Counted cash-outs before each window's end, in time order: those in the window, and the latest before it.
        var cashouts = new Dictionary<HolderId, (List<AmlCashout> In, DateTimeOffset? Last)>(found.Count);
        using (var r = Cmd(
                   $"WITH {AmlWindows} SELECT q.holder, c.currency, c.gross, c.method, d.country, c.created_at FROM q " +
                   "CROSS JOIN cashouts c ON c.holder_id = q.holder JOIN destinations d ON d.id = c.destination_id " +
                   $"WHERE c.created_at < q.until AND c.state IN {CountedStates} ORDER BY q.holder, c.created_at",
                   json).ExecuteReader())
        {
            while (r.Read())
            {
                var holder = new HolderId(ToGuid((byte[])r[0]));
                var (list, last) = cashouts.TryGetValue(holder, out var e) ? e : ([], null);
                if (r.GetInt64(5) >= windows[holder].Since)
                {
                    list.Add(ReadAmlCashout(r, 1));
                }
                else
                {
                    var at = FromMicros(r.GetInt64(5));
                    last = last is null || at > last ? at : last;
                }

                cashouts[holder] = (list, last);
            }
        }

        foreach (var h in found)
        {
            var (creditList, lastCredit) = inCredits.TryGetValue(h.Id, out var c) ? c : ([], null);
            var (inCashouts, lastCashout) = cashouts.TryGetValue(h.Id, out var o) ? o : ([], null);
            var last = lastCashout is { } lc && (lastCredit is null || lc > lastCredit) ? lc : lastCredit;
            result[h.Id] = new AmlHolderHistory(h, windows[h.Id].Window, new AmlHistory(creditList, inCashouts, last));
        }

        return result;
    }

    /// <summary>
    /// The credits of the holders and windows bound in <paramref name="json"/> (see <see cref="AmlWindows"/>) in time order,
    /// and each holder's latest credit before its window: AmlHistory's walk back along each wallet's chain, from every wallet
    /// of every holder at once (the recursive step's queue keeps each wallet's rows in the order AmlHistory reads them).
    /// </summary>
    private Dictionary<HolderId, (List<AmlCredit> In, DateTimeOffset? Last)> AmlCreditRows(string json)
    {
        var credits = new Dictionary<HolderId, (List<AmlCredit> In, DateTimeOffset? Last)>();
        using (var r = Cmd(
                   $"WITH RECURSIVE {AmlWindows}, " +
                   "chain(s, acct, holder, since, until) AS (" +
                   "SELECT a.last_seq, a.id, q.holder, q.since, q.until FROM q CROSS JOIN accounts a ON a.kind = $p1 AND a.owner_id = q.holder AND a.last_seq IS NOT NULL " +
                   "UNION ALL SELECT CASE WHEN t.debit_account_id = chain.acct THEN t.debit_prev ELSE t.credit_prev END, chain.acct, chain.holder, chain.since, chain.until " +
                   "FROM chain JOIN transfers t ON t.seq = chain.s WHERE t.created_at >= chain.since OR t.source_ref IS NULL OR t.credit_account_id <> chain.acct) " +
                   $"SELECT chain.holder, chain.since, {AmlCreditColumns} FROM chain CROSS JOIN transfers t ON t.seq = chain.s JOIN sources s ON s.num = t.source_num " +
                   "LEFT JOIN source_funding f ON f.source_id = s.id WHERE t.credit_account_id = chain.acct AND t.source_ref IS NOT NULL AND t.created_at < chain.until",
                   json, (int)AccountKind.HolderWallet).ExecuteReader())
        {
            while (r.Read())
            {
                var holder = new HolderId(ToGuid((byte[])r[0]));
                var c = ReadAmlCredit(r, 2);
                var (list, last) = credits.TryGetValue(holder, out var e) ? e : ([], null);
                if (r.GetInt64(7) >= r.GetInt64(1))
                {
                    list.Add(c);
                }
                else if (last is null || c.At > last)
                {
                    last = c.At;
                }

                credits[holder] = (list, last);
            }
        }

        foreach (var (list, _) in credits.Values)
        {
            list.Sort((a, b) => a.At.CompareTo(b.At));
        }

        return credits;
    }

    public async ValueTask InsertAmlEvaluations(IReadOnlyList<AmlEvaluation> evaluations)
    {
        foreach (var e in evaluations)
        {
            await InsertAmlEvaluation(e);
        }
    }

    public async ValueTask<IReadOnlyDictionary<HolderId, Case>> FindOpenCases(IReadOnlyCollection<HolderId> holders)
    {
        var open = new Dictionary<HolderId, Case>(holders.Count);
        foreach (var h in holders)
        {
            if (await FindOpenCase(h) is { } c)
            {
                open[h] = c;
            }
        }

        return open;
    }

    public async ValueTask InsertCases(IReadOnlyList<Case> cases)
    {
        foreach (var c in cases)
        {
            await InsertCase(c);
        }
    }

    public async ValueTask<IReadOnlySet<AlertId>> InsertAlerts(IReadOnlyList<Alert> alerts)
    {
        var refused = new HashSet<AlertId>();
        foreach (var a in alerts)
        {
            if (!await InsertAlert(a))
            {
                refused.Add(a.Id);
            }
        }

        return refused;
    }

    public async ValueTask AppendCaseEvents(IReadOnlyList<CaseEventDraft> events)
    {
        foreach (var e in events)
        {
            await AppendCaseEvent(e.Case, e.Action, e.Actor, e.Detail, e.At);
        }
    }
}
