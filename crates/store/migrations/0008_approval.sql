-- Schema 8: approval of scheduled posts, who owns an account, and comments (issue 12).
--
-- Approval is per outbox entry. A row made before (or on a device with no team) is approved,
-- as everything was. `approved_fp` is the fingerprint of what was approved
-- (`podium_core::approval::fingerprint`): when what would be published changes, the approval
-- no longer holds. `scheduled_by` / `approved_by` are members' names (NULL: no team).
ALTER TABLE outbox ADD COLUMN approval TEXT NOT NULL DEFAULT 'approved'
    CHECK (approval IN ('awaiting', 'approved', 'changes_requested'));
ALTER TABLE outbox ADD COLUMN approved_fp TEXT;
ALTER TABLE outbox ADD COLUMN approved_by TEXT;
ALTER TABLE outbox ADD COLUMN approval_note TEXT;
ALTER TABLE outbox ADD COLUMN approval_at TEXT;
ALTER TABLE outbox ADD COLUMN scheduled_by TEXT;

-- The member who connected an account owns it: only they (or, for an account an assistant
-- connected, any executive) approve its posts. NULL: connected before the team existed here.
ALTER TABLE accounts ADD COLUMN owner TEXT;
ALTER TABLE accounts ADD COLUMN owner_role TEXT CHECK (owner_role IN ('executive', 'assistant'));

-- A short thread of comments per draft, synced like drafts.
CREATE TABLE comments (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    draft_id   TEXT NOT NULL REFERENCES drafts (id),
    author     TEXT,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;
CREATE INDEX comments_by_draft ON comments (draft_id, created_at);

-- The change log takes comments too. SQLite cannot change a CHECK constraint, so the table is
-- rebuilt (as in schema 5).
CREATE TABLE changes_new (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL
              CHECK (entity IN ('draft', 'revision', 'goal', 'account', 'outbox', 'comment')),
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    rev       INTEGER NOT NULL,
    hlc       TEXT NOT NULL,
    fields    TEXT NOT NULL CHECK (json_valid(fields)),
    device    TEXT NOT NULL,
    pushed    INTEGER NOT NULL DEFAULT 0 CHECK (pushed IN (0, 1)),
    cursor    INTEGER,
    refused   TEXT
) STRICT;
INSERT INTO changes_new (seq, entity, entity_id, op, rev, hlc, fields, device, pushed, cursor, refused)
    SELECT seq, entity, entity_id, op, rev, hlc, fields, device, pushed, cursor, refused FROM changes;
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
CREATE INDEX changes_by_entity ON changes (entity, entity_id, seq);
CREATE INDEX changes_by_hlc ON changes (hlc);
CREATE INDEX changes_unpushed ON changes (pushed, seq);
