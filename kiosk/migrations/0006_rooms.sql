-- Rooms and sessions (the schedule), sign-ups, room changes, door scans and the notifications
-- queued for head office. Every table here is derived from ops (rebuilt by `kiosk rebuild`).

CREATE TABLE room (
    room_id  TEXT PRIMARY KEY,
    name     TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL DEFAULT 0,            -- seats
    versions TEXT NOT NULL DEFAULT '{}'             -- field -> winning clock stamp + op id
);

CREATE TABLE session (
    session_id      TEXT PRIMARY KEY,
    title           TEXT NOT NULL DEFAULT '',
    starts_at       TEXT NOT NULL DEFAULT '',       -- ISO 8601 UTC
    ends_at         TEXT NOT NULL DEFAULT '',
    day             TEXT NOT NULL DEFAULT '',       -- event-local date of the start
    room_id         TEXT NOT NULL DEFAULT '',       -- where it happens now
    planned_room_id TEXT NOT NULL DEFAULT '',       -- where the imported schedule put it
    track           TEXT NOT NULL DEFAULT '',
    speakers        TEXT NOT NULL DEFAULT '',
    versions        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX session_day ON session (day, starts_at);
CREATE INDEX session_room ON session (room_id, starts_at);

CREATE TABLE registration (                         -- who signed up for which session
    session_id  TEXT NOT NULL,
    attendee_id TEXT NOT NULL,
    status      TEXT NOT NULL,                      -- registered | cancelled
    version     TEXT NOT NULL,                      -- stamp of the op that decided status
    PRIMARY KEY (session_id, attendee_id)
);
CREATE INDEX registration_attendee ON registration (attendee_id);

CREATE TABLE room_change (                          -- one row per session_room_set op
    op_id      TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    from_room  TEXT NOT NULL DEFAULT '',            -- the room the supervisor saw
    to_room    TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    staff      TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL DEFAULT '',
    undo_of    TEXT NOT NULL DEFAULT '',            -- op_id of the change this one reverses
    origin     TEXT NOT NULL,
    hlc        TEXT NOT NULL
);
CREATE INDEX room_change_session ON room_change (session_id, hlc);

CREATE TABLE door_scan (                            -- badges scanned in or out at a room door
    op_id       TEXT PRIMARY KEY,
    room_id     TEXT NOT NULL,
    attendee_id TEXT NOT NULL,
    direction   TEXT NOT NULL,                      -- in | out
    session_id  TEXT NOT NULL DEFAULT '',           -- running there at the time, if any
    at          TEXT NOT NULL,
    device      TEXT NOT NULL DEFAULT '',
    hlc         TEXT NOT NULL
);
CREATE INDEX door_scan_room ON door_scan (room_id, at);
CREATE INDEX door_scan_attendee ON door_scan (attendee_id, at);

CREATE TABLE notification (                         -- queued for head office to e-mail
    op_id        TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,                     -- room_change
    session_id   TEXT NOT NULL,
    change_op_id TEXT NOT NULL DEFAULT '',
    recipients   INTEGER NOT NULL DEFAULT 0,
    at           TEXT NOT NULL DEFAULT ''
);

CREATE TABLE schedule_state (                       -- newest stamp of any schedule op: the
    id      INTEGER PRIMARY KEY CHECK (id = 1),     -- version signage polls against
    version TEXT NOT NULL DEFAULT ''
);
