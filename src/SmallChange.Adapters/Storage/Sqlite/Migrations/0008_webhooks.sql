-- 0005 webhooks and API-key hardening (docs/security.md, "The platform API").
--
-- API keys: what a key may do (access 0 = full, 1 = read only) and rotation. A rotation replaces secret_hash and
-- keeps the replaced hash in previous_secret_hash, accepted until previous_valid_until (the grace period); the key
-- keeps its id, so the per-request lookup stays one read by primary key.

ALTER TABLE api_keys ADD COLUMN access INTEGER NOT NULL DEFAULT 0 CHECK (access IN (0, 1));
ALTER TABLE api_keys ADD COLUMN previous_secret_hash BLOB;
ALTER TABLE api_keys ADD COLUMN previous_valid_until INTEGER;
ALTER TABLE api_keys ADD COLUMN rotated_at INTEGER;

-- Outbound webhooks to operators. An endpoint receives the event types in events (',cashout.paid,cashout.failed,'
-- with the commas around each, or '*' for all); its signing secrets are stored as Data Protection protected them.
CREATE TABLE webhook_endpoints (
    id                   BLOB    PRIMARY KEY,
    url                  TEXT    NOT NULL,
    events               TEXT    NOT NULL,
    secret               TEXT    NOT NULL,
    previous_secret      TEXT,
    previous_valid_until INTEGER,
    description          TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    disabled_at          INTEGER
) WITHOUT ROWID;

-- The durable outbox: an event is written in the transaction of the change it reports, with one delivery per
-- subscribed endpoint; the dispatcher claims due deliveries, signs and sends the payload, and retries with backoff.
CREATE TABLE webhook_events (
    id          BLOB    PRIMARY KEY,
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY,
    event_id      BLOB    NOT NULL,
    endpoint_id   BLOB    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    due_at        INTEGER NOT NULL,
    claimed_until INTEGER,
    delivered_at  INTEGER,
    failed_at     INTEGER,
    last_status   INTEGER,
    last_error    TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (event_id, endpoint_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

-- Inbound webhooks from providers: each provider's secret (protected) and the event ids received, so that a
-- message is applied once; ids older than the replay window are only kept for a while.
CREATE TABLE webhook_provider_secrets (
    provider_id          TEXT    PRIMARY KEY,
    secret               TEXT    NOT NULL,
    previous_secret      TEXT,
    previous_valid_until INTEGER,
    created_at           INTEGER NOT NULL,
    rotated_at           INTEGER
) WITHOUT ROWID;

CREATE TABLE webhook_inbound_events (
    provider_id TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (provider_id, event_id)
) WITHOUT ROWID;

CREATE INDEX webhook_inbound_events_received ON webhook_inbound_events (received_at);

-- The sandbox providers' side of callback mode: when each payment's outcome is to be reported by signed callback.
CREATE TABLE sandbox_callbacks (
    provider_id     TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('settle', 'return')),
    cashout_id      BLOB    NOT NULL,
    outcome         TEXT    NOT NULL,
    due_at          INTEGER NOT NULL,
    sent_at         INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    PRIMARY KEY (provider_id, idempotency_key, kind)
) WITHOUT ROWID;

CREATE INDEX sandbox_callbacks_due ON sandbox_callbacks (due_at) WHERE sent_at IS NULL;
