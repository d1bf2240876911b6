-- 0005 activity: the holder-side security records. Destination cooling-off (when a destination becomes usable, and
-- whether the holder cancelled it), the per-holder activity log, the devices each portal account has signed in
-- from, and step-up grants (a fresh second factor, per portal session, for a few minutes).
-- The PostgreSQL dialect of Storage/Sqlite/Migrations/0007_activity.sql.
-- Nothing here holds a secret or a full account number: destinations are referred to by id, activity details are
-- written with masked values, devices and sessions are stored as SHA-256 hashes.

CREATE TABLE destination_states (
    destination_id uuid        PRIMARY KEY REFERENCES destinations (id),
    holder_id      uuid        NOT NULL,
    usable_at      timestamptz NOT NULL,
    cancelled_at   timestamptz,
    activated_at   timestamptz
);

-- Destinations from before cooling-off existed keep working: usable (and active) from when they were added.
INSERT INTO destination_states (destination_id, holder_id, usable_at, cancelled_at, activated_at)
SELECT id, holder_id, created_at, NULL, created_at FROM destinations;

CREATE INDEX destination_states_due ON destination_states (usable_at) WHERE activated_at IS NULL AND cancelled_at IS NULL;

CREATE TABLE activity (
    id        uuid        PRIMARY KEY,
    holder_id uuid        NOT NULL,
    kind      text        NOT NULL,
    at        timestamptz NOT NULL,
    ip        text,
    device    text,
    detail    text
);

CREATE INDEX activity_holder ON activity (holder_id, id);

CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('activity is append-only');

CREATE TABLE portal_devices (
    user_id     uuid        NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    fingerprint bytea       NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    PRIMARY KEY (user_id, fingerprint)
);

CREATE TABLE step_ups (
    session_hash bytea       PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    valid_until  timestamptz NOT NULL
);

CREATE INDEX step_ups_user ON step_ups (user_id);
