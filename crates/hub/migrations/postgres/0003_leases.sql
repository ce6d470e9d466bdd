-- One publisher across devices (issue 12): which devices hold each account's sign-in, and a
-- lease per entry that more than one device could send. An account is named by its key
-- (network, server, id there), the same on every device; an entry by its id.

CREATE TABLE signins (
    account_key TEXT NOT NULL,
    device_id   TEXT NOT NULL REFERENCES devices(id),
    since_ms    BIGINT NOT NULL,
    PRIMARY KEY (account_key, device_id)
);

-- `token` grows with every grant (the fencing token); `device_id` holds the lease until
-- `expires_ms` (or settled it); `parts` is the entry's parts with their keys and how far each
-- got (JSON), fixed by the first claim.
CREATE TABLE leases (
    entry_id    TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT 'open'
                CHECK (outcome IN ('open', 'sent', 'failed', 'unknown')),
    device_id   TEXT,
    token       BIGINT NOT NULL DEFAULT 0,
    expires_ms  BIGINT NOT NULL DEFAULT 0,
    parts       TEXT NOT NULL DEFAULT '[]',
    remote_id   TEXT,
    remote_url  TEXT,
    reason_code TEXT,
    reason_data TEXT,
    error       TEXT,
    updated_ms  BIGINT NOT NULL
);
