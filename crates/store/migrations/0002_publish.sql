-- Schema 2: accounts, their weekly time slots, and the outbox.
--
-- Secrets never live here: an account row keeps its public data and `credential_ref`, the name
-- of its entry in the OS keyring. The outbox is this device's: one entry per (post, account),
-- its state committed before every network call; each part of a thread has its own row with
-- the key that makes sending it again harmless (a Bluesky record key, a Mastodon
-- Idempotency-Key), chosen and committed before the first attempt.

CREATE TABLE accounts (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    network        TEXT NOT NULL CHECK (network IN ('x', 'bluesky', 'mastodon', 'linkedin', 'threads')),
    handle         TEXT NOT NULL,
    display_name   TEXT NOT NULL DEFAULT '',
    -- The server: a Bluesky PDS, a Mastodon instance (https://…).
    service        TEXT NOT NULL,
    -- The network's id for the account (a DID, a Mastodon account id).
    remote_id      TEXT NOT NULL DEFAULT '',
    credential_ref TEXT NOT NULL,
    zone           TEXT NOT NULL,
    paused         INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    -- The instance's limit (Mastodon `configuration.statuses.max_characters`) and when it was read.
    max_chars      INTEGER,
    limits_at      TEXT,
    status         TEXT NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'reconnect', 'offline')),
    status_reason  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE slots (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute     INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    PRIMARY KEY (account_id, weekday, minute)
) WITHOUT ROWID;

CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    draft_id     TEXT NOT NULL REFERENCES drafts (id),
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    due_at       TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'claimed', 'sending', 'sent', 'failed', 'unknown', 'review')),
    -- Transient failures so far, and when the next attempt may start.
    attempts     INTEGER NOT NULL DEFAULT 0,
    retry_at     TEXT,
    -- The first part's post, once sent: what the queue links to.
    remote_id    TEXT,
    remote_url   TEXT,
    -- The network's reason, shown as it came (no secrets: tokens never reach messages).
    error        TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    sent_at      TEXT,
    UNIQUE (draft_id, account_id)
);
CREATE INDEX outbox_by_state ON outbox (state, due_at);

CREATE TABLE outbox_parts (
    entry_id   TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    -- Bluesky: the record key (a TID); Mastodon: the Idempotency-Key.
    key        TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent')),
    sending_at TEXT,
    remote_id  TEXT,
    remote_cid TEXT,
    remote_url TEXT,
    PRIMARY KEY (entry_id, idx)
) WITHOUT ROWID;

-- Settings of this device (grace window, …), as text.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
