-- How far each peer's clock is from ours, measured at every hello from its `server_time_ms`
-- (the peer's time minus ours, in ms; NULL until measured). The desk warns beyond a minute,
-- and check-ins take their event day from head office's time (docs/sync.md).
ALTER TABLE peer ADD COLUMN clock_offset_ms INTEGER;
