-- 0006 sanctions lists: every imported version of a list (OFAC SDN, OFAC consolidated, UN) with its entries, so
-- screening runs against the latest version and any past screening can be traced to the version it used.
-- Public list data only; versions are never changed or deleted.

CREATE TABLE sanctions_list_versions (
    id           INTEGER PRIMARY KEY,
    list_id      TEXT    NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    content_hash TEXT    NOT NULL,
    published_at INTEGER,
    imported_at  INTEGER NOT NULL,
    entry_count  INTEGER NOT NULL CHECK (entry_count >= 0),
    added        INTEGER NOT NULL,
    removed      INTEGER NOT NULL,
    changed      INTEGER NOT NULL,
    source_files TEXT    NOT NULL,
    UNIQUE (list_id, seq)
);

-- One row per entry and version, in the list's order (ord). body holds names, aliases, birth dates, nationalities,
-- countries, addresses, programmes and remarks as one JSON document; entry_hash is its SHA-256.
CREATE TABLE sanctions_entries (
    version_id   INTEGER NOT NULL REFERENCES sanctions_list_versions (id),
    entry_id     TEXT    NOT NULL,
    ord          INTEGER NOT NULL,
    entry_type   TEXT    NOT NULL,
    primary_name TEXT    NOT NULL,
    entry_hash   TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    PRIMARY KEY (version_id, entry_id)
) WITHOUT ROWID;

CREATE INDEX sanctions_entries_order ON sanctions_entries (version_id, ord);

CREATE TRIGGER sanctions_list_versions_no_update BEFORE UPDATE ON sanctions_list_versions
BEGIN SELECT RAISE(ABORT, 'sanctions list versions are immutable'); END;
CREATE TRIGGER sanctions_list_versions_no_delete BEFORE DELETE ON sanctions_list_versions
BEGIN SELECT RAISE(ABORT, 'sanctions list versions are immutable'); END;
CREATE TRIGGER sanctions_entries_no_update BEFORE UPDATE ON sanctions_entries
BEGIN SELECT RAISE(ABORT, 'sanctions list entries are immutable'); END;
CREATE TRIGGER sanctions_entries_no_delete BEFORE DELETE ON sanctions_entries
BEGIN SELECT RAISE(ABORT, 'sanctions list entries are immutable'); END;

-- Rescreening walks destinations that name an account holder, by id.
CREATE INDEX destinations_named ON destinations (id) WHERE account_holder_name IS NOT NULL;
