-- Schema 4: Mastodon's post options, and Threads' two-step publishing.
--
-- A draft's content warning (Mastodon's `spoiler_text`; empty: none) and visibility (public,
-- unlisted, private = followers only; NULL: the account's default), an account's default
-- visibility, and, per outbox part, the container a two-step network (Threads) made for it:
-- created and committed before the publish request, so a crash is settled by asking about that
-- container, never by posting again.
ALTER TABLE drafts ADD COLUMN content_warning TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN visibility TEXT
    CHECK (visibility IN ('public', 'unlisted', 'private'));
ALTER TABLE accounts ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'unlisted', 'private'));
ALTER TABLE outbox_parts ADD COLUMN container TEXT;
