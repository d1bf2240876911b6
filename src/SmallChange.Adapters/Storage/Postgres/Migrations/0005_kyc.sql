-- 0005 KYC: identity submissions for a target tier, their review decisions, and every KYC step of a holder.
-- The PostgreSQL dialect of Storage/Sqlite/Migrations/0005_kyc.sql. kyc_submissions.identity holds the personal data
-- (legal name, date of birth, nationality, address, identity document, source of funds) as one document: the single
-- column to encrypt at rest. Nothing else here identifies a person.

CREATE TABLE kyc_submissions (
    id              uuid        PRIMARY KEY,
    holder_id       uuid        NOT NULL,
    target_tier     integer     NOT NULL CHECK (target_tier IN (1, 2)),
    identity        text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    verifier        text        NOT NULL,
    submitted_by    text        NOT NULL,
    submitted_at    timestamptz NOT NULL,
    decided_by      text,
    decided_at      timestamptz,
    decision_reason text,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);

CREATE INDEX kyc_submissions_status ON kyc_submissions (status, id);
CREATE INDEX kyc_submissions_holder ON kyc_submissions (holder_id, id);
-- A holder has at most one submission waiting for review.
CREATE UNIQUE INDEX kyc_submissions_one_pending ON kyc_submissions (holder_id) WHERE status = 'pending';

-- A holder's KYC history: who did what, when and why. Append-only.
CREATE TABLE kyc_events (
    holder_id     uuid        NOT NULL,
    seq           integer     NOT NULL CHECK (seq >= 1),
    submission_id uuid,
    action        text        NOT NULL,
    actor         text        NOT NULL,
    reason        text,
    tier_from     integer,
    tier_to       integer,
    at            timestamptz NOT NULL,
    PRIMARY KEY (holder_id, seq)
);

CREATE TRIGGER kyc_events_no_update BEFORE UPDATE ON kyc_events FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('KYC events are append-only');
CREATE TRIGGER kyc_events_no_delete BEFORE DELETE ON kyc_events FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('KYC events are append-only');
CREATE TRIGGER kyc_events_no_truncate BEFORE TRUNCATE ON kyc_events FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('KYC events are append-only');
