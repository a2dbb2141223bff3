-- On-site logistics: incidents with their notes and acknowledgements, vendors and deliveries.
-- Every table here is derived from ops (rebuilt by `kiosk rebuild`).

CREATE TABLE incident (
    incident_id TEXT PRIMARY KEY,                   -- the op id of its report
    title       TEXT NOT NULL DEFAULT '',
    room_id     TEXT NOT NULL DEFAULT '',           -- a room of the schedule, or ''
    area        TEXT NOT NULL DEFAULT '',           -- a place that is no room (lobby, dock)
    category    TEXT NOT NULL DEFAULT 'other',
    severity    TEXT NOT NULL DEFAULT 'normal',     -- low | normal | urgent
    status      TEXT NOT NULL DEFAULT 'open',       -- open | assigned | resolved
    assignee    TEXT NOT NULL DEFAULT '',
    reported_by TEXT NOT NULL DEFAULT '',
    reported_at TEXT NOT NULL DEFAULT '',           -- ISO 8601 UTC
    assigned_at TEXT NOT NULL DEFAULT '',
    resolved_at TEXT NOT NULL DEFAULT '',
    day         TEXT NOT NULL DEFAULT '',           -- event-local date of the report
    photo       TEXT NOT NULL DEFAULT '',           -- sha256 of the JPEG in the report op
    versions    TEXT NOT NULL DEFAULT '{}'          -- field -> winning clock stamp + op id
);
CREATE INDEX incident_open ON incident (severity, status);
CREATE INDEX incident_day ON incident (day);

CREATE TABLE incident_note (                        -- grow-only: every note is kept
    op_id       TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    text        TEXT NOT NULL,
    staff       TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL DEFAULT '',
    hlc         TEXT NOT NULL
);
CREATE INDEX incident_note_incident ON incident_note (incident_id, hlc);

CREATE TABLE incident_ack (                         -- who has seen an urgent announcement
    incident_id TEXT NOT NULL,
    staff       TEXT NOT NULL,
    at          TEXT NOT NULL,                      -- the earliest acknowledgement
    PRIMARY KEY (incident_id, staff)
);

CREATE TABLE vendor (
    vendor_id TEXT PRIMARY KEY,
    name      TEXT NOT NULL DEFAULT '',
    service   TEXT NOT NULL DEFAULT '',             -- what they bring: catering, AV, ...
    contact   TEXT NOT NULL DEFAULT '',             -- the person to call
    phone     TEXT NOT NULL DEFAULT '',
    versions  TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE delivery (
    delivery_id TEXT PRIMARY KEY,
    vendor_id   TEXT NOT NULL DEFAULT '',
    vendor      TEXT NOT NULL DEFAULT '',           -- the vendor's name as given
    what        TEXT NOT NULL DEFAULT '',
    due_at      TEXT NOT NULL DEFAULT '',           -- ISO 8601 UTC
    day         TEXT NOT NULL DEFAULT '',           -- event-local date of due_at
    room_id     TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'expected',   -- expected | arrived | late | cancelled
    status_at   TEXT NOT NULL DEFAULT '',           -- when the status was set
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT '',
    versions    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX delivery_day ON delivery (day, due_at);
