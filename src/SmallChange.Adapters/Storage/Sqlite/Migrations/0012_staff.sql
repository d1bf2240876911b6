-- 0010 staff: console accounts (separate from holders' portal accounts), their audit trail, four-eyes requests and the
-- approved fee schedules that replace the configured ones on every node.
-- Personal data: none of holders. Staff work addresses are in staff_users.email; reasons may quote a case.

CREATE TABLE staff_users (
    id                  BLOB    PRIMARY KEY,
    email               TEXT    NOT NULL,
    normalized_email    TEXT    NOT NULL UNIQUE,
    role                TEXT    NOT NULL CHECK (role IN ('compliance_officer', 'operator_admin', 'auditor')),
    password_hash       TEXT    NOT NULL,
    security_stamp      TEXT    NOT NULL,
    lockout_end         INTEGER,
    access_failed_count INTEGER NOT NULL DEFAULT 0 CHECK (access_failed_count >= 0),
    two_factor_enabled  INTEGER NOT NULL DEFAULT 0 CHECK (two_factor_enabled IN (0, 1)),
    authenticator_key   TEXT,
    last_totp_step      INTEGER,
    created_at          INTEGER NOT NULL,
    disabled_at         INTEGER,
    CHECK (two_factor_enabled = 0 OR authenticator_key IS NOT NULL)
) WITHOUT ROWID;

CREATE TRIGGER staff_users_no_delete BEFORE DELETE ON staff_users
BEGIN SELECT RAISE(ABORT, 'staff accounts are disabled, never deleted'); END;

-- Who did what in the console, append-only.
CREATE TABLE staff_audit (
    id            BLOB    PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor         TEXT    NOT NULL,
    actor_display TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    subject       TEXT,
    detail        TEXT
) WITHOUT ROWID;

CREATE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_audit
BEGIN SELECT RAISE(ABORT, 'the staff trail is append-only'); END;
CREATE TRIGGER staff_audit_no_delete BEFORE DELETE ON staff_audit
BEGIN SELECT RAISE(ABORT, 'the staff trail is append-only'); END;

CREATE TABLE approvals (
    id                   BLOB    PRIMARY KEY,
    kind                 TEXT    NOT NULL CHECK (kind IN ('cashout_release', 'fee_schedule')),
    subject              TEXT    NOT NULL,
    payload              TEXT    NOT NULL,
    summary              TEXT    NOT NULL,
    requested_by         TEXT    NOT NULL,
    requested_by_display TEXT    NOT NULL,
    reason               TEXT    NOT NULL,
    requested_at         INTEGER NOT NULL,
    status               TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
    decided_by           TEXT,
    decided_by_display   TEXT,
    decision_note        TEXT,
    decided_at           INTEGER,
    CHECK ((status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)),
    CHECK (status <> 'approved' OR decided_by <> requested_by)
) WITHOUT ROWID;

-- One pending request per kind and subject: a second request joins the first.
CREATE UNIQUE INDEX approvals_one_pending ON approvals (kind, subject) WHERE status = 'pending';
CREATE INDEX approvals_status ON approvals (status, id);

CREATE TRIGGER approvals_decided_final BEFORE UPDATE ON approvals WHEN OLD.status <> 'pending'
BEGIN SELECT RAISE(ABORT, 'a decided request never changes'); END;
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
BEGIN SELECT RAISE(ABORT, 'requests are never deleted'); END;

-- Approved fee schedules in order; the newest per provider and method replaces the configured schedule.
CREATE TABLE fee_overrides (
    version      INTEGER PRIMARY KEY,
    provider_id  TEXT    NOT NULL,
    method       TEXT    NOT NULL,
    fees_json    TEXT    NOT NULL,
    approval_id  BLOB    NOT NULL UNIQUE REFERENCES approvals (id),
    effective_at INTEGER NOT NULL
);

CREATE TRIGGER fee_overrides_no_update BEFORE UPDATE ON fee_overrides
BEGIN SELECT RAISE(ABORT, 'fee schedule history is append-only'); END;
CREATE TRIGGER fee_overrides_no_delete BEFORE DELETE ON fee_overrides
BEGIN SELECT RAISE(ABORT, 'fee schedule history is append-only'); END;
