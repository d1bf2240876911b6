-- 0011 sanctions_rescreen: which rescreen hits were filed as alerts. A rescreen (after a list changed, or run by hand)
-- files a hit as an alert only when its row is new here, in the alert's transaction: rescreening again with the same
-- list versions, on any node, files nothing twice. A hit is one subject (a holder's name or a destination's
-- account-holder name) against one list entry in one content of that entry (its hash), so a changed entry alerts again.
-- No personal data: subjects by id, list entries by their public ids.

CREATE TABLE sanctions_rescreen_hits (
    subject_kind TEXT    NOT NULL CHECK (subject_kind IN ('holder', 'destination')),
    subject_id   BLOB    NOT NULL,
    list_id      TEXT    NOT NULL,
    entry_id     TEXT    NOT NULL,
    entry_hash   TEXT    NOT NULL,
    holder_id    BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (subject_kind, subject_id, list_id, entry_id, entry_hash)
) WITHOUT ROWID;
