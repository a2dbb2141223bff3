-- Staff sign-ins kept on the server, so signing out ends one and a supervisor can end them all.
-- The cookie carries a random id; only its SHA-256 is kept, so a copy of this file opens
-- nothing. The session-signing key moves out of the database into a file beside it.
-- Local to this machine: never synced.

CREATE TABLE staff_session (
    id_hash  TEXT PRIMARY KEY,                      -- SHA-256 of the id in the browser's cookie
    staff_id INTEGER NOT NULL REFERENCES staff (staff_id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    seen_at  TEXT NOT NULL                          -- last request: idle sessions end
);
CREATE INDEX staff_session_staff ON staff_session (staff_id);

DELETE FROM setting WHERE key = 'secret_key';

-- Browsers staff signed in on before: their wrong PINs are counted apart from strangers'.
CREATE TABLE staff_device (
    id_hash  TEXT PRIMARY KEY,                      -- SHA-256 of the id in the device cookie
    first_at TEXT NOT NULL
);
DELETE FROM auth_failure WHERE key LIKE 'ip:%' OR key LIKE 'staff:%';  -- the old hard locks
