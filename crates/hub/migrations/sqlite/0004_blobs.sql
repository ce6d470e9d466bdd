-- Images as blobs (issue 13): the bytes of an image a device attached to a draft, named by
-- their SHA-256 (checked when they arrive), kept once however many drafts show them. Which
-- draft shows which image travels in the change log; only the bytes are here.

CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    bytes      BLOB NOT NULL,
    size       INTEGER NOT NULL,
    device_id  TEXT NOT NULL REFERENCES devices(id),
    created_ms INTEGER NOT NULL
);
