-- Hearth store, migration 1 (SQLite): import batches, the identity store, facts, quarantine.
--
-- Invariant: `identity` holds identifiers only and `record` holds facts only. They share the
-- key `record_id` and nothing else, so that identity can later move to an encrypted store.
--
-- No foreign keys on the bulk tables (record.batch_id, identity.record_id): the store is their
-- only writer and writes a batch in one transaction, so they are always in step; a per-row
-- foreign-key check costs PostgreSQL ~4 s per million rows, and identity is meant to move to a
-- separate store that no foreign key could reach. Deleting a batch or a person must therefore
-- delete from identity, record and quarantine explicitly, in one transaction.

CREATE TABLE import_batch (
    id               INTEGER PRIMARY KEY,
    source           TEXT    NOT NULL,
    file_name        TEXT    NOT NULL,
    file_sha256      TEXT    NOT NULL,
    imported_by      TEXT    NOT NULL,
    imported_at      TEXT    NOT NULL,   -- RFC 3339, UTC, microseconds, e.g. 2025-09-01T10:00:00.000000Z
    rows_read        INTEGER NOT NULL CHECK (rows_read >= 0),
    rows_imported    INTEGER NOT NULL CHECK (rows_imported >= 0),
    rows_quarantined INTEGER NOT NULL CHECK (rows_quarantined >= 0),
    UNIQUE (source, file_sha256)
);

-- Facts: what a partner row says happened. No identifiers here.
CREATE TABLE record (
    record_id  INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after deletion
    batch_id   INTEGER NOT NULL,  -- = import_batch.id; no foreign key, see above
    source     TEXT    NOT NULL,
    source_row INTEGER NOT NULL,
    event_type TEXT    NOT NULL,
    event_date TEXT,                -- yyyy-mm-dd
    end_date   TEXT,                -- yyyy-mm-dd
    attributes TEXT    NOT NULL     -- JSON object
);
CREATE INDEX record_batch ON record (batch_id);

-- The identity store: who a partner row is about. Identifiers only.
CREATE TABLE identity (
    record_id        INTEGER PRIMARY KEY,  -- = record.record_id; no foreign key, see above
    source_person_id TEXT,
    given_name       TEXT,
    middle_name      TEXT,
    family_name      TEXT,
    full_name        TEXT,
    date_of_birth    TEXT,          -- yyyy-mm-dd
    sex              TEXT CHECK (sex IN ('F', 'M', 'U')),
    address          TEXT,
    postcode         TEXT,
    nhs_number       TEXT,
    ni_number        TEXT,
    upn              TEXT
);

-- Rows that failed validation, with the raw cells so that a data officer can correct them.
CREATE TABLE quarantine (
    id         INTEGER PRIMARY KEY,
    batch_id   INTEGER NOT NULL REFERENCES import_batch (id) ON DELETE CASCADE,
    source     TEXT    NOT NULL,
    file_name  TEXT    NOT NULL,
    source_row INTEGER NOT NULL,
    field      TEXT,
    reason     TEXT    NOT NULL,
    raw        TEXT    NOT NULL     -- JSON array of the row's cells
);
CREATE INDEX quarantine_batch ON quarantine (batch_id);
