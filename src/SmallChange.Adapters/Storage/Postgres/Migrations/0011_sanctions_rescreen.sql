-- 0011 sanctions_rescreen: which rescreen hits were filed as alerts. A rescreen (after a list changed, or run by hand)
-- files a hit as an alert only when its row is new here, in the alert's transaction: rescreening again with the same
-- list versions, on any node, files nothing twice. A hit is one subject (a holder's name or a destination's
-- account-holder name) against one list entry in one content of that entry (its hash), so a changed entry alerts again.
-- The PostgreSQL dialect of Storage/Sqlite/Migrations/0011_sanctions_rescreen.sql.
-- No personal data: subjects by id, list entries by their public ids.

CREATE TABLE sanctions_rescreen_hits (
    subject_kind text        NOT NULL CHECK (subject_kind IN ('holder', 'destination')),
    subject_id   uuid        NOT NULL,
    list_id      text        NOT NULL,
    entry_id     text        NOT NULL,
    entry_hash   text        NOT NULL,
    holder_id    uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (subject_kind, subject_id, list_id, entry_id, entry_hash)
);
