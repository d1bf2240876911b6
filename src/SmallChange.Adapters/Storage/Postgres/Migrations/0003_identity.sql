-- 0003 identity: holder portal accounts (ASP.NET Core Identity over our own store), their recovery codes, the
-- in-app inbox, and the Data Protection key ring that every node shares (session cookies, reset tokens, the
-- protected authenticator secrets). The PostgreSQL dialect of Storage/Sqlite/Migrations/0003_identity.sql.
-- email and normalized_email are personal data (encrypted at rest by a later migration).

CREATE TABLE portal_users (
    id                  uuid        PRIMARY KEY,
    holder_id           uuid        NOT NULL UNIQUE REFERENCES holders (id),
    email               text        NOT NULL,
    normalized_email    text        NOT NULL UNIQUE,
    email_confirmed     boolean     NOT NULL,
    password_hash       text,
    security_stamp      text        NOT NULL,
    concurrency_stamp   text        NOT NULL,
    lockout_enabled     boolean     NOT NULL,
    lockout_end         timestamptz,
    access_failed_count integer     NOT NULL DEFAULT 0 CHECK (access_failed_count >= 0),
    two_factor_enabled  boolean     NOT NULL,
    -- The TOTP secret as protected by Data Protection (never the plain secret).
    authenticator_key   text,
    -- The newest accepted TOTP time step: a code of this step or an older one is a replay.
    last_totp_step      bigint,
    created_at          timestamptz NOT NULL
);

-- SHA-256 of (account id, normalized code); a code is deleted when it is used.
CREATE TABLE portal_recovery_codes (
    user_id   uuid  NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE inbox (
    id         uuid        PRIMARY KEY,
    holder_id  uuid        NOT NULL,
    kind       text        NOT NULL,
    subject    text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL,
    read_at    timestamptz
);

CREATE INDEX inbox_holder ON inbox (holder_id, id);

CREATE TABLE data_protection_keys (
    name       text        PRIMARY KEY,
    xml        text        NOT NULL,
    created_at timestamptz NOT NULL
);
