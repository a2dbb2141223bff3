-- Attendees erased on request (GDPR art. 17): derived from `attendee_erase` ops, rebuilt by
-- `kiosk rebuild`. The attendee row stays (arrivals still count) with its personal fields blank.
CREATE TABLE attendee_erasure (
    attendee_id TEXT PRIMARY KEY,
    op_id       TEXT NOT NULL,                      -- the erasure that marks the scrubbed ops
    at          TEXT NOT NULL DEFAULT '',           -- when head office was asked (ISO 8601 UTC)
    reason      TEXT NOT NULL DEFAULT ''
);
