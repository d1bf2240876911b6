-- 0010 pii: personal data encrypted at rest (docs/privacy.md). The columns that hold names, account numbers, addresses,
-- birth dates and e-mail addresses keep their names and now hold values sealed with AES-256-GCM under the personal-data
-- key ring (`pii1.<key id>.<base64url>`): holders.name; destinations.value, institution, account_holder_name;
-- kyc_submissions.identity; portal_users.email, normalized_email; data_protection_keys.xml. Rows written before this
-- migration are sealed by the store when it is first opened after it (pii_state 'legacy_sealed'), in batches, one row
-- per statement: until then a row is read in its plain form, after it in its sealed form.
--
-- Lookups go through keyed hashes (HMAC-SHA-256 under the ring's index key): portal_users.email_index for sign-in by
-- e-mail (normalized_email's own unique constraint no longer means anything: every sealed value differs), and
-- destinations.fingerprint / sandbox_payments.fingerprint now hold the keyed form of the destination fingerprint.

ALTER TABLE portal_users ADD COLUMN email_index TEXT;
CREATE UNIQUE INDEX portal_users_email_index ON portal_users (email_index);

-- The personal-data state of this database: whether rows from before encryption have all been sealed, and a check
-- value of the key ring (a keyed hash of a constant under the index key, which never rotates), so that a store opened
-- with another ring refuses to run instead of writing data that the first ring cannot read.
CREATE TABLE pii_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO pii_state (name, value) VALUES ('legacy_sealed', '0');
