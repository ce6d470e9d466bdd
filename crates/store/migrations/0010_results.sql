-- Schema 10: goals with weekly targets, and what each published post did (issue 14).
--
-- A target is a leader's plan for a goal: `per_week` posts a week, on one network or any
-- (`network` NULL). `leader` names the executive it is for ('' : this laptop's owner, until the
-- team has several). Synced like drafts: last writer wins per field; a target set to 0 is a
-- tombstone.
CREATE TABLE targets (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    leader     TEXT NOT NULL DEFAULT '',
    goal       TEXT NOT NULL,
    network    TEXT CHECK (network IN ('x', 'bluesky', 'mastodon', 'linkedin', 'threads')),
    per_week   INTEGER NOT NULL CHECK (per_week BETWEEN 0 AND 100),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

-- A post's numbers as its network reported them at `read_at`: one row per reading, so each
-- post has a small time series (about 1 hour, 1 day and 7 days after it went out, and when the
-- person asks). NULL where the network does not report that count. Readings sync, so the
-- team's devices never ask a network twice (X charges per read). `entry_id` is the outbox
-- entry (the post on one network; a thread's numbers are its first post's).
CREATE TABLE readings (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    entry_id    TEXT NOT NULL,
    read_at     TEXT NOT NULL,
    likes       INTEGER,
    reposts     INTEGER,
    replies     INTEGER,
    quotes      INTEGER,
    impressions INTEGER
);
CREATE INDEX readings_by_entry ON readings (entry_id, read_at);

-- The change log takes targets and readings too, beside every entity it took before (schema 8
-- added comments). SQLite cannot change a CHECK constraint, so the table is rebuilt (as in
-- schemas 5 and 8).
CREATE TABLE changes_new (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL
              CHECK (entity IN ('draft', 'revision', 'goal', 'account', 'outbox', 'comment',
                                'target', 'reading')),
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
