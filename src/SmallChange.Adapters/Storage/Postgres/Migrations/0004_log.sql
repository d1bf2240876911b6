-- 0004 log: the ledger as a verifiable Merkle tree (RFC 9162); see docs/verifiable-ledger.md. The PostgreSQL dialect
-- of Storage/Sqlite/Migrations/0004_log.sql, with two additions for several writers:
--   * log_ranges maps leaf indexes → transfers: transfers.seq comes from a sequence, taken before commit, so it is
--     neither gap-free nor in commit order; the leaf index is assigned at commit instead;
--   * log_head is the one row every appending transaction locks (FOR UPDATE) just before it commits, which puts
--     the appends of all nodes in one order: the log's.

CREATE TABLE log_head (
    id        integer PRIMARY KEY CHECK (id = 1),
    tree_size bigint  NOT NULL CHECK (tree_size >= 0)
);
INSERT INTO log_head (id, tree_size) VALUES (1, 0);

-- Leaves [first_idx, first_idx + seq_to - seq_from] are the transfers seq_from..seq_to: one row per run of consecutive
-- sequence numbers a transaction appended (a batch of credits is usually one run), not one row per transfer, which
-- cost a tenth of the credit write rate. Runs never overlap: a transfer is in one run.
CREATE TABLE log_ranges (
    first_idx bigint PRIMARY KEY,
    seq_from  bigint NOT NULL,
    seq_to    bigint NOT NULL,
    CHECK (first_idx >= 0 AND seq_from <= seq_to)
);
CREATE UNIQUE INDEX log_ranges_seq ON log_ranges (seq_from);

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
CREATE TRIGGER log_ranges_no_update BEFORE UPDATE OR DELETE ON log_ranges FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the log is append-only');
CREATE TRIGGER log_batches_no_update BEFORE UPDATE OR DELETE ON log_batches FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the log is append-only');
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE OR DELETE ON log_nodes FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('the log is append-only');
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE OR DELETE ON log_checkpoints FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('checkpoints are append-only');
CREATE TRIGGER log_keys_no_update BEFORE UPDATE OR DELETE ON log_keys FOR EACH ROW EXECUTE FUNCTION sc_refuse_change('published keys are never changed or removed');
CREATE TRIGGER log_ranges_no_truncate BEFORE TRUNCATE ON log_ranges FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('the log is append-only');
CREATE TRIGGER log_batches_no_truncate BEFORE TRUNCATE ON log_batches FOR EACH STATEMENT EXECUTE FUNCTION sc_refuse_change('the log is append-only');
