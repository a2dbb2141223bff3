-- Badge printing: the venue's printers with their health, each desk's print settings, and the
-- print queue. All local to this node: what was printed syncs as `badge_printed` ops instead.

CREATE TABLE printer (                              -- a printer the technician named, by URL
    name            TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    is_default      INTEGER NOT NULL DEFAULT 0,     -- 1 on at most one row
    created_at      TEXT NOT NULL,
    last_success_at TEXT,                           -- last job the printer took
    last_error      TEXT NOT NULL DEFAULT '',       -- the technician's message of the last failure
    last_error_at   TEXT,
    failures        INTEGER NOT NULL DEFAULT 0      -- failed attempts since the last success
);
CREATE UNIQUE INDEX printer_one_default ON printer (is_default) WHERE is_default = 1;

CREATE TABLE desk_print (                           -- per desk: which printer, and auto-print
    desk       TEXT PRIMARY KEY,
    printer    TEXT,                                -- printer name; NULL: the default printer
    auto_print INTEGER NOT NULL DEFAULT 0           -- 1: a first check-in queues a badge
);

CREATE TABLE print_job (
    job_id          TEXT PRIMARY KEY,               -- UUIDv7
    attendee_id     TEXT NOT NULL,
    printer         TEXT NOT NULL,                  -- printer name
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'printed', 'failed')),
    error           TEXT,                           -- why it failed, in the technician's words
    error_code      TEXT,                           -- PrinterError.code, for programs
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,                  -- a queued job waits until then (backoff)
    reason          TEXT NOT NULL DEFAULT '',       -- why it was (re)printed: auto, desk, a reprint reason
    reprint         INTEGER NOT NULL DEFAULT 0,     -- 1: this attendee had a badge already
    desk            TEXT NOT NULL DEFAULT '',
    staff           TEXT NOT NULL DEFAULT '',       -- who asked (staff name or token name)
    outcome         TEXT NOT NULL DEFAULT '',       -- printed: the printer confirmed; sent: handed over
    cancelled       INTEGER NOT NULL DEFAULT 0,     -- 1: a supervisor dismissed it
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX print_job_due ON print_job (status, printer, next_attempt_at);
CREATE INDEX print_job_attendee ON print_job (attendee_id, created_at);
