-- Held print jobs: a badge that would print a character no installed font has (as an empty
-- box) waits for a person instead of printing. SQLite cannot change a CHECK constraint, so
-- print_job is rebuilt with the new status and two columns.
--   missing      the characters no font has, as found by the worker
--   released_by  who chose "Print anyway" (staff name); set, the worker prints despite them

CREATE TABLE print_job_new (
    job_id          TEXT PRIMARY KEY,
    attendee_id     TEXT NOT NULL,
    printer         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'printed', 'failed', 'held')),
    error           TEXT,
    error_code      TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    reprint         INTEGER NOT NULL DEFAULT 0,
    desk            TEXT NOT NULL DEFAULT '',
    staff           TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL DEFAULT '',
    cancelled       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    missing         TEXT NOT NULL DEFAULT '',
    released_by     TEXT NOT NULL DEFAULT ''
);
INSERT INTO print_job_new (job_id, attendee_id, printer, status, error, error_code, attempts,
                           next_attempt_at, reason, reprint, desk, staff, outcome, cancelled,
                           created_at, updated_at)
    SELECT job_id, attendee_id, printer, status, error, error_code, attempts, next_attempt_at,
           reason, reprint, desk, staff, outcome, cancelled, created_at, updated_at
    FROM print_job;
DROP TABLE print_job;
ALTER TABLE print_job_new RENAME TO print_job;
CREATE INDEX print_job_due ON print_job (status, printer, next_attempt_at);
CREATE INDEX print_job_attendee ON print_job (attendee_id, created_at);
