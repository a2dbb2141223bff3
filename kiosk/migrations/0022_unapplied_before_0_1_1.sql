-- Ops a 0.1.0 node stored without applying them, because it did not know their kind (e.g. an
-- attendee_erase head office recorded, pulled before the venue upgraded), were kept in the log
-- but noted nowhere: 0.1.0 kept no list of such kinds. Every kind in the log that 0.1.0 did
-- not apply itself joins the list now, so this version applies those ops once, at its first
-- start (kiosk.replication.unapplied.catch_up). Applying an op again is harmless, so a log
-- written by a later version loses nothing by its kinds being listed too.

INSERT INTO sync_state (key, value)
SELECT 'unapplied_kinds', (
    SELECT json_group_array(kind) FROM (
        SELECT DISTINCT kind FROM op
        WHERE kind NOT IN ('attendee_upsert', 'badge_printed', 'checkin', 'checkin_undo',
                           'conflict_resolve', 'door_scan', 'event_set', 'notification_queued',
                           'registration_add', 'registration_cancel', 'room_set',
                           'session_room_set', 'session_set', 'ticket_type_set')
        UNION
        SELECT value FROM json_each(
            coalesce((SELECT value FROM sync_state WHERE key = 'unapplied_kinds'), '[]'))
        ORDER BY 1))
WHERE EXISTS (SELECT 1 FROM op WHERE kind NOT IN (
    'attendee_upsert', 'badge_printed', 'checkin', 'checkin_undo', 'conflict_resolve',
    'door_scan', 'event_set', 'notification_queued', 'registration_add', 'registration_cancel',
    'room_set', 'session_room_set', 'session_set', 'ticket_type_set'))
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
