-- Every database holds its sync epoch and seal key from its first start, not from its first
-- sync: a backup taken before the first sync then holds them too, so a head office copied back
-- from it can still check the seals venues show in hello and notice that its log went back
-- (docs/sync.md, "A head office copied back"). Values as sync/peers.py `epoch` makes them.
INSERT OR IGNORE INTO sync_state (key, value) VALUES ('epoch', lower(hex(randomblob(8))));
INSERT OR IGNORE INTO sync_state (key, value) VALUES ('seal_key', lower(hex(randomblob(16))));
