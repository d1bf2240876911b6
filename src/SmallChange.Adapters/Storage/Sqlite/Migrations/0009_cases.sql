-- 0005 cases: alerts (AML rules and sanctions screening that did not allow), cases grouping a holder's alerts with their
-- append-only audit trail, the archive of AML evaluations, regulatory reports with their documents, the credit
-- monitor's durable position, and what the operator declared pays for each source's credits.
-- Personal data: case_events.detail (notes and reasons may quote names), cases.decision_reason, report_files.content.

CREATE TABLE cases (
    id              BLOB    PRIMARY KEY,
    holder_id       BLOB    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    assignee        TEXT,
    alert_count     INTEGER NOT NULL DEFAULT 0 CHECK (alert_count >= 0),
    decision        TEXT    CHECK (decision IN ('release', 'reject', 'file_report')),
    decision_reason TEXT,
    decided_by      TEXT,
    decided_at      INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK ((status = 'closed') = (decision IS NOT NULL AND decision_reason IS NOT NULL AND decided_by IS NOT NULL AND decided_at IS NOT NULL))
) WITHOUT ROWID;

-- A holder has at most one open case: new alerts join it.
CREATE UNIQUE INDEX cases_one_open ON cases (holder_id) WHERE status = 'open';
CREATE INDEX cases_holder ON cases (holder_id, id);

CREATE TRIGGER cases_decided_final BEFORE UPDATE ON cases WHEN OLD.status = 'closed'
BEGIN SELECT RAISE(ABORT, 'a decided case never changes'); END;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END;

CREATE TABLE alerts (
    id           BLOB    PRIMARY KEY,
    holder_id    BLOB    NOT NULL,
    case_id      BLOB    NOT NULL REFERENCES cases (id),
    rule_id      TEXT    NOT NULL,
    rule_version INTEGER NOT NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('allow', 'hold', 'reject')),
    explanation  TEXT    NOT NULL,
    figures_json TEXT    NOT NULL,
    subject_kind TEXT    NOT NULL CHECK (subject_kind IN ('holder', 'destination', 'cashout', 'credit')),
    subject_id   BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX alerts_case ON alerts (case_id, id);
CREATE INDEX alerts_holder ON alerts (holder_id, id);
CREATE INDEX alerts_subject ON alerts (subject_kind, subject_id);

CREATE TRIGGER alerts_no_update BEFORE UPDATE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are append-only'); END;
CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are append-only'); END;

-- The audit trail of a case: every action with its actor and time.
CREATE TABLE case_events (
    case_id BLOB    NOT NULL REFERENCES cases (id),
    seq     INTEGER NOT NULL CHECK (seq >= 1),
    action  TEXT    NOT NULL,
    actor   TEXT    NOT NULL,
    detail  TEXT,
    at      INTEGER NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'the case trail is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'the case trail is append-only'); END;

-- Every AML evaluation of a cash-out (and of a credit that alerted): each rule's decision with its figures.
CREATE TABLE aml_evaluations (
    id             INTEGER PRIMARY KEY,
    subject_kind   TEXT    NOT NULL,
    subject_id     BLOB    NOT NULL,
    holder_id      BLOB    NOT NULL,
    outcome        TEXT    NOT NULL CHECK (outcome IN ('allow', 'hold', 'reject')),
    decisions_json TEXT    NOT NULL,
    evaluated_at   INTEGER NOT NULL
);

CREATE INDEX aml_evaluations_subject ON aml_evaluations (subject_kind, subject_id);

CREATE TRIGGER aml_evaluations_no_update BEFORE UPDATE ON aml_evaluations
BEGIN SELECT RAISE(ABORT, 'the decision archive is append-only'); END;
CREATE TRIGGER aml_evaluations_no_delete BEFORE DELETE ON aml_evaluations
BEGIN SELECT RAISE(ABORT, 'the decision archive is append-only'); END;

CREATE TABLE reports (
    id          BLOB    PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('ctr', 'sar')),
    reference   TEXT    NOT NULL UNIQUE,
    holder_id   BLOB    NOT NULL,
    profile_id  TEXT    NOT NULL,
    case_id     BLOB,
    period_from TEXT    NOT NULL,
    period_to   TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    tx_count    INTEGER NOT NULL CHECK (tx_count >= 0),
    status      TEXT    NOT NULL CHECK (status IN ('ready', 'filed')),
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    formats     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX reports_holder ON reports (holder_id, id);

CREATE TRIGGER reports_filed_final BEFORE UPDATE ON reports WHEN OLD.status = 'filed'
BEGIN SELECT RAISE(ABORT, 'a filed report never changes'); END;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are never deleted'); END;

-- The documents of a report as written (one per format). Replaced only while the report is ready.
CREATE TABLE report_files (
    report_id  BLOB NOT NULL REFERENCES reports (id),
    format     TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content    BLOB NOT NULL,
    PRIMARY KEY (report_id, format)
) WITHOUT ROWID;

CREATE TRIGGER report_files_filed_final_update BEFORE UPDATE ON report_files
WHEN (SELECT status FROM reports WHERE id = OLD.report_id) = 'filed'
BEGIN SELECT RAISE(ABORT, 'a filed report never changes'); END;
CREATE TRIGGER report_files_filed_final_delete BEFORE DELETE ON report_files
WHEN (SELECT status FROM reports WHERE id = OLD.report_id) = 'filed'
BEGIN SELECT RAISE(ABORT, 'a filed report never changes'); END;

-- How far a monitor has read the ledger's log (leaf index). The credit monitor starts where the log stands when this
-- migration runs: history before it is for the back-test, not for fresh alerts.
CREATE TABLE monitor_positions (
    name     TEXT    PRIMARY KEY,
    position INTEGER NOT NULL CHECK (position >= 0)
) WITHOUT ROWID;

INSERT INTO monitor_positions (name, position) SELECT 'aml_credits', COALESCE(MAX(tree_size), 0) FROM log_batches;

-- What pays for the value a source credits, as the operator declared it (credit cycling reads it).
CREATE TABLE source_funding (
    source_id  BLOB    PRIMARY KEY,
    funding    TEXT    NOT NULL CHECK (funding IN ('unknown', 'balance', 'carrier_billing', 'card')),
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
