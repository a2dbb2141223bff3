-- Whether a full comparison of op ids with a peer is due (its log went back): kept until done,
-- so a round cut short after the peer's restore still compares at the next one.
ALTER TABLE peer ADD COLUMN reconcile INTEGER NOT NULL DEFAULT 0;  -- 1: compare op ids (restored)
