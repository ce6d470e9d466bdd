-- Schema 4: team sync (DESIGN.md §7).
--
-- A conflict copy is a draft of its own that points at the draft it conflicts with
-- (`conflict_of`), with why: both texts were edited in the same place ('edited'), or the draft
-- was deleted on another device while this one edited it ('deleted').
ALTER TABLE drafts ADD COLUMN conflict_of TEXT;
ALTER TABLE drafts ADD COLUMN conflict_reason TEXT CHECK (conflict_reason IN ('edited', 'deleted'));

-- The last synced value of each merged text field (a draft's `text` and `variants`) and the
-- hub cursor it came with: the common ancestor of a three-way merge, and the `base` a pushed
-- text change names.
CREATE TABLE sync_base (
    entity TEXT NOT NULL,
    id     TEXT NOT NULL,
    field  TEXT NOT NULL,
    value  TEXT NOT NULL,
    cursor INTEGER NOT NULL,
    PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;

-- The clock stamp of the newest value of each field of each synced row (last writer wins).
CREATE TABLE field_clock (
    entity TEXT NOT NULL,
    id     TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;

-- The change log takes accounts (their public part) and outbox entries too; it remembers where
-- the hub put each pushed change (`cursor`) and why the hub refused one that waits (`refused`).
-- SQLite cannot change a CHECK constraint, so the table is rebuilt.
CREATE TABLE changes_new (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL CHECK (entity IN ('draft', 'revision', 'goal', 'account', 'outbox')),
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
INSERT INTO changes_new (seq, entity, entity_id, op, rev, hlc, fields, device, pushed)
    SELECT seq, entity, entity_id, op, rev, hlc, fields, device, pushed FROM changes;
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
CREATE INDEX changes_by_entity ON changes (entity, entity_id, seq);
CREATE INDEX changes_by_hlc ON changes (hlc);
CREATE INDEX changes_unpushed ON changes (pushed, seq);

-- Two devices that edit one draft offline both number their new revision after the last one
-- they had, so a revision's number is no longer unique within its draft (history is ordered
-- by number, then stamp). Rebuilt without the UNIQUE constraint.
CREATE TABLE revisions_new (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    draft_id      TEXT NOT NULL REFERENCES drafts (id),
    number        INTEGER NOT NULL,
    text          TEXT NOT NULL,
    variants      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(variants)),
    kind          TEXT NOT NULL CHECK (kind IN ('created', 'autosave', 'restored', 'imported')),
    name          TEXT,
    restored_from TEXT,
    author        TEXT NOT NULL,
    session       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    rev           INTEGER NOT NULL DEFAULT 1,
    hlc           TEXT NOT NULL,
    deleted       INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;
INSERT INTO revisions_new SELECT seq, id, draft_id, number, text, variants, kind, name,
    restored_from, author, session, created_at, updated_at, rev, hlc, deleted FROM revisions;
DROP TABLE revisions;
ALTER TABLE revisions_new RENAME TO revisions;
CREATE INDEX revisions_by_draft ON revisions (draft_id, number);

-- The device (its clock node) that created an outbox entry: only that device publishes it
-- (NULL: made on this device before sync existed).
ALTER TABLE outbox ADD COLUMN device TEXT;
