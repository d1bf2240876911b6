-- 0005 KYC: identity submissions for a target tier, their review decisions, and every KYC step of a holder.
-- kyc_submissions.identity holds the personal data (legal name, date of birth, nationality, address, identity
-- document, source of funds) as one document: the single column to encrypt at rest. Nothing else here identifies a
-- person; decision reasons are written by officers for officers.

CREATE TABLE kyc_submissions (
    id              BLOB    PRIMARY KEY,
    holder_id       BLOB    NOT NULL,
    target_tier     INTEGER NOT NULL CHECK (target_tier IN (1, 2)),
    identity        TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    verifier        TEXT    NOT NULL,
    submitted_by    TEXT    NOT NULL,
    submitted_at    INTEGER NOT NULL,
    decided_by      TEXT,
    decided_at      INTEGER,
    decision_reason TEXT,
    CHECK ((status = 'pending') = (decided_at IS NULL))
) WITHOUT ROWID;

CREATE INDEX kyc_submissions_status ON kyc_submissions (status, id);
CREATE INDEX kyc_submissions_holder ON kyc_submissions (holder_id, id);
-- A holder has at most one submission waiting for review.
CREATE UNIQUE INDEX kyc_submissions_one_pending ON kyc_submissions (holder_id) WHERE status = 'pending';

-- A holder's KYC history: who did what, when and why. Append-only.
CREATE TABLE kyc_events (
    holder_id     BLOB    NOT NULL,
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    submission_id BLOB,
    action        TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    reason        TEXT,
    tier_from     INTEGER,
    tier_to       INTEGER,
    at            INTEGER NOT NULL,
    PRIMARY KEY (holder_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER kyc_events_no_update BEFORE UPDATE ON kyc_events
BEGIN SELECT RAISE(ABORT, 'KYC events are append-only'); END;
CREATE TRIGGER kyc_events_no_delete BEFORE DELETE ON kyc_events
BEGIN SELECT RAISE(ABORT, 'KYC events are append-only'); END;
