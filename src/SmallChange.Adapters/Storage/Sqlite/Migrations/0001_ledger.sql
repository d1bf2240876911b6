-- 0001 ledger: accounts, append-only transfers (credits included), sources, holders, API keys, idempotency.
-- Times are UTC microseconds since the Unix epoch; ids are 16-byte big-endian UUIDs (v7, time-ordered).
--
-- Per-account history is a chain, not an index: every transfer records, for each of its two accounts, the
-- previous transfer that touched that account (debit_prev, credit_prev), and every account records its newest
-- transfer (last_seq). Listing an account walks the chain backwards by primary key. This replaces two
-- (account_id, seq) indexes whose inserts land on a random page for every credit (one per holder wallet),
-- which took about half of the write time of a batch of credits (see docs/performance.md).

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
    -- The newest transfer touching this account (head of its chain); NULL before the first.
    last_seq        INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (kind, owner_id, currency),
    CHECK (debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0),
    -- A holder wallet can never go negative, whatever the code above does.
    CHECK (no_overdraft = 0 OR debits_posted + debits_pending <= credits_posted)
);

-- Accounts are never removed or renumbered, so an account that exists when a transfer is written exists for good.
CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
BEGIN SELECT RAISE(ABORT, 'accounts are never deleted'); END;
CREATE TRIGGER accounts_no_renumber BEFORE UPDATE OF id ON accounts
BEGIN SELECT RAISE(ABORT, 'account ids never change'); END;

CREATE TABLE sources (
    -- A compact key for credit rows; the public id is the UUID.
    num        INTEGER PRIMARY KEY,
    id         BLOB    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    currencies TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- A credit is a transfer from the source's settlement account to the holder's wallet that also carries the
-- source's reference for the payment (source_num, source_ref) and when it happened (occurred_at).
CREATE TABLE transfers (
    seq               INTEGER PRIMARY KEY,
    id                BLOB    NOT NULL UNIQUE,
    -- No REFERENCES here: a foreign-key lookup per account per row cost 12-20% of the credit write rate.
    -- The store writes a transfer only in a transaction that reads or updates both accounts (and fails if
    -- either is missing); accounts are never deleted (trigger above); the verifier checks it again.
    debit_account_id  INTEGER NOT NULL,
    credit_account_id INTEGER NOT NULL,
    amount            INTEGER NOT NULL CHECK (amount > 0),
    currency          TEXT    NOT NULL,
    kind              INTEGER NOT NULL CHECK (kind IN (0, 1, 2, 3)),
    pending_id        BLOB,
    timeout_at        INTEGER,
    reason            TEXT    NOT NULL,
    reverses_id       BLOB,
    reference         BLOB,
    created_at        INTEGER NOT NULL,
    -- The previous transfer touching the debit (credit) account; NULL for that account's first.
    debit_prev        INTEGER CHECK (debit_prev < seq),
    credit_prev       INTEGER CHECK (credit_prev < seq),
    -- Credits only.
    source_num        INTEGER REFERENCES sources (num),
    source_ref        TEXT,
    occurred_at       INTEGER,
    CHECK (debit_account_id <> credit_account_id),
    CHECK ((kind IN (2, 3)) = (pending_id IS NOT NULL)),
    CHECK ((source_ref IS NULL) = (source_num IS NULL) AND (source_ref IS NULL) = (occurred_at IS NULL)),
    CHECK (source_ref IS NULL OR (kind = 0 AND reason = 'credit'))
);

-- A pending transfer is posted or voided at most once.
CREATE UNIQUE INDEX transfers_pending_resolution ON transfers (pending_id) WHERE pending_id IS NOT NULL;
-- A transfer is reversed at most once.
CREATE UNIQUE INDEX transfers_reversal ON transfers (reverses_id) WHERE reverses_id IS NOT NULL;
CREATE INDEX transfers_pending_timeout ON transfers (timeout_at) WHERE kind = 1;
-- One credit per (source, source reference): the idempotency key of a credit.
CREATE UNIQUE INDEX transfers_credit_ref ON transfers (source_num, source_ref) WHERE source_ref IS NOT NULL;

-- Append-only: the store itself refuses to change or remove a transfer.
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;

CREATE TABLE holders (
    id           BLOB    PRIMARY KEY,
    external_ref TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    country      TEXT    NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    kyc_tier     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;

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
