-- 0005 activity: the holder-side security records. Destination cooling-off (when a destination becomes usable, and
-- whether the holder cancelled it), the per-holder activity log, the devices each portal account has signed in
-- from, and step-up grants (a fresh second factor, per portal session, for a few minutes).
-- Nothing here holds a secret or a full account number: destinations are referred to by id, activity details are
-- written with masked values, devices and sessions are stored as SHA-256 hashes.

CREATE TABLE destination_states (
    destination_id BLOB    PRIMARY KEY REFERENCES destinations (id),
    holder_id      BLOB    NOT NULL,
    usable_at      INTEGER NOT NULL,
    cancelled_at   INTEGER,
    activated_at   INTEGER
) WITHOUT ROWID;

-- Destinations from before cooling-off existed keep working: usable (and active) from when they were added.
INSERT INTO destination_states (destination_id, holder_id, usable_at, cancelled_at, activated_at)
SELECT id, holder_id, created_at, NULL, created_at FROM destinations;

CREATE INDEX destination_states_due ON destination_states (usable_at) WHERE activated_at IS NULL AND cancelled_at IS NULL;

CREATE TABLE activity (
    id        BLOB    PRIMARY KEY,
    holder_id BLOB    NOT NULL,
    kind      TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    ip        TEXT,
    device    TEXT,
    detail    TEXT
) WITHOUT ROWID;

CREATE INDEX activity_holder ON activity (holder_id, id);

CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity
BEGIN SELECT RAISE(ABORT, 'activity is append-only'); END;

CREATE TABLE portal_devices (
    user_id     BLOB    NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    fingerprint BLOB    NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (user_id, fingerprint)
) WITHOUT ROWID;

CREATE TABLE step_ups (
    session_hash BLOB    PRIMARY KEY,
    user_id      BLOB    NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    valid_until  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX step_ups_user ON step_ups (user_id);
