-- The hub's first schema: the workspace, its members and their devices, one-time invites, and
-- the ordered log of changes. Secrets are kept only as SHA-256 (token_hash, secret_hash).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE members (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('executive', 'assistant')),
    created_at TEXT NOT NULL
);

CREATE TABLE invites (
    secret_hash   TEXT PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members(id),
    created_at    TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    used_at       TEXT,
    device_id     TEXT
);

CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members(id),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    joined_at  TEXT NOT NULL,
    last_seen_ms INTEGER,
    revoked_at TEXT
);

-- The log. `cursor` is the gap-free order (assigned as max + 1 by the one writer); `hlc` names a
-- change, so a replay is found by it.
CREATE TABLE changes (
    cursor      INTEGER PRIMARY KEY,
    hlc         TEXT NOT NULL UNIQUE,
    entity      TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    op          TEXT NOT NULL,
    fields      TEXT NOT NULL,
    base        INTEGER,
    device_id   TEXT NOT NULL,
    member_id   TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- The newest accepted change to a row's merged text, and who sent it: what a text change's
-- `base` is checked against ("stale").
CREATE TABLE text_heads (
    entity    TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    cursor    INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (entity, row_id)
);
