-- Schema 7: the last reading of an account's posting quota (Threads allows 250 posts in a moving
-- 24 hours), so the accounts page, the plan and `podium accounts list` can say when few posts
-- are left instead of only logging it. This device's reading, not synced: the network counts
-- every device's posts, and each device reads it afresh before it publishes.
ALTER TABLE accounts ADD COLUMN quota_used INTEGER;
ALTER TABLE accounts ADD COLUMN quota_total INTEGER;
ALTER TABLE accounts ADD COLUMN quota_period INTEGER;
ALTER TABLE accounts ADD COLUMN quota_at TEXT;
