-- Exhibitor lead capture: sponsors, their booth scans, and what attendees agreed to share.
-- `sponsor`, `lead` and `lead_visit` are derived from ops and rebuilt by `kiosk rebuild`.

-- An exhibitor token belongs to one sponsor: it reads that sponsor's leads only.
ALTER TABLE api_token ADD COLUMN sponsor TEXT NOT NULL DEFAULT '';

-- Whether the attendee agreed that sponsors whose booth scans them get their e-mail address:
-- 'yes', 'no', or '' (never asked: treated as no).
ALTER TABLE attendee ADD COLUMN share_email TEXT NOT NULL DEFAULT '';

CREATE TABLE sponsor (
    sponsor_id TEXT PRIMARY KEY,                   -- the name folded to a slug
    name       TEXT NOT NULL DEFAULT '',
    track      TEXT NOT NULL DEFAULT '',           -- sessions of this track are "its" sessions
    questions  TEXT NOT NULL DEFAULT '',           -- its qualifying questions, one per line
    versions   TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE lead (                                -- one per sponsor and attendee
    lead_id     TEXT PRIMARY KEY,
    sponsor_id  TEXT NOT NULL DEFAULT '',
    attendee_id TEXT NOT NULL DEFAULT '',
    rating      INTEGER,                           -- 1..5, or NULL when not rated
    note        TEXT NOT NULL DEFAULT '',
    answers     TEXT NOT NULL DEFAULT '{}',        -- question -> answer (JSON object)
    captured_by TEXT NOT NULL DEFAULT '',          -- the booth device that last wrote it
    versions    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX lead_sponsor ON lead (sponsor_id);

CREATE TABLE lead_visit (                          -- every scan of a badge at a booth
    op_id       TEXT PRIMARY KEY,
    lead_id     TEXT NOT NULL,
    sponsor_id  TEXT NOT NULL,
    attendee_id TEXT NOT NULL,
    at          TEXT NOT NULL,                     -- ISO 8601 UTC
    device      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lead_visit_lead ON lead_visit (lead_id, at);
CREATE INDEX lead_visit_sponsor ON lead_visit (sponsor_id, at);
