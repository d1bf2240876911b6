using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// The AML reads of a credit-monitor round (every holder of the round in three statements) and its writes (evaluations,
/// cases, alerts and trail entries of every credit that raised an alert, a statement for each kind).
/// </summary>
internal sealed partial class PostgresTx
{
    public async ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHistories(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window) =>
        await AmlHistories(holders, window, credits: true);

    /// <summary><see cref="AmlHistories(IReadOnlyCollection{HolderId}, Func{AmlHolder, AmlWindow})"/>, or only its holders and cash-outs.</summary>
    private async ValueTask<IReadOnlyDictionary<HolderId, AmlHolderHistory>> AmlHistories(IReadOnlyCollection<HolderId> holders, Func<AmlHolder, AmlWindow> window, bool credits)
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
        var windows = new Dictionary<Guid, AmlWindow>(found.Count);
        for (var i = 0; i < found.Count; i++)
        {
            var w = window(found[i]);
            ids[i] = found[i].Id.Value;
            (since[i], until[i]) = (Ts(w.Since), Ts(w.Until));
            windows[ids[i]] = w;
        }

        var inCredits = credits ? await AmlCreditRows(ids, since, until) : [];

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
            var (creditList, lastCredit) = inCredits.TryGetValue(h.Id.Value, out var c) ? c : ([], null);
            var (inCashouts, lastCashout) = cashouts.TryGetValue(h.Id.Value, out var o) ? o : ([], null);
            var last = lastCashout is { } lc && (lastCredit is null || lc > lastCredit) ? lc : lastCredit;
            result[h.Id] = new AmlHolderHistory(h, windows[h.Id.Value], new AmlHistory(creditList, inCashouts, last));
        }

        return result;
    }

    /// <summary>
    /// The holders' credits in [since, until) in time order, and the latest credit before since (times as stored). Per
    /// wallet, from the wallet's newest credit booked before its window's start less the sequence skew (AmlHistory's
    /// newest-first scan stops at that credit: the same rows, found on the (credit_account_id, seq) index with one probe)
    /// up to the window's end; the rows before the window only give the last activity before it.
    /// </summary>
    private async ValueTask<Dictionary<Guid, (List<AmlCredit> In, DateTimeOffset? Last)>> AmlCreditRows(Guid[] ids, DateTimeOffset[] since, DateTimeOffset[] until)
    {
        var floor = since.Select(s => Ts(s - SequenceSkew)).ToArray();
        var credits = new Dictionary<Guid, (List<AmlCredit> In, DateTimeOffset? Last)>(ids.Length);
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

        foreach (var (list, _) in credits.Values)
        {
            list.Sort((a, b) => a.At.CompareTo(b.At));
        }

        return credits;
    }

    public async ValueTask InsertAmlEvaluations(IReadOnlyList<AmlEvaluation> evaluations)
    {
        if (evaluations.Count == 0)
        {
            return;
        }

        await Exec("INSERT INTO aml_evaluations (subject_kind, subject_id, holder_id, outcome, decisions_json, evaluated_at) " +
                   "SELECT k, s, h, o, d, a FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) WITH ORDINALITY AS u(k, s, h, o, d, a, ord) ORDER BY ord",
            evaluations.Select(e => e.Subject.Kind.ToWire()).ToArray(), evaluations.Select(e => e.Subject.Id).ToArray(),
            evaluations.Select(e => e.Holder.Value).ToArray(), evaluations.Select(e => e.Outcome.ToWire()).ToArray(),
            evaluations.Select(e => ComplianceJson.Decisions(e.Decisions)).ToArray(), evaluations.Select(e => Ts(e.EvaluatedAt)).ToArray());
    }

    public async ValueTask<IReadOnlyDictionary<HolderId, Case>> FindOpenCases(IReadOnlyCollection<HolderId> holders) => holders.Count == 0
        ? new Dictionary<HolderId, Case>()
        : (await Many(ReadCase, $"SELECT {CaseColumns} FROM cases WHERE holder_id = ANY($1) AND status = 'open'", (object)holders.Select(h => h.Value).ToArray()))
            .ToDictionary(c => c.Holder);

    public async ValueTask InsertCases(IReadOnlyList<Case> cases)
    {
        if (cases.Count == 0)
        {
            return;
        }

        await Exec($"INSERT INTO cases ({CaseColumns}) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], " +
                   "$8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[])",
            cases.Select(c => c.Id.Value).ToArray(), cases.Select(c => c.Holder.Value).ToArray(), cases.Select(c => c.Status.ToWire()).ToArray(),
            cases.Select(c => c.Assignee).ToArray(), cases.Select(c => c.AlertCount).ToArray(), cases.Select(c => c.Decision?.ToWire()).ToArray(),
            cases.Select(c => c.DecisionReason).ToArray(), cases.Select(c => c.DecidedBy).ToArray(),
            cases.Select(c => c.DecidedAt is { } d ? (DateTimeOffset?)Ts(d) : null).ToArray(), cases.Select(c => Ts(c.CreatedAt)).ToArray(),
            cases.Select(c => Ts(c.UpdatedAt)).ToArray());
    }

    public async ValueTask<IReadOnlySet<AlertId>> InsertAlerts(IReadOnlyList<Alert> alerts)
    {
        var refused = new HashSet<AlertId>();
        if (alerts.Count == 0)
        {
            return refused;
        }

        // As InsertAlert: the conditional update counts the alerts on each case that is still an open case of their holder
        // (and locks it, so a decision waits or wins); only those cases' alerts are written.
        var counted = (await Many(r => (r.GetGuid(0), r.GetGuid(1)),
                "UPDATE cases c SET alert_count = c.alert_count + v.n, updated_at = v.at " +
                "FROM (SELECT case_id, holder_id, COUNT(*)::integer AS n, MAX(at) AS at FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS u(case_id, holder_id, at) " +
                "GROUP BY case_id, holder_id) v WHERE c.id = v.case_id AND c.holder_id = v.holder_id AND c.status = 'open' RETURNING c.id, c.holder_id",
                alerts.Select(a => a.Case.Value).ToArray(), alerts.Select(a => a.Holder.Value).ToArray(), alerts.Select(a => Ts(a.CreatedAt)).ToArray()))
            .ToHashSet();
        var write = new List<Alert>(alerts.Count);
        foreach (var a in alerts)
        {
            if (counted.Contains((a.Case.Value, a.Holder.Value)))
            {
                write.Add(a);
            }
            else
            {
                refused.Add(a.Id);
            }
        }

        if (write.Count > 0)
        {
            await Exec($"INSERT INTO alerts ({AlertColumns}) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::integer[], $6::text[], $7::text[], " +
                       "$8::text[], $9::text[], $10::uuid[], $11::timestamptz[])",
                write.Select(a => a.Id.Value).ToArray(), write.Select(a => a.Holder.Value).ToArray(), write.Select(a => a.Case.Value).ToArray(),
                write.Select(a => a.RuleId).ToArray(), write.Select(a => a.RuleVersion).ToArray(), write.Select(a => a.Outcome.ToWire()).ToArray(),
                write.Select(a => a.Explanation).ToArray(), write.Select(a => ComplianceJson.Figures(a.Figures)).ToArray(),
                write.Select(a => a.Subject.Kind.ToWire()).ToArray(), write.Select(a => a.Subject.Id).ToArray(), write.Select(a => Ts(a.CreatedAt)).ToArray());
        }

        return refused;
    }

    public async ValueTask AppendCaseEvents(IReadOnlyList<CaseEventDraft> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        // Numbered after each case's last entry, in list order within the case (as AppendCaseEvent one after the other).
        await Exec("INSERT INTO case_events (case_id, seq, action, actor, detail, at) " +
                   "SELECT u.case_id, COALESCE((SELECT MAX(e.seq) FROM case_events e WHERE e.case_id = u.case_id), 0) + " +
                   "(row_number() OVER (PARTITION BY u.case_id ORDER BY u.ord))::integer, u.action, u.actor, u.detail, u.at " +
                   "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS u(case_id, action, actor, detail, at, ord)",
            events.Select(e => e.Case.Value).ToArray(), events.Select(e => e.Action.ToWire()).ToArray(), events.Select(e => e.Actor).ToArray(),
            events.Select(e => e.Detail).ToArray(), events.Select(e => Ts(e.At)).ToArray());
    }
}
