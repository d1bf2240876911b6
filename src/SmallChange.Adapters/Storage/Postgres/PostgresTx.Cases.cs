using Npgsql;
using NpgsqlTypes;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>Alerts, cases and their audit trail, and the AML decision archive (0009_cases.sql).</summary>
internal sealed partial class PostgresTx
{
    /// <summary>A parameter of a fixed type, so a null still has one (filters written <c>$n IS NULL OR column = $n</c>).</summary>
    private static NpgsqlParameter Typed(object? value, NpgsqlDbType type) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    // ---- cases ---------------------------------------------------------------------------------

    private static Case ReadCase(NpgsqlDataReader r) => new(
        new CaseId(r.GetGuid(0)), new HolderId(r.GetGuid(1)),
        CaseWire.StatusFromWire(r.GetString(2)) ?? throw new InvalidDataException("unknown case status"),
        StringOrNull(r, 3), r.GetInt32(4),
        r.IsDBNull(5) ? null : CaseWire.DecisionFromWire(r.GetString(5)) ?? throw new InvalidDataException("unknown decision"),
        StringOrNull(r, 6), StringOrNull(r, 7), TimeOrNull(r, 8), Time(r, 9), Time(r, 10));

    public async ValueTask<Case?> GetCase(CaseId id) =>
        await One(ReadCase, $"SELECT {CaseColumns} FROM cases WHERE id = $1", id.Value);

    public async ValueTask<Case?> FindOpenCase(HolderId holder) =>
        await One(ReadCase, $"SELECT {CaseColumns} FROM cases WHERE holder_id = $1 AND status = 'open'", holder.Value);

    public async ValueTask<Page<Case>> ListCases(CaseFilter filter, string? cursor, int limit)
    {
        var list = await Many(ReadCase,
            $"SELECT {CaseColumns} FROM cases WHERE id < $1 AND ($2::uuid IS NULL OR holder_id = $2) AND ($3::text IS NULL OR status = $3) " +
            "AND ($4::text IS NULL OR assignee = $4) ORDER BY id DESC LIMIT $5",
            CursorGuid(cursor) ?? MaxGuid, Typed(filter.Holder?.Value, NpgsqlDbType.Uuid), Typed(filter.Status?.ToWire(), NpgsqlDbType.Text),
            Typed(filter.Assignee, NpgsqlDbType.Text), limit + 1);
        return PageOf(list, limit, c => Cursor.FromBytes(ToBytes(c.Id.Value)));
    }

    public async ValueTask InsertCase(Case c) =>
        await Exec($"INSERT INTO cases ({CaseColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            c.Id.Value, c.Holder.Value, c.Status.ToWire(), c.Assignee, c.AlertCount, c.Decision?.ToWire(), c.DecisionReason, c.DecidedBy,
            TsOrNull(c.DecidedAt), Ts(c.CreatedAt), Ts(c.UpdatedAt));

    public async ValueTask<bool> AssignCase(CaseId id, string? assignee, DateTimeOffset at) =>
        await Exec("UPDATE cases SET assignee = $2, updated_at = $3 WHERE id = $1 AND status = 'open'", id.Value, Typed(assignee, NpgsqlDbType.Text), Ts(at)) == 1;

    public async ValueTask<bool> CloseCase(CaseId id, CaseDecision decision, string reason, string actor, DateTimeOffset at) =>
        await Exec("UPDATE cases SET status = 'closed', decision = $2, decision_reason = $3, decided_by = $4, decided_at = $5, updated_at = $5 WHERE id = $1 AND status = 'open'",
            id.Value, decision.ToWire(), reason, actor, Ts(at)) == 1;

    public async ValueTask<CaseEvent> AppendCaseEvent(CaseId id, CaseAction action, string actor, string? detail, DateTimeOffset at)
    {
        // Two transactions appending to one case at once: the second's insert hits the primary key and the store retries it.
        var seq = (int)(await One(r => (object)r.GetInt32(0),
            "INSERT INTO case_events (case_id, seq, action, actor, detail, at) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM case_events WHERE case_id = $1 RETURNING seq",
            id.Value, action.ToWire(), actor, Typed(detail, NpgsqlDbType.Text), Ts(at)))!;
        return new CaseEvent(id, seq, action, actor, detail, Ts(at));
    }

    public async ValueTask<IReadOnlyList<CaseEvent>> ListCaseEvents(CaseId id) =>
        await Many(r => new CaseEvent(id, r.GetInt32(0), CaseWire.ActionFromWire(r.GetString(1)) ?? throw new InvalidDataException("unknown case action"),
                r.GetString(2), StringOrNull(r, 3), Time(r, 4)),
            "SELECT seq, action, actor, detail, at FROM case_events WHERE case_id = $1 ORDER BY seq", id.Value);

