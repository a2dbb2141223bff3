-- Connections to ticketing systems (pretix, Eventbrite, Indico). The first four tables are this
-- machine's own (never synced): settings with the API token, cursors, what was pushed.
CREATE TABLE ticketing_connection (
    name            TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,                  -- pretix | eventbrite | indico
    settings        TEXT NOT NULL,                  -- JSON: url, event, token, ...
    cursor          TEXT NOT NULL DEFAULT '{}',     -- JSON the system handed back last pull
    created_at      TEXT NOT NULL,
    last_pull_at    TEXT,
    last_push_at    TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    last_error_at   TEXT,
    auth_failed     INTEGER NOT NULL DEFAULT 0      -- the token stopped working: no retry helps
);

-- What each ticket looked like in its system at the last pull: a pull writes only what the
-- system changed since, so a name fixed at the desk is not overwritten by an unchanged ticket.
CREATE TABLE ticketing_ticket (
    connection   TEXT NOT NULL REFERENCES ticketing_connection (name) ON DELETE CASCADE,
    external_id  TEXT NOT NULL,
    attendee_id  TEXT NOT NULL,
    fields       TEXT NOT NULL,                     -- JSON: a digest of each field as pulled
    PRIMARY KEY (connection, external_id)
);

-- Check-ins the system recorded itself, each taken in once (by its code's digest and time).
CREATE TABLE ticketing_arrival (
    connection  TEXT NOT NULL REFERENCES ticketing_connection (name) ON DELETE CASCADE,
    code        TEXT NOT NULL,                      -- a digest, not the ticket's secret
    at          TEXT NOT NULL,
    PRIMARY KEY (connection, code, at)
);

-- Kiosk check-ins and undos reported to a system: accepted, or refused with the system's reason
-- (final: shown to the supervisor, never retried). A network failure leaves no row: retried.
CREATE TABLE ticketing_push (
    connection  TEXT NOT NULL REFERENCES ticketing_connection (name) ON DELETE CASCADE,
    op_id       TEXT NOT NULL,
    undo        INTEGER NOT NULL DEFAULT 0,
    attendee_id TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,                      -- when it was sent
    accepted    INTEGER NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (connection, op_id)
);
CREATE INDEX ticketing_push_refused ON ticketing_push (connection) WHERE accepted = 0;

-- pretix's signing keys, revoked secrets and product names per event, folded from
-- `pretix_event` ops so every venue machine can verify signed tickets offline.
CREATE TABLE pretix_key (
    scope  TEXT NOT NULL,                           -- organizer/event
    key    TEXT NOT NULL,                           -- base64 of the PEM public key, as pretix gives it
    PRIMARY KEY (scope, key)
);
CREATE TABLE pretix_revoked (
    secret  TEXT PRIMARY KEY,
    scope   TEXT NOT NULL
);
CREATE TABLE pretix_item (
    scope    TEXT NOT NULL,
    item_id  INTEGER NOT NULL,
    name     TEXT NOT NULL,
    version  TEXT NOT NULL,                         -- "hlc op_id" of the name's op: last writer wins
    PRIMARY KEY (scope, item_id)
);
