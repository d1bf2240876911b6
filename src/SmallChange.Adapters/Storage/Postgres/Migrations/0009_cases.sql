-- 0005 cases: the PostgreSQL dialect of Storage/Sqlite/Migrations/0009_cases.sql (alerts, cases and their audit trail,
-- the AML decision archive, reports and their documents, the credit monitor's position, source funding).
-- Personal data: case_events.detail (notes and reasons may quote names), cases.decision_reason, report_files.content.

CREATE TABLE cases (
    id              uuid        PRIMARY KEY,
    holder_id       uuid        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('open', 'closed')),
    assignee        text,
    alert_count     integer     NOT NULL DEFAULT 0 CHECK (alert_count >= 0),
    decision        text        CHECK (decision IN ('release', 'reject', 'file_report')),
    decision_reason text,
    decided_by      text,
    decided_at      timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((status = 'closed') = (decision IS NOT NULL AND decision_reason IS NOT NULL AND decided_by IS NOT NULL AND decided_at IS NOT NULL))
);

-- A holder has at most one open case: new alerts join it (a concurrent second open is a unique violation, retried).
CREATE UNIQUE INDEX cases_one_open ON cases (holder_id) WHERE status = 'open';
CREATE INDEX cases_holder ON cases (holder_id, id);

CREATE FUNCTION sc_refuse_when_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('closed', 'filed') THEN
        RAISE EXCEPTION '%: % refused (%)', TG_TABLE_NAME, TG_OP, TG_ARGV[0] USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER cases_decided_final BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION sc_refuse_when_final('a decided case never changes');
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('cases are never deleted');
CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('cases are never deleted');

CREATE TABLE alerts (
    id           uuid        PRIMARY KEY,
    holder_id    uuid        NOT NULL,
    case_id      uuid        NOT NULL REFERENCES cases (id),
    rule_id      text        NOT NULL,
    rule_version integer     NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('allow', 'hold', 'reject')),
    explanation  text        NOT NULL,
    figures_json text        NOT NULL,
    subject_kind text        NOT NULL CHECK (subject_kind IN ('holder', 'destination', 'cashout', 'credit')),
    subject_id   uuid        NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX alerts_case ON alerts (case_id, id);
CREATE INDEX alerts_holder ON alerts (holder_id, id);
CREATE INDEX alerts_subject ON alerts (subject_kind, subject_id);

CREATE TRIGGER alerts_no_update BEFORE UPDATE OR DELETE ON alerts FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('alerts are append-only');
CREATE TRIGGER alerts_no_truncate BEFORE TRUNCATE ON alerts FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('alerts are append-only');

CREATE TABLE case_events (
    case_id uuid        NOT NULL REFERENCES cases (id),
    seq     integer     NOT NULL CHECK (seq >= 1),
    action  text        NOT NULL,
    actor   text        NOT NULL,
    detail  text,
    at      timestamptz NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the case trail is append-only');
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('the case trail is append-only');

CREATE TABLE aml_evaluations (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_kind   text        NOT NULL,
    subject_id     uuid        NOT NULL,
    holder_id      uuid        NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('allow', 'hold', 'reject')),
    decisions_json text        NOT NULL,
    evaluated_at   timestamptz NOT NULL
);

CREATE INDEX aml_evaluations_subject ON aml_evaluations (subject_kind, subject_id);

CREATE TRIGGER aml_evaluations_no_update BEFORE UPDATE OR DELETE ON aml_evaluations FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the decision archive is append-only');
CREATE TRIGGER aml_evaluations_no_truncate BEFORE TRUNCATE ON aml_evaluations FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('the decision archive is append-only');

CREATE TABLE reports (
    id          uuid        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('ctr', 'sar')),
    reference   text        NOT NULL UNIQUE,
    holder_id   uuid        NOT NULL,
    profile_id  text        NOT NULL,
    case_id     uuid,
    period_from date        NOT NULL,
    period_to   date        NOT NULL,
    currency    text        NOT NULL,
    amount      bigint      NOT NULL CHECK (amount >= 0),
    tx_count    integer     NOT NULL CHECK (tx_count >= 0),
    status      text        NOT NULL CHECK (status IN ('ready', 'filed')),
    revision    integer     NOT NULL CHECK (revision >= 1),
    formats     text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX reports_holder ON reports (holder_id, id);

CREATE TRIGGER reports_filed_final BEFORE UPDATE ON reports FOR EACH ROW EXECUTE FUNCTION sc_refuse_when_final('a filed report never changes');
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('reports are never deleted');
CREATE TRIGGER reports_no_truncate BEFORE TRUNCATE ON reports FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('reports are never deleted');

CREATE TABLE report_files (
    report_id  uuid  NOT NULL REFERENCES reports (id),
    format     text  NOT NULL,
    file_name  text  NOT NULL,
    media_type text  NOT NULL,
    content    bytea NOT NULL,
    PRIMARY KEY (report_id, format)
);

CREATE FUNCTION sc_report_file_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM reports WHERE id = OLD.report_id) = 'filed' THEN
        RAISE EXCEPTION 'report_files: % refused (a filed report never changes)', TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER report_files_filed_final BEFORE UPDATE OR DELETE ON report_files FOR EACH ROW EXECUTE FUNCTION sc_report_file_final();

-- How far a monitor has read the ledger's log (leaf index, commit order). The credit monitor starts where the log
-- stands when this migration runs: history before it is for the back-test, not for fresh alerts.
CREATE TABLE monitor_positions (
    name     text   PRIMARY KEY,
    position bigint NOT NULL CHECK (position >= 0)
);

INSERT INTO monitor_positions (name, position) SELECT 'aml_credits', (SELECT tree_size FROM log_head WHERE id = 1);

CREATE TABLE source_funding (
    source_id  uuid        PRIMARY KEY,
    funding    text        NOT NULL CHECK (funding IN ('unknown', 'balance', 'carrier_billing', 'card')),
    updated_at timestamptz NOT NULL
);
