-- 0005 webhooks and API-key hardening (docs/security.md, "The platform API"). The PostgreSQL dialect of
-- Storage/Sqlite/Migrations/0005_webhooks.sql.
--
-- API keys: what a key may do (access 0 = full, 1 = read only) and rotation. A rotation replaces secret_hash and
-- keeps the replaced hash in previous_secret_hash, accepted until previous_valid_until (the grace period); the key
-- keeps its id, so the per-request lookup stays one read by primary key.

ALTER TABLE api_keys ADD COLUMN access integer NOT NULL DEFAULT 0 CHECK (access IN (0, 1));
ALTER TABLE api_keys ADD COLUMN previous_secret_hash bytea;
ALTER TABLE api_keys ADD COLUMN previous_valid_until timestamptz;
ALTER TABLE api_keys ADD COLUMN rotated_at timestamptz;
