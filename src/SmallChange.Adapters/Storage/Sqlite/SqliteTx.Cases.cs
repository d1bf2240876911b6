using Microsoft.Data.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Alerts, cases and their audit trail, and the AML decision archive (0009_cases.sql).</summary>
internal sealed partial class SqliteTx
{

    // ---- cases ---------------------------------------------------------------------------------

    private static Case ReadCase(SqliteDataReader r) => new(
        new CaseId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])),
        CaseWire.StatusFromWire(r.GetString(2)) ?? throw new InvalidDataException("unknown case status"),
        NullableString(r, 3), r.GetInt32(4),
        r.IsDBNull(5) ? null : CaseWire.DecisionFromWire(r.GetString(5)) ?? throw new InvalidDataException("unknown decision"),
        NullableString(r, 6), NullableString(r, 7), r.IsDBNull(8) ? null : FromMicros(r.GetInt64(8)),
        FromMicros(r.GetInt64(9)), FromMicros(r.GetInt64(10)));

    public ValueTask<Case?> GetCase(CaseId id)
    {
        using var r = Cmd($"SELECT {CaseColumns} FROM cases WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadCase(r) : null);
    }

    public ValueTask<Case?> FindOpenCase(HolderId holder)
    {
        using var r = Cmd($"SELECT {CaseColumns} FROM cases WHERE holder_id = $p0 AND status = 'open'", ToBytes(holder.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadCase(r) : null);
    }

    public ValueTask<Page<Case>> ListCases(CaseFilter filter, string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<Case>(limit);
        using (var r = Cmd(
                   $"SELECT {CaseColumns} FROM cases WHERE id < $p0 AND ($p1 IS NULL OR holder_id = $p1) AND ($p2 IS NULL OR status = $p2) " +
                   "AND ($p3 IS NULL OR assignee = $p3) ORDER BY id DESC LIMIT $p4",
                   before, Blob(filter.Holder?.Value), filter.Status?.ToWire(), filter.Assignee, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadCase(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, c => Cursor.FromBytes(ToBytes(c.Id.Value))));
    }

    public ValueTask InsertCase(Case c)
    {
        Cmd($"INSERT INTO cases ({CaseColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)",
            ToBytes(c.Id.Value), ToBytes(c.Holder.Value), c.Status.ToWire(), c.Assignee, c.AlertCount, c.Decision?.ToWire(), c.DecisionReason,
            c.DecidedBy, MicrosOrNull(c.DecidedAt), ToMicros(c.CreatedAt), ToMicros(c.UpdatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> AssignCase(CaseId id, string? assignee, DateTimeOffset at) => ValueTask.FromResult(
        Cmd("UPDATE cases SET assignee = $p1, updated_at = $p2 WHERE id = $p0 AND status = 'open'", ToBytes(id.Value), assignee, ToMicros(at)).ExecuteNonQuery() == 1);

    public ValueTask<bool> CloseCase(CaseId id, CaseDecision decision, string reason, string actor, DateTimeOffset at) => ValueTask.FromResult(
        Cmd("UPDATE cases SET status = 'closed', decision = $p1, decision_reason = $p2, decided_by = $p3, decided_at = $p4, updated_at = $p4 WHERE id = $p0 AND status = 'open'",
            ToBytes(id.Value), decision.ToWire(), reason, actor, ToMicros(at)).ExecuteNonQuery() == 1);

    public ValueTask<CaseEvent> AppendCaseEvent(CaseId id, CaseAction action, string actor, string? detail, DateTimeOffset at)
    {
        var seq = (long)Cmd("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $p0", ToBytes(id.Value)).ExecuteScalar()!;
        Cmd("INSERT INTO case_events (case_id, seq, action, actor, detail, at) VALUES ($p0, $p1, $p2, $p3, $p4, $p5)",
            ToBytes(id.Value), seq, action.ToWire(), actor, detail, ToMicros(at)).ExecuteNonQuery();
        return ValueTask.FromResult(new CaseEvent(id, checked((int)seq), action, actor, detail, FromMicros(ToMicros(at))));
    }

    public ValueTask<IReadOnlyList<CaseEvent>> ListCaseEvents(CaseId id)
    {
        var list = new List<CaseEvent>();
        using var r = Cmd("SELECT seq, action, actor, detail, at FROM case_events WHERE case_id = $p0 ORDER BY seq", ToBytes(id.Value)).ExecuteReader();
        while (r.Read())
        {
            list.Add(new CaseEvent(id, r.GetInt32(0), CaseWire.ActionFromWire(r.GetString(1)) ?? throw new InvalidDataException("unknown case action"),
                r.GetString(2), NullableString(r, 3), FromMicros(r.GetInt64(4))));
        }

        return ValueTask.FromResult<IReadOnlyList<CaseEvent>>(list);
    }

    // ---- alerts --------------------------------------------------------------------------------

    private static Alert ReadAlert(SqliteDataReader r) => new(
        new AlertId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), new CaseId(ToGuid((byte[])r[2])), r.GetString(3), r.GetInt32(4),
        AmlOutcomes.FromWire(r.GetString(5)) ?? throw new InvalidDataException("unknown outcome"), r.GetString(6), ComplianceJson.ReadFigures(r.GetString(7)),
        new AlertSubject(SubjectKinds.FromWire(r.GetString(8)) ?? throw new InvalidDataException("unknown subject kind"), ToGuid((byte[])r[9])),
        FromMicros(r.GetInt64(10)));

    public ValueTask<Alert?> GetAlert(AlertId id)
    {
        using var r = Cmd($"SELECT {AlertColumns} FROM alerts WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadAlert(r) : null);
    }

    public ValueTask<Page<Alert>> ListAlerts(AlertFilter filter, string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<Alert>(limit);
        using (var r = Cmd(
                   $"SELECT {AlertColumns} FROM alerts WHERE id < $p0 AND ($p1 IS NULL OR holder_id = $p1) AND ($p2 IS NULL OR case_id = $p2) " +
                   "AND ($p3 IS NULL OR rule_id = $p3) AND ($p4 IS NULL OR outcome = $p4) AND ($p5 IS NULL OR created_at >= $p5) AND ($p6 IS NULL OR created_at < $p6) " +
                   "ORDER BY id DESC LIMIT $p7",
                   before, Blob(filter.Holder?.Value), Blob(filter.Case?.Value), filter.RuleId, filter.Outcome?.ToWire(), MicrosOrNull(filter.Since), MicrosOrNull(filter.Until),
                   limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadAlert(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, a => Cursor.FromBytes(ToBytes(a.Id.Value))));
    }

    public ValueTask<bool> InsertAlert(Alert a)
    {
        if (Cmd("UPDATE cases SET alert_count = alert_count + 1, updated_at = $p1 WHERE id = $p0 AND holder_id = $p2 AND status = 'open'",
                ToBytes(a.Case.Value), ToMicros(a.CreatedAt), ToBytes(a.Holder.Value)).ExecuteNonQuery() != 1)
        {
            return ValueTask.FromResult(false);
        }

        Cmd($"INSERT INTO alerts ({AlertColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)",
            ToBytes(a.Id.Value), ToBytes(a.Holder.Value), ToBytes(a.Case.Value), a.RuleId, a.RuleVersion, a.Outcome.ToWire(), a.Explanation,
            ComplianceJson.Figures(a.Figures), a.Subject.Kind.ToWire(), ToBytes(a.Subject.Id), ToMicros(a.CreatedAt)).ExecuteNonQuery();
        return ValueTask.FromResult(true);
    }

    // ---- the decision archive ------------------------------------------------------------------

    public ValueTask InsertAmlEvaluation(AmlEvaluation e)
    {
        Cmd("INSERT INTO aml_evaluations (subject_kind, subject_id, holder_id, outcome, decisions_json, evaluated_at) VALUES ($p0, $p1, $p2, $p3, $p4, $p5)",
            e.Subject.Kind.ToWire(), ToBytes(e.Subject.Id), ToBytes(e.Holder.Value), e.Outcome.ToWire(), ComplianceJson.Decisions(e.Decisions), ToMicros(e.EvaluatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<AmlEvaluation>> ListAmlEvaluations(AlertSubject subject)
    {
        var list = new List<AmlEvaluation>();
        using var r = Cmd("SELECT holder_id, outcome, decisions_json, evaluated_at FROM aml_evaluations WHERE subject_kind = $p0 AND subject_id = $p1 ORDER BY id",
            subject.Kind.ToWire(), ToBytes(subject.Id)).ExecuteReader();
        while (r.Read())
        {
            list.Add(new AmlEvaluation(subject, new HolderId(ToGuid((byte[])r[0])), AmlOutcomes.FromWire(r.GetString(1)) ?? throw new InvalidDataException("unknown outcome"),
                ComplianceJson.ReadDecisions(r.GetString(2)), FromMicros(r.GetInt64(3))));
        }

        return ValueTask.FromResult<IReadOnlyList<AmlEvaluation>>(list);
    }
}
