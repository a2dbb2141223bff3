-- Where our pull cursor stands in a peer's log, to notice that log going back without a new
-- epoch (a file copied back, a VM snapshot), and whether a full comparison of op ids is due
-- (kept until done, so a round cut short after the peer's restore still compares next time).
ALTER TABLE peer ADD COLUMN pull_op_id TEXT NOT NULL DEFAULT '';   -- the peer's op at pull_after
ALTER TABLE peer ADD COLUMN pull_seal TEXT NOT NULL DEFAULT '';    -- the peer's seal of that pair
ALTER TABLE peer ADD COLUMN reconcile INTEGER NOT NULL DEFAULT 0;  -- 1: compare op ids (restored)
