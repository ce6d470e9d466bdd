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
