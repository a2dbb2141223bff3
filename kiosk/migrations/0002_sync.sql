-- Sync: where each peer's log and ours stand, which device a sync token speaks for, and the
-- state tables behind the supervisor's review screen (derived from ops like every state table).

ALTER TABLE op ADD COLUMN received_from TEXT;       -- node that handed us the op; NULL: made here
CREATE INDEX op_origin ON op (origin);

CREATE TABLE sync_state (                           -- this node's own sync facts (epoch)
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE peer (                                 -- one row per node we sync with, by URL
    url             TEXT PRIMARY KEY,
    node_id         TEXT NOT NULL DEFAULT '',
    epoch           TEXT NOT NULL DEFAULT '',
    pull_after      INTEGER NOT NULL DEFAULT 0,     -- the peer's seq applied here up to (pull cursor)
    push_after      INTEGER NOT NULL DEFAULT 0,     -- our seq the peer acknowledged up to
    sent            INTEGER NOT NULL DEFAULT 0,     -- ops the peer acknowledged (new + duplicates)
    received        INTEGER NOT NULL DEFAULT 0,     -- ops pulled from the peer that were new here
    last_contact_at TEXT,
    last_success_at TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    verified_at     TEXT                            -- last `kiosk sync --final` that proved it all
);

CREATE TABLE sync_device (                          -- a sync token is bound to one node id
    token_id     INTEGER PRIMARY KEY,
    node_id      TEXT NOT NULL,
    bound_at     TEXT NOT NULL,
    last_seen_at TEXT
);

CREATE TABLE field_edit (                           -- an edit and the version its editor saw
    op_id  TEXT NOT NULL,
    kind   TEXT NOT NULL,
    entity TEXT NOT NULL,
    field  TEXT NOT NULL,
    base   TEXT NOT NULL,                           -- "hlc op_id" of the value replaced
    value  TEXT NOT NULL,                           -- JSON of the new value
    origin TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    PRIMARY KEY (op_id, field)
);
CREATE INDEX field_edit_base ON field_edit (kind, entity, field, base);

CREATE TABLE conflict_resolution (                  -- a supervisor's answer to one review flag
    op_id   TEXT PRIMARY KEY,
    flag_id TEXT NOT NULL,
    action  TEXT NOT NULL,
    staff   TEXT NOT NULL DEFAULT '',
    at      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX conflict_resolution_flag ON conflict_resolution (flag_id);