    // ---- alerts --------------------------------------------------------------------------------

    private static Alert ReadAlert(NpgsqlDataReader r) => new(
        new AlertId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), new CaseId(r.GetGuid(2)), r.GetString(3), r.GetInt32(4),
        AmlOutcomes.FromWire(r.GetString(5)) ?? throw new InvalidDataException("unknown outcome"), r.GetString(6), ComplianceJson.ReadFigures(r.GetString(7)),
        new AlertSubject(SubjectKinds.FromWire(r.GetString(8)) ?? throw new InvalidDataException("unknown subject kind"), r.GetGuid(9)),
        Time(r, 10));

    public async ValueTask<Alert?> GetAlert(AlertId id) =>
        await One(ReadAlert, $"SELECT {AlertColumns} FROM alerts WHERE id = $1", id.Value);

    public async ValueTask<Page<Alert>> ListAlerts(AlertFilter filter, string? cursor, int limit)
    {
        var list = await Many(ReadAlert,
            $"SELECT {AlertColumns} FROM alerts WHERE id < $1 AND ($2::uuid IS NULL OR holder_id = $2) AND ($3::uuid IS NULL OR case_id = $3) " +
            "AND ($4::text IS NULL OR rule_id = $4) AND ($5::text IS NULL OR outcome = $5) AND ($6::timestamptz IS NULL OR created_at >= $6) " +
            "AND ($7::timestamptz IS NULL OR created_at < $7) ORDER BY id DESC LIMIT $8",
            CursorGuid(cursor) ?? MaxGuid, Typed(filter.Holder?.Value, NpgsqlDbType.Uuid), Typed(filter.Case?.Value, NpgsqlDbType.Uuid),
            Typed(filter.RuleId, NpgsqlDbType.Text), Typed(filter.Outcome?.ToWire(), NpgsqlDbType.Text),
            Typed(filter.Since is { } s ? Ts(s) : null, NpgsqlDbType.TimestampTz), Typed(filter.Until is { } u ? Ts(u) : null, NpgsqlDbType.TimestampTz), limit + 1);
        return PageOf(list, limit, a => Cursor.FromBytes(ToBytes(a.Id.Value)));
    }

    public async ValueTask<bool> InsertAlert(Alert a)
    {
        // The conditional update locks the case row: a decision and a new alert on one case are serialised, and an alert
        // that loses to a decision is told so (the case is closed) instead of joining a decided case.
        if (await Exec("UPDATE cases SET alert_count = alert_count + 1, updated_at = $2 WHERE id = $1 AND holder_id = $3 AND status = 'open'",
                a.Case.Value, Ts(a.CreatedAt), a.Holder.Value) != 1)
        {
            return false;
        }

        await Exec($"INSERT INTO alerts ({AlertColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            a.Id.Value, a.Holder.Value, a.Case.Value, a.RuleId, a.RuleVersion, a.Outcome.ToWire(), a.Explanation,
            ComplianceJson.Figures(a.Figures), a.Subject.Kind.ToWire(), a.Subject.Id, Ts(a.CreatedAt));
        return true;
    }

    // ---- the decision archive ------------------------------------------------------------------

    public async ValueTask InsertAmlEvaluation(AmlEvaluation e) =>
        await Exec("INSERT INTO aml_evaluations (subject_kind, subject_id, holder_id, outcome, decisions_json, evaluated_at) VALUES ($1, $2, $3, $4, $5, $6)",
            e.Subject.Kind.ToWire(), e.Subject.Id, e.Holder.Value, e.Outcome.ToWire(), ComplianceJson.Decisions(e.Decisions), Ts(e.EvaluatedAt));

    public async ValueTask<IReadOnlyList<AmlEvaluation>> ListAmlEvaluations(AlertSubject subject) =>
        await Many(r => new AmlEvaluation(subject, new HolderId(r.GetGuid(0)), AmlOutcomes.FromWire(r.GetString(1)) ?? throw new InvalidDataException("unknown outcome"),
                ComplianceJson.ReadDecisions(r.GetString(2)), Time(r, 3)),
            "SELECT holder_id, outcome, decisions_json, evaluated_at FROM aml_evaluations WHERE subject_kind = $1 AND subject_id = $2 ORDER BY id",
            subject.Kind.ToWire(), subject.Id);
}
