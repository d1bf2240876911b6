-- 0010 auto_cashout: automatic cash-out rules (one per holder) and the record of each trigger window.
-- A window (threshold: the UTC day; weekly: the ISO week; monthly: the month) ends in at most one automatic cash-out:
-- the run row is unique per holder and window, and the cash-out itself is made with an idempotency key derived from
-- the window (cashout idempotency, 0002), so several nodes running the worker cannot make two.
-- No personal data: destinations are referred to by id, details hold amounts, costs and codes.

CREATE TABLE auto_cashout_rules (
    holder_id       BLOB    PRIMARY KEY REFERENCES holders (id),
    enabled         INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    currency        TEXT    NOT NULL,
    trigger_kind    TEXT    NOT NULL CHECK (trigger_kind IN ('threshold', 'weekly', 'monthly')),
    threshold       INTEGER CHECK (threshold > 0),
    weekly_day      INTEGER CHECK (weekly_day BETWEEN 0 AND 6),
    monthly_day     INTEGER CHECK (monthly_day BETWEEN 1 AND 31),
    destination_id  BLOB    NOT NULL REFERENCES destinations (id),
    method          TEXT    NOT NULL,
    target_max_bps  INTEGER NOT NULL CHECK (target_max_bps BETWEEN 1 AND 10000),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK ((trigger_kind = 'threshold') = (threshold IS NOT NULL)),
    CHECK ((trigger_kind = 'weekly') = (weekly_day IS NOT NULL)),
    CHECK ((trigger_kind = 'monthly') = (monthly_day IS NOT NULL))
) WITHOUT ROWID;

CREATE INDEX auto_cashout_rules_enabled ON auto_cashout_rules (holder_id) WHERE enabled = 1;

CREATE TABLE auto_cashout_runs (
    holder_id   BLOB    NOT NULL REFERENCES holders (id),
    window_key  TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('waiting', 'created', 'refused')),
    reason      TEXT,
    detail      TEXT    NOT NULL,
    cashout_id  BLOB,
    first_at    INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (holder_id, window_key)
) WITHOUT ROWID;

CREATE INDEX auto_cashout_runs_recent ON auto_cashout_runs (holder_id, at);
