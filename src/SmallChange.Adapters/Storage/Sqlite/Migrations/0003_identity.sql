-- 0003 identity: holder portal accounts (ASP.NET Core Identity over our own store), their recovery codes, the
-- in-app inbox, and the Data Protection key ring that every node shares (session cookies, reset tokens, the
-- protected authenticator secrets).
-- email and normalized_email are personal data (encrypted at rest by a later migration).

CREATE TABLE portal_users (
    id                  BLOB    PRIMARY KEY,
    holder_id           BLOB    NOT NULL UNIQUE REFERENCES holders (id),
    email               TEXT    NOT NULL,
    normalized_email    TEXT    NOT NULL UNIQUE,
    email_confirmed     INTEGER NOT NULL,
    password_hash       TEXT,
    security_stamp      TEXT    NOT NULL,
    concurrency_stamp   TEXT    NOT NULL,
    lockout_enabled     INTEGER NOT NULL,
    lockout_end         INTEGER,
    access_failed_count INTEGER NOT NULL DEFAULT 0 CHECK (access_failed_count >= 0),
    two_factor_enabled  INTEGER NOT NULL,
    -- The TOTP secret as protected by Data Protection (never the plain secret).
    authenticator_key   TEXT,
    -- The newest accepted TOTP time step: a code of this step or an older one is a replay.
    last_totp_step      INTEGER,
    created_at          INTEGER NOT NULL
) WITHOUT ROWID;

-- SHA-256 of (account id, normalized code); a code is deleted when it is used.
CREATE TABLE portal_recovery_codes (
    user_id   BLOB NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

CREATE TABLE inbox (
    id         BLOB    PRIMARY KEY,
    holder_id  BLOB    NOT NULL,
    kind       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
) WITHOUT ROWID;

CREATE INDEX inbox_holder ON inbox (holder_id, id);

CREATE TABLE data_protection_keys (
    name       TEXT    PRIMARY KEY,
    xml        TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
