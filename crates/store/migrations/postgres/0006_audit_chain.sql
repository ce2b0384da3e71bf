-- The audit log made tamper-evident: each line carries the hash of the line before it and its
-- own hash, SHA-256 of (the previous hash, a newline, the line's stored values as a JSON
-- array). Editing, deleting or inserting a line anywhere breaks the chain from there on, which
-- `hearth audit verify` reports. Lines written before this migration have no hash: the chain
-- starts after them.
--
-- audit_chain_head holds the newest line's id and hash (so that cutting lines off the end is
-- seen too), and is the lock that puts concurrent writers in one order. audit_chain_anchor
-- holds where the chain may start: the genesis value, and later the hash of the last line a
-- retention purge removed.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE TABLE audit_chain_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   BIGINT NOT NULL,
    last_hash TEXT   NOT NULL
);
INSERT INTO audit_chain_head (id, last_id, last_hash)
SELECT 1, COALESCE(MAX(id), 0), '0000000000000000000000000000000000000000000000000000000000000000'
FROM audit_log;
CREATE TABLE audit_chain_anchor (
    hash        TEXT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    reason      TEXT NOT NULL
);
INSERT INTO audit_chain_anchor (hash, recorded_at, reason)
VALUES ('0000000000000000000000000000000000000000000000000000000000000000', '', 'genesis');
