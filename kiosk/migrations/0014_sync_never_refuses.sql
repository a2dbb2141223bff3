-- A state table built from the log never refuses an op the log accepted (docs/sync.md).
--
-- Two attendees may claim one code (one file without attendee ids imported at two nodes):
-- `code_claim` is the code an attendee's ops give it (last writer wins, like every field);
-- `code`, unique and what a scan looks up, belongs to the claimant whose winning code write
-- sorts first by (stamp, op id) and is NULL for the others (a duplicate_code review flag).
ALTER TABLE attendee ADD COLUMN code_claim TEXT COLLATE NOCASE;
UPDATE attendee SET code_claim = code;
CREATE INDEX attendee_code_claim ON attendee (code_claim);

CREATE TABLE op_quarantine (                        -- ops in the log this node could not apply
    op_id  TEXT PRIMARY KEY,
    kind   TEXT NOT NULL,
    entity TEXT NOT NULL,
    origin TEXT NOT NULL,
    reason TEXT NOT NULL,                           -- the applier's error
    at     TEXT NOT NULL                            -- when it was first set aside here (UTC)
);

-- Two copies of one op id with different content (a tablet that retried one scan against a
-- second machine): every node keeps the copy whose content hash sorts first; each copy set
-- aside is noted by an `op_copy_seen` op, folded here (for the review flag and the counts).
CREATE TABLE op_copy (
    op_id  TEXT NOT NULL,                           -- the op id recorded twice
    hash   TEXT NOT NULL,                           -- sync.oplog.content_hash of the copy set aside
    origin TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    kind   TEXT NOT NULL,
    entity TEXT NOT NULL,
    PRIMARY KEY (op_id, hash)
);
