-- 0002 cash-outs: locked quotes, destinations, cash-outs with their event history, the outbox,
-- and the provider side of the sandbox rails.

CREATE TABLE quotes (
    id          BLOB    PRIMARY KEY,
    holder_id   BLOB    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- value, institution and account_holder_name are personal data (encrypted at rest by a later migration).
CREATE TABLE destinations (
    id                  BLOB    PRIMARY KEY,
    holder_id           BLOB    NOT NULL,
    kind                INTEGER NOT NULL,
    sub_type            TEXT    NOT NULL,
    country             TEXT    NOT NULL,
    currency            TEXT    NOT NULL,
    masked              TEXT    NOT NULL,
    fingerprint         TEXT    NOT NULL,
    value               TEXT    NOT NULL,
    institution         TEXT,
    account_holder_name TEXT,
    network             TEXT,
    asset               TEXT,
    created_at          INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX destinations_holder ON destinations (holder_id, id);
CREATE INDEX destinations_fingerprint ON destinations (fingerprint);

CREATE TABLE cashouts (
    id             BLOB    PRIMARY KEY,
    holder_id      BLOB    NOT NULL,
    quote_id       BLOB    NOT NULL,
    destination_id BLOB    NOT NULL,
    provider_id    TEXT    NOT NULL,
    method         TEXT    NOT NULL,
    state          TEXT    NOT NULL,
    currency       TEXT    NOT NULL,
    gross          INTEGER NOT NULL CHECK (gross > 0),
    fee            INTEGER NOT NULL CHECK (fee >= 0),
    net_currency   TEXT    NOT NULL,
    net            INTEGER NOT NULL CHECK (net >= 0),
    option_json    TEXT    NOT NULL,
    checks_json    TEXT    NOT NULL,
    hold_transfer_id BLOB,
    provider_ref   TEXT,
    failure_reason TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX cashouts_holder ON cashouts (holder_id, id);
CREATE INDEX cashouts_state ON cashouts (state, updated_at);

CREATE TABLE cashout_events (
    cashout_id BLOB    NOT NULL,
    seq        INTEGER NOT NULL,
    state      TEXT    NOT NULL,
    reason     TEXT,
    at         INTEGER NOT NULL,
    PRIMARY KEY (cashout_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER cashout_events_no_update BEFORE UPDATE ON cashout_events
BEGIN SELECT RAISE(ABORT, 'cash-out events are append-only'); END;
CREATE TRIGGER cashout_events_no_delete BEFORE DELETE ON cashout_events
BEGIN SELECT RAISE(ABORT, 'cash-out events are append-only'); END;

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    cashout_id    BLOB    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    due_at        INTEGER NOT NULL,
    claimed_until INTEGER,
    done_at       INTEGER,
    last_error    TEXT
);

CREATE INDEX outbox_due ON outbox (due_at) WHERE done_at IS NULL;

-- The provider side of the sandbox rails: what each sandbox provider received, once per idempotency key.
CREATE TABLE sandbox_payments (
    provider_id     TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    cashout_id      BLOB    NOT NULL,
    net             INTEGER NOT NULL,
    currency        TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    deliveries      INTEGER NOT NULL,
    outcome         TEXT    NOT NULL,
    received_at     INTEGER NOT NULL,
    settle_at       INTEGER NOT NULL,
    return_at       INTEGER,
    PRIMARY KEY (provider_id, idempotency_key)
) WITHOUT ROWID;
