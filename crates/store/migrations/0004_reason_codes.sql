-- Schema 4: why a post stopped or waits, and why an account needs the person, as a code with its
-- data (JSON) beside the English sentence, so the window can say it in the person's language
-- (`podium_core::reason::Reason`). The English `error`/`status_reason` stay for the CLI and the
-- log; rows an older Podium wrote have no code, and the window shows their English.
ALTER TABLE outbox ADD COLUMN error_code TEXT;
ALTER TABLE outbox ADD COLUMN error_data TEXT;
ALTER TABLE accounts ADD COLUMN status_code TEXT;
ALTER TABLE accounts ADD COLUMN status_data TEXT;
