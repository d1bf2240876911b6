-- 0004 log: the ledger as a verifiable Merkle tree (RFC 9162); see docs/verifiable-ledger.md. The PostgreSQL dialect
-- of Storage/Sqlite/Migrations/0004_log.sql, with two additions for several writers:
--   * log_entries maps leaf index → transfer: transfers.seq comes from a sequence, taken before commit, so it is
--     neither gap-free nor in commit order; the leaf index is assigned at commit instead;
--   * log_head is the one row every appending transaction locks (FOR UPDATE) just before it commits, which puts
--     the appends of all nodes in one order: the log's.

CREATE TABLE log_head (
    id        integer PRIMARY KEY CHECK (id = 1),
    tree_size bigint  NOT NULL CHECK (tree_size >= 0)
);
INSERT INTO log_head (id, tree_size) VALUES (1, 0);

CREATE TABLE log_entries (
    idx bigint PRIMARY KEY,
    seq bigint NOT NULL UNIQUE
);

CREATE TABLE log_batches (
    tree_size    bigint      PRIMARY KEY,
    first_index  bigint      NOT NULL,
    root         bytea       NOT NULL CHECK (length(root) = 32),
    committed_at timestamptz NOT NULL,
    CHECK (first_index >= 0 AND first_index < tree_size)
);

CREATE TABLE log_nodes (
    level integer NOT NULL CHECK (level >= 8),
    idx   bigint  NOT NULL,
    hash  bytea   NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
);

CREATE TABLE log_checkpoints (
    tree_size bigint      NOT NULL,
    root      bytea       NOT NULL,
    signed_at timestamptz NOT NULL,
    key_id    text        NOT NULL,
    signature bytea       NOT NULL,
    origin    text        NOT NULL,
    PRIMARY KEY (tree_size, signed_at, key_id)
);

CREATE TABLE log_keys (
    key_id     text        PRIMARY KEY,
    public_pem text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TRIGGER log_head_no_delete BEFORE DELETE ON log_head FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the log head is never removed');
CREATE TRIGGER log_entries_no_update BEFORE UPDATE OR DELETE ON log_entries FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the log is append-only');
CREATE TRIGGER log_batches_no_update BEFORE UPDATE OR DELETE ON log_batches FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the log is append-only');
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE OR DELETE ON log_nodes FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the log is append-only');
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE OR DELETE ON log_checkpoints FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('checkpoints are append-only');
CREATE TRIGGER log_keys_no_update BEFORE UPDATE OR DELETE ON log_keys FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('published keys are never changed or removed');
CREATE TRIGGER log_no_truncate BEFORE TRUNCATE ON log_entries FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('the log is append-only');
CREATE TRIGGER log_batches_no_truncate BEFORE TRUNCATE ON log_batches FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('the log is append-only');
