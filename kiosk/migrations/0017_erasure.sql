-- Attendees erased on request (GDPR art. 17): derived from `attendee_erase` ops, rebuilt by
-- `kiosk rebuild`. The attendee row stays (arrivals still count) with its personal fields blank.
CREATE TABLE attendee_erasure (
    attendee_id TEXT PRIMARY KEY,
    op_id       TEXT NOT NULL,                      -- the erasure that marks the scrubbed ops
    at          TEXT NOT NULL DEFAULT '',           -- when head office was asked (ISO 8601 UTC)
    reason      TEXT NOT NULL DEFAULT ''
);

-- An erasure rewrites the notes of copies of the person's ops too (`op_copy_seen`, named by the
-- copied op's id, which may not have arrived yet): found by the attendee they carry. Partial, so
-- only those rare notes are indexed.
CREATE INDEX op_copy_note ON op (json_extract(payload, '$.entity')) WHERE kind = 'op_copy_seen';
