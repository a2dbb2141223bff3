-- Staff shifts, staff check-ins at shift start, and each session's readiness checklist.
-- Every table here is derived from ops (rebuilt by `kiosk rebuild`).

CREATE TABLE shift (                                -- who works where when (shift_set ops)
    shift_id   TEXT PRIMARY KEY,
    person     TEXT NOT NULL DEFAULT '',            -- the staff member's name
    badge_code TEXT NOT NULL DEFAULT '',            -- the code on their staff badge, if any
    role       TEXT NOT NULL DEFAULT '',            -- desk | usher | technician | ...
    place      TEXT NOT NULL DEFAULT '',            -- a room id or an area ("Registration")
    starts_at  TEXT NOT NULL DEFAULT '',            -- ISO 8601 UTC
    ends_at    TEXT NOT NULL DEFAULT '',
    day        TEXT NOT NULL DEFAULT '',            -- event-local date of the start
    status     TEXT NOT NULL DEFAULT 'active',      -- active | cancelled
    versions   TEXT NOT NULL DEFAULT '{}'           -- field -> winning clock stamp + op id
);
CREATE INDEX shift_day ON shift (day, starts_at);
CREATE INDEX shift_badge ON shift (badge_code) WHERE badge_code != '';

CREATE TABLE shift_checkin (                        -- staff arriving for a shift: grow-only
    op_id    TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL,
    person   TEXT NOT NULL DEFAULT '',              -- who arrived (a reassigned shift's new
    at       TEXT NOT NULL,                         -- person has not arrived yet)
    by_staff TEXT NOT NULL DEFAULT '',
    hlc      TEXT NOT NULL
);
CREATE INDEX shift_checkin_shift ON shift_checkin (shift_id, at);

CREATE TABLE readiness (                            -- one checklist item of one session
    session_id TEXT NOT NULL,
    item       TEXT NOT NULL,                       -- room_open | av_tested | speaker | mic | slides
    done       INTEGER NOT NULL DEFAULT 0,
    by_staff   TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL DEFAULT '',
    hlc        TEXT NOT NULL DEFAULT '',            -- of the tick that decided `done`
    version    TEXT NOT NULL DEFAULT '',            -- "hlc op_id": the newest tick wins
    PRIMARY KEY (session_id, item)
);
