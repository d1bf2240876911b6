-- 0010 auto_cashout: automatic cash-out rules (one per holder) and the record of each trigger window.
-- The PostgreSQL dialect of Storage/Sqlite/Migrations/0010_auto_cashout.sql.
-- A window (threshold: the UTC day; weekly: the ISO week; monthly: the month) ends in at most one automatic cash-out:
-- the run row is unique per holder and window, and the cash-out itself is made with an idempotency key derived from
-- the window (cashout idempotency, 0002), so several nodes running the worker cannot make two.
-- No personal data: destinations are referred to by id, details hold amounts, costs and codes.

CREATE TABLE auto_cashout_rules (
    holder_id       uuid        PRIMARY KEY REFERENCES holders (id),
    enabled         boolean     NOT NULL,
    currency        text        NOT NULL,
    trigger_kind    text        NOT NULL CHECK (trigger_kind IN ('threshold', 'weekly', 'monthly')),
    threshold       bigint      CHECK (threshold > 0),
    weekly_day      integer     CHECK (weekly_day BETWEEN 0 AND 6),
    monthly_day     integer     CHECK (monthly_day BETWEEN 1 AND 31),
    destination_id  uuid        NOT NULL REFERENCES destinations (id),
    method          text        NOT NULL,
    target_max_bps  integer     NOT NULL CHECK (target_max_bps BETWEEN 1 AND 10000),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((trigger_kind = 'threshold') = (threshold IS NOT NULL)),
    CHECK ((trigger_kind = 'weekly') = (weekly_day IS NOT NULL)),
    CHECK ((trigger_kind = 'monthly') = (monthly_day IS NOT NULL))
);

CREATE INDEX auto_cashout_rules_enabled ON auto_cashout_rules (holder_id) WHERE enabled;

CREATE TABLE auto_cashout_runs (
    holder_id   uuid        NOT NULL REFERENCES holders (id),
    window_key  text        NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('waiting', 'created', 'refused')),
    reason      text,
    detail      text        NOT NULL,
    cashout_id  uuid,
    first_at    timestamptz NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (holder_id, window_key)
);

CREATE INDEX auto_cashout_runs_recent ON auto_cashout_runs (holder_id, at);
