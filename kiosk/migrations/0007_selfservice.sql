-- Self-service screens: one attendee's turn at a screen, and failed lookups for rate limiting.
-- Both are local to this machine, short-lived, and never travel.

CREATE TABLE selfservice_visit (                    -- deleted on reset, and when stale
    visit_id    TEXT PRIMARY KEY,                   -- random, kept only in the screen's session
    device      TEXT NOT NULL,                      -- 'token:<id>' of the bound screen
    step        TEXT NOT NULL,                      -- hello | refused | printing | done
    result      TEXT NOT NULL DEFAULT '',           -- scan result or refusal code
    attendee_id TEXT NOT NULL DEFAULT '',
    job_id      TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL                       -- ISO 8601 UTC; idle after this
);

CREATE TABLE selfservice_failure (                  -- an unknown code or unmatched typed lookup
    id     INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX selfservice_failure_device ON selfservice_failure (device, at);
