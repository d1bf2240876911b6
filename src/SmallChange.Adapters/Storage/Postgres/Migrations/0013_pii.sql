-- 0010 pii: personal data encrypted at rest (docs/privacy.md). The PostgreSQL dialect of
-- Storage/Sqlite/Migrations/0013_pii.sql: sealed values in the existing columns, keyed lookup columns, and the
-- personal-data state (legacy rows sealed on first open; the key ring's check value).

ALTER TABLE portal_users ADD COLUMN email_index text;
CREATE UNIQUE INDEX portal_users_email_index ON portal_users (email_index);

CREATE TABLE pii_state (
    name  text PRIMARY KEY,
    value text NOT NULL
);

INSERT INTO pii_state (name, value) VALUES ('legacy_sealed', '0');
