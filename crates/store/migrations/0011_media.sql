-- Schema 11: images attached to drafts, and what a Mastodon instance takes.
--
-- An image is stored once, content-addressed, in the `media/` folder beside the database (its
-- SHA-256 is its file name, so the same photo on two drafts is one file); a row here says
-- which draft shows it, in which place, with which alt text. A file stays while a row here (or
-- in a kept backup) names it. The stored image was written again by Podium with no metadata,
-- so it is `image/jpeg` or `image/png` whatever the user picked.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    draft_id TEXT NOT NULL REFERENCES drafts(id),
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    bytes INTEGER NOT NULL CHECK (bytes > 0),
    alt TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX attachments_by_draft ON attachments (draft_id, position);
CREATE INDEX attachments_by_file ON attachments (sha256);

-- Whether a post with a link and no image carries the link's card where Podium builds it
-- (Bluesky, LinkedIn); 0 when the user dropped the card.
ALTER TABLE drafts ADD COLUMN link_card INTEGER NOT NULL DEFAULT 1 CHECK (link_card IN (0, 1));

-- A Mastodon instance's own image figures from /api/v2/instance, read with its post limit
-- (NULL: the instance did not say, Mastodon's defaults apply).
CREATE TABLE account_media (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    max_images INTEGER,
    image_bytes INTEGER,
    image_pixels INTEGER
);

-- Attachments sync like comments (issue 13, item 4): the change log takes them beside every
-- entity it took before. SQLite cannot change a CHECK constraint, so the table is rebuilt (as in
-- schemas 5, 8 and 10).
CREATE TABLE changes_new (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL
              CHECK (entity IN ('draft', 'revision', 'goal', 'account', 'outbox', 'comment',
                                'target', 'reading', 'attachment')),
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
