-- Kiosk schema v1. Never edit a migration once released: add the next numbered file.
--
-- The `op` table is the truth; `event`, `ticket_type`, `attendee`, `checkin` and `checkin_undo`
-- are a materialised view of it (rebuilt by `kiosk rebuild`). `setting`, `staff`, `api_token`,
-- `scan` and `auth_failure` are local to this machine and never travel.

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE op (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- local log order: a peer's pull cursor
    op_id       TEXT NOT NULL UNIQUE,               -- UUIDv7, the idempotency key
    origin      TEXT NOT NULL,                      -- node that created it
    hlc         TEXT NOT NULL,                      -- sortable clock stamp of the origin
    kind        TEXT NOT NULL,
    entity      TEXT NOT NULL,
    payload     TEXT NOT NULL,                      -- canonical JSON
    received_at TEXT NOT NULL
);
CREATE INDEX op_hlc ON op (hlc);
CREATE INDEX op_entity ON op (entity);

CREATE TABLE event (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    name      TEXT NOT NULL DEFAULT '',
    starts_on TEXT,                                 -- YYYY-MM-DD, first day in the event's zone
    days      INTEGER NOT NULL DEFAULT 1,
    timezone  TEXT NOT NULL DEFAULT 'UTC',
    versions  TEXT NOT NULL DEFAULT '{}'            -- field -> winning clock stamp + op id
);

CREATE TABLE ticket_type (
    name       TEXT PRIMARY KEY,
    valid_days TEXT NOT NULL DEFAULT '',            -- comma-separated 1-based days; '' = every day
    colour     TEXT NOT NULL DEFAULT '',
    versions   TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE attendee (
    id          INTEGER PRIMARY KEY,                -- local row id (search index key)
    attendee_id TEXT NOT NULL UNIQUE,
    code        TEXT COLLATE NOCASE,                -- text inside the QR code
    first_name  TEXT NOT NULL DEFAULT '',
    last_name   TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    company     TEXT NOT NULL DEFAULT '',
    ticket_type TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'valid',      -- valid | cancelled
    note        TEXT NOT NULL DEFAULT '',           -- shown to staff
    block_note  TEXT NOT NULL DEFAULT '',           -- non-empty: refuse entry with this note
    source      TEXT NOT NULL DEFAULT '',           -- import | walkin | demo | api
    versions    TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX attendee_code ON attendee (code);
CREATE INDEX attendee_email ON attendee (email COLLATE NOCASE);
CREATE INDEX attendee_name ON attendee (last_name COLLATE NOCASE, first_name COLLATE NOCASE);

CREATE VIRTUAL TABLE attendee_fts USING fts5 (
    name, email, company, code,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3'
);

CREATE TABLE checkin (
    op_id       TEXT PRIMARY KEY,
    attendee_id TEXT NOT NULL,
    at          TEXT NOT NULL,                      -- ISO 8601 UTC, the desk's wall clock
    day         TEXT NOT NULL,                      -- event-local date of the arrival
    desk        TEXT NOT NULL DEFAULT '',
    staff       TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL,
    hlc         TEXT NOT NULL
);
CREATE INDEX checkin_attendee ON checkin (attendee_id, day);

CREATE TABLE checkin_undo (
    op_id         TEXT PRIMARY KEY,
    checkin_op_id TEXT NOT NULL,
    at            TEXT NOT NULL,
    staff         TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX checkin_undo_target ON checkin_undo (checkin_op_id);

CREATE TABLE staff (
    staff_id   INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role       TEXT NOT NULL CHECK (role IN ('desk', 'supervisor')),
    pin_hash   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE api_token (
    token_id     INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,              -- SHA-256 of the token; the token is never stored
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE scan (
    id          INTEGER PRIMARY KEY,
    request_id  TEXT UNIQUE,                        -- the client's op_id: a replay gets this answer
    at          TEXT NOT NULL,
    desk        TEXT NOT NULL DEFAULT '',
    staff       TEXT NOT NULL DEFAULT '',
    code        TEXT NOT NULL,
    result      TEXT NOT NULL,
    attendee_id TEXT,
    checkin_op_id TEXT,
    message     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scan_desk ON scan (desk, id);

CREATE TABLE auth_failure (
    key          TEXT PRIMARY KEY,                  -- 'staff:<id>' or 'ip:<address>'
    failures     INTEGER NOT NULL,
    locked_until TEXT
);
