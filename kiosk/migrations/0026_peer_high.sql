-- The top of each peer's log at the last hello: with the pull cursor, how many of its ops
-- this node has yet to pull (the metrics' "pending both ways").
ALTER TABLE peer ADD COLUMN peer_high INTEGER NOT NULL DEFAULT 0;
