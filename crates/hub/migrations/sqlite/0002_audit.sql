-- Schema 2: the roles and the audit trail read a row's changes (who pushed an account's insert
-- owns it; an entry's history is its rows' changes), so the log is indexed by row.
CREATE INDEX changes_by_row ON changes (entity, row_id, cursor);
