-- 0010 staff: console accounts (separate from holders' portal accounts), their audit trail, four-eyes requests and the
-- approved fee schedules that replace the configured ones on every node.
-- Personal data: none of holders. Staff work addresses are in staff_users.email; reasons may quote a case.

CREATE TABLE staff_users (
    id                  uuid        PRIMARY KEY,
    email               text        NOT NULL,
    normalized_email    text        NOT NULL UNIQUE,
    role                text        NOT NULL CHECK (role IN ('compliance_officer', 'operator_admin', 'auditor')),
    password_hash       text        NOT NULL,
    security_stamp      text        NOT NULL,
    lockout_end         timestamptz,
    access_failed_count integer     NOT NULL DEFAULT 0 CHECK (access_failed_count >= 0),
    two_factor_enabled  boolean     NOT NULL DEFAULT false,
    authenticator_key   text,
    last_totp_step      bigint,
    created_at          timestamptz NOT NULL,
    disabled_at         timestamptz,
    CHECK (NOT two_factor_enabled OR authenticator_key IS NOT NULL)
);

CREATE TRIGGER staff_users_no_delete BEFORE DELETE ON staff_users FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('staff accounts are disabled, never deleted');
CREATE TRIGGER staff_users_no_truncate BEFORE TRUNCATE ON staff_users FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('staff accounts are disabled, never deleted');

-- Who did what in the console, append-only.
CREATE TABLE staff_audit (
    id            uuid        PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor         text        NOT NULL,
    actor_display text        NOT NULL,
    action        text        NOT NULL,
    subject       text,
    detail        text
);

CREATE TRIGGER staff_audit_no_update BEFORE UPDATE OR DELETE ON staff_audit FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the staff trail is append-only');
CREATE TRIGGER staff_audit_no_truncate BEFORE TRUNCATE ON staff_audit FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('the staff trail is append-only');

CREATE TABLE approvals (
    id                   uuid        PRIMARY KEY,
    kind                 text        NOT NULL CHECK (kind IN ('cashout_release', 'fee_schedule')),
    subject              text        NOT NULL,
    payload              text        NOT NULL,
    summary              text        NOT NULL,
    requested_by         text        NOT NULL,
    requested_by_display text        NOT NULL,
    reason               text        NOT NULL,
    requested_at         timestamptz NOT NULL,
    status               text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
    decided_by           text,
    decided_by_display   text,
    decision_note        text,
    decided_at           timestamptz,
    CHECK ((status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)),
    CHECK (status <> 'approved' OR decided_by <> requested_by)
);

-- One pending request per kind and subject: a second request joins the first.
CREATE UNIQUE INDEX approvals_one_pending ON approvals (kind, subject) WHERE status = 'pending';
CREATE INDEX approvals_status ON approvals (status, id);

CREATE FUNCTION sc_approval_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'approvals: % refused (a decided request never changes)', TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER approvals_decided_final BEFORE UPDATE ON approvals FOR EACH ROW EXECUTE FUNCTION sc_approval_final();
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('requests are never deleted');
CREATE TRIGGER approvals_no_truncate BEFORE TRUNCATE ON approvals FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('requests are never deleted');

-- Approved fee schedules in order; the newest per provider and method replaces the configured schedule.
CREATE TABLE fee_overrides (
    version      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_id  text        NOT NULL,
    method       text        NOT NULL,
    fees_json    text        NOT NULL,
    approval_id  uuid        NOT NULL UNIQUE REFERENCES approvals (id),
    effective_at timestamptz NOT NULL
);

CREATE TRIGGER fee_overrides_no_update BEFORE UPDATE OR DELETE ON fee_overrides FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('fee schedule history is append-only');
CREATE TRIGGER fee_overrides_no_truncate BEFORE TRUNCATE ON fee_overrides FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('fee schedule history is append-only');
