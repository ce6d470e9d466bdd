-- 0001 — drafts, their revisions, user goals, and the local change log.
--
-- Why: the first schema is already sync-ready (DESIGN.md §5) so the team hub can come later
-- without rewriting it: every synced row has a UUIDv7 `id`, a revision number `rev`, a
-- hybrid-logical-clock stamp `hlc` (text that sorts in clock order) and a tombstone flag
-- `deleted`; every change also writes a row to `changes` in the same transaction.
-- Each table has an INTEGER PRIMARY KEY so its rowid survives VACUUM (the search index
-- refers to drafts by rowid). Lists (networks, tags) and per-network variants are JSON: they
-- merge per field, last writer wins by `hlc`.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE drafts (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    text       TEXT NOT NULL,
    variants   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(variants)),
    networks   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(networks)),
    lang       TEXT NOT NULL DEFAULT 'en',
    goal       TEXT,
    tags       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    state      TEXT NOT NULL DEFAULT 'draft'
               CHECK (state IN ('idea', 'draft', 'ready', 'scheduled', 'published', 'archived')),
    thread     INTEGER NOT NULL DEFAULT 0 CHECK (thread IN (0, 1)),
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev        INTEGER NOT NULL DEFAULT 1,
    hlc        TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;

CREATE INDEX drafts_by_recent ON drafts (deleted, updated_at DESC);

-- Text snapshots of a draft. Autosaves made while typing are coalesced into one revision;
-- `named` and `restored` revisions are never pruned.
CREATE TABLE revisions (
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
    -- The editing session (one run of the app or CLI) that wrote it: autosaves coalesce only
    -- within a session, so reopening Podium always starts a new revision.
    session       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    rev           INTEGER NOT NULL DEFAULT 1,
    hlc           TEXT NOT NULL,
    deleted       INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    UNIQUE (draft_id, number)
) STRICT;

-- Goals the user added next to the built-in ones (visibility, credibility, culture, reputation).
CREATE TABLE goals (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    rev        INTEGER NOT NULL DEFAULT 1,
    hlc        TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;

-- The local change log: what this device changed, in order, for the hub to take later.
-- `fields` holds the changed fields and their new values (all of them for an insert).
CREATE TABLE changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL CHECK (entity IN ('draft', 'revision', 'goal')),
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    rev       INTEGER NOT NULL,
    hlc       TEXT NOT NULL,
    fields    TEXT NOT NULL CHECK (json_valid(fields)),
    device    TEXT NOT NULL,
    pushed    INTEGER NOT NULL DEFAULT 0 CHECK (pushed IN (0, 1))
) STRICT;

CREATE INDEX changes_by_entity ON changes (entity, entity_id, seq);

-- Full-text search over a draft's text, tags and goal; rowid = drafts.seq. Text is indexed in
-- NFC. `remove_diacritics 0` keeps å apart from a (different letters in Norwegian); unicode61
-- folds letter case for æ, ø, å and the rest. Contentless (the drafts table has the text), with
-- deletes allowed; prefix indexes for 2 and 3 letters make "words that start with" fast.
CREATE VIRTUAL TABLE drafts_search USING fts5 (
    text,
    tags,
    goal,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);
