-- Self-service screens: the session a screen's browser holds after it was bound with a token.
-- Its cookie carries a random secret (kept here hashed), never the token itself, so a cookie
-- seen on the network opens that one screen until a supervisor revokes it. Local; never syncs.

CREATE TABLE screen_session (
    session_id   INTEGER PRIMARY KEY,
    secret_hash  TEXT NOT NULL UNIQUE,              -- SHA-256 of the cookie's value
    token_id     INTEGER NOT NULL,                  -- the selfservice token that bound it
    created_at   TEXT NOT NULL,                     -- ISO 8601 UTC
    last_seen_at TEXT NOT NULL,                     -- updated at most once a minute
    revoked_at   TEXT                               -- set by a supervisor (/admin/screens)
);
CREATE INDEX screen_session_token ON screen_session (token_id);
