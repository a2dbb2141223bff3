-- Head office for many events: the event leads every key, so one event's rows stay together.
CREATE TABLE ho_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE event (
    event_id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL DEFAULT '',
    days INTEGER NOT NULL DEFAULT 1,
    timezone TEXT NOT NULL DEFAULT 'UTC',
    language TEXT NOT NULL DEFAULT 'en',     -- of the mail attendees get
    retention_days INTEGER,                  -- personal data kept this long after the event
    high INTEGER NOT NULL DEFAULT 0,         -- the highest seq of this event's log
    created_at TEXT NOT NULL,
    purged_at TEXT                           -- personal data purged at the end of retention
);

CREATE TABLE token (
    token_id INTEGER PRIMARY KEY,
    event_id INTEGER REFERENCES event (event_id),  -- NULL: a supervisor of every event
    role TEXT NOT NULL,                      -- sync | supervisor
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE device (                        -- a venue machine, once its token has spoken
    event_id INTEGER NOT NULL,
    token_id INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    bound_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    last_seen_ms INTEGER NOT NULL DEFAULT 0,
    version TEXT NOT NULL DEFAULT '',
    pending_push INTEGER,                    -- as the venue last told
    pulled_seq INTEGER NOT NULL DEFAULT 0,   -- how far it has pulled this event's log
    clock_offset_ms INTEGER,                 -- its clock minus ours
    flags_open INTEGER,
    quarantined INTEGER,
    PRIMARY KEY (event_id, token_id)
);

CREATE TABLE node_machine (
    event_id INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    machine TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (event_id, node_id)
);

CREATE TABLE sync_state (                    -- epoch, seal key, when the log went back
    event_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (event_id, key)
);

CREATE TABLE op (
    event_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    op_id TEXT NOT NULL,
    origin TEXT NOT NULL,
    hlc TEXT NOT NULL,
    kind TEXT NOT NULL,
    entity TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_from TEXT,
    PRIMARY KEY (event_id, seq)
);
CREATE UNIQUE INDEX op_by_id ON op (event_id, op_id);
CREATE INDEX op_by_origin ON op (event_id, origin);
CREATE INDEX op_by_hlc ON op (event_id, hlc);

-- What head office folds from each event's log: people, arrivals, schedule, mail.
CREATE TABLE attendee (
    event_id INTEGER NOT NULL,
    attendee_id TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    ticket_type TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'valid',
    note TEXT NOT NULL DEFAULT '',
    block_note TEXT NOT NULL DEFAULT '',
    versions TEXT NOT NULL DEFAULT '{}',
    erased_at TEXT,
    PRIMARY KEY (event_id, attendee_id)
);
CREATE INDEX attendee_by_code ON attendee (event_id, code);

CREATE TABLE arrival (
    event_id INTEGER NOT NULL,
    op_id TEXT NOT NULL,
    attendee_id TEXT NOT NULL,
    at TEXT NOT NULL,
    desk TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, op_id)
);
CREATE INDEX arrival_by_attendee ON arrival (event_id, attendee_id);

CREATE TABLE room (
    event_id INTEGER NOT NULL,
    room_id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    versions TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (event_id, room_id)
);

CREATE TABLE session (
    event_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL DEFAULT '',
    ends_at TEXT NOT NULL DEFAULT '',
    room_id TEXT NOT NULL DEFAULT '',
    versions TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (event_id, session_id)
);

CREATE TABLE registration (                  -- the latest sign-up or cancellation wins
    event_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    attendee_id TEXT NOT NULL,
    version TEXT NOT NULL,
    active INTEGER NOT NULL,
    PRIMARY KEY (event_id, session_id, attendee_id)
);

CREATE TABLE mail (                          -- one per attendee per notification, sent once
    event_id INTEGER NOT NULL,
    notification_op_id TEXT NOT NULL,
    attendee_id TEXT NOT NULL,
    address TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    facts TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',   -- queued | sending | sent | failed | bounced | uncertain
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_ms INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (event_id, notification_op_id, attendee_id)
);
CREATE INDEX mail_due ON mail (status, next_try_ms);
