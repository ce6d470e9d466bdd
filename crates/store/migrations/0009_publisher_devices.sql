-- Schema 9: one publisher across devices (issue 12).
--
-- `outbox.published_by`: the name of the device that sent (or failed, or lost track of) the
-- post, synced, so every device's plan says which one did. `account_signins`: which devices of
-- the team hold each account's sign-in, as the hub last said (this device's own copy, not
-- synced: what it decides by when the hub cannot be reached). `account_aliases`: an account
-- connected on two devices before their rows met folds into the older row; the newer id is
-- kept here so posts that still name it land on the one account.
ALTER TABLE outbox ADD COLUMN published_by TEXT;

CREATE TABLE account_signins (
    account_key TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL,
    PRIMARY KEY (account_key, device_id)
);

CREATE TABLE account_aliases (
    alias      TEXT PRIMARY KEY,
    account_id TEXT NOT NULL
);
