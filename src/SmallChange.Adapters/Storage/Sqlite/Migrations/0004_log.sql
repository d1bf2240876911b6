-- 0004 log: the ledger as a verifiable Merkle tree (RFC 9162); see docs/verifiable-ledger.md.
-- Leaves are the transfers themselves in commit order: in this store leaf index = transfers.seq - 1 (seq is
-- assigned max + 1 by the single writer, so it is gap-free and in commit order). Each write transaction that adds
-- transfers records a batch (its first leaf, the tree size and root after it) and the perfect subtrees of 256 leaves
-- or more it completed; smaller subtrees are recomputed from the transfers when a proof needs them.

CREATE TABLE log_batches (
    tree_size    INTEGER PRIMARY KEY,
    first_index  INTEGER NOT NULL,
    root         BLOB    NOT NULL CHECK (length(root) = 32),
    committed_at INTEGER NOT NULL,
    CHECK (first_index >= 0 AND first_index < tree_size)
);

CREATE TABLE log_nodes (
    level INTEGER NOT NULL CHECK (level >= 8),
    idx   INTEGER NOT NULL,
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed tree heads. A checkpoint's signature covers origin, tree size, root and time (Checkpoint.SignedBytes).
CREATE TABLE log_checkpoints (
    tree_size INTEGER NOT NULL,
    root      BLOB    NOT NULL,
    signed_at INTEGER NOT NULL,
    key_id    TEXT    NOT NULL,
    signature BLOB    NOT NULL,
    origin    TEXT    NOT NULL,
    PRIMARY KEY (tree_size, signed_at, key_id)
) WITHOUT ROWID;

-- Every public key that signed checkpoints; rotated-out keys stay so old receipts still verify.
CREATE TABLE log_keys (
    key_id     TEXT    PRIMARY KEY,
    public_pem TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER log_batches_no_update BEFORE UPDATE ON log_batches BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_batches_no_delete BEFORE DELETE ON log_batches BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER log_keys_no_update BEFORE UPDATE ON log_keys BEGIN SELECT RAISE(ABORT, 'published keys are never changed'); END;
CREATE TRIGGER log_keys_no_delete BEFORE DELETE ON log_keys BEGIN SELECT RAISE(ABORT, 'published keys are never removed'); END;
