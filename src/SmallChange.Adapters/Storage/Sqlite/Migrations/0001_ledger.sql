-- 0001 ledger: accounts, append-only transfers, sources, holders, credits, API keys, idempotency.
-- Times are UTC microseconds since the Unix epoch; ids are 16-byte big-endian UUIDs (v7, time-ordered).

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    kind            INTEGER NOT NULL,
    owner_id        BLOB    NOT NULL,
    currency        TEXT    NOT NULL,
    no_overdraft    INTEGER NOT NULL,
    debits_pending  INTEGER NOT NULL DEFAULT 0,
    debits_posted   INTEGER NOT NULL DEFAULT 0,
    credits_pending INTEGER NOT NULL DEFAULT 0,
    credits_posted  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    UNIQUE (kind, owner_id, currency),
    CHECK (debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0),
    -- A holder wallet can never go negative, whatever the code above does.
    CHECK (no_overdraft = 0 OR debits_posted + debits_pending <= credits_posted)
);

CREATE TABLE transfers (
    seq               INTEGER PRIMARY KEY,
    id                BLOB    NOT NULL UNIQUE,
    debit_account_id  INTEGER NOT NULL REFERENCES accounts (id),
    credit_account_id INTEGER NOT NULL REFERENCES accounts (id),
    amount            INTEGER NOT NULL CHECK (amount > 0),
    currency          TEXT    NOT NULL,
    kind              INTEGER NOT NULL CHECK (kind IN (0, 1, 2, 3)),
    pending_id        BLOB,
    timeout_at        INTEGER,
    reason            TEXT    NOT NULL,
    reverses_id       BLOB,
    reference         BLOB,
    created_at        INTEGER NOT NULL,
    CHECK (debit_account_id <> credit_account_id),
    CHECK ((kind IN (2, 3)) = (pending_id IS NOT NULL))
);

-- A pending transfer is posted or voided at most once.
CREATE UNIQUE INDEX transfers_pending_resolution ON transfers (pending_id) WHERE pending_id IS NOT NULL;
-- A transfer is reversed at most once.
CREATE UNIQUE INDEX transfers_reversal ON transfers (reverses_id) WHERE reverses_id IS NOT NULL;
CREATE INDEX transfers_pending_timeout ON transfers (timeout_at) WHERE kind = 1;
CREATE INDEX transfers_debit ON transfers (debit_account_id, seq);
CREATE INDEX transfers_credit ON transfers (credit_account_id, seq);

-- Append-only: the store itself refuses to change or remove a transfer.
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;

CREATE TABLE sources (
    id         BLOB    PRIMARY KEY,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    currencies TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE holders (
    id           BLOB    PRIMARY KEY,
    external_ref TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    country      TEXT    NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    kyc_tier     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- One credit per (source, source reference): the idempotency key of a credit.
CREATE TABLE credits (
    source_id   BLOB    NOT NULL,
    source_ref  TEXT    NOT NULL,
    holder_id   BLOB    NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    currency    TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,
    transfer_id BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (source_id, source_ref)
) WITHOUT ROWID;

CREATE INDEX credits_holder ON credits (holder_id, transfer_id);

CREATE TABLE api_keys (
    key_id      TEXT    PRIMARY KEY,
    secret_hash BLOB    NOT NULL,
    scope       INTEGER NOT NULL,
    source_id   BLOB,
    label       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) WITHOUT ROWID;

CREATE TABLE idempotency (
    scope         TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    request_hash  BLOB    NOT NULL,
    status_code   INTEGER NOT NULL,
    response_body TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
