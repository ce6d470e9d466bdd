-- Schema 3: when an account's sign-in stops working by itself (LinkedIn access tokens last 60
-- days and cannot be renewed without the person), so Podium can warn ahead and ask to reconnect.
ALTER TABLE accounts ADD COLUMN token_expires_at TEXT;
