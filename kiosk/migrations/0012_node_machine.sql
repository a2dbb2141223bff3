-- Which machine speaks for each node id: copies of one database under one id are refused.
CREATE TABLE node_machine (
    node_id       TEXT PRIMARY KEY,
    machine       TEXT NOT NULL,                   -- the fingerprint the node first said hello with
    first_seen_at TEXT NOT NULL
);
