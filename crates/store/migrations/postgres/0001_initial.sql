-- Hearth store, migration 1 (PostgreSQL): import batches, the identity store, facts, quarantine.
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
    id               BIGSERIAL   PRIMARY KEY,
    source           TEXT        NOT NULL,
    file_name        TEXT        NOT NULL,
    file_sha256      TEXT        NOT NULL,
    imported_by      TEXT        NOT NULL,
    imported_at      TIMESTAMPTZ NOT NULL,
    rows_read        BIGINT      NOT NULL CHECK (rows_read >= 0),
    rows_imported    BIGINT      NOT NULL CHECK (rows_imported >= 0),
    rows_quarantined BIGINT      NOT NULL CHECK (rows_quarantined >= 0),
    UNIQUE (source, file_sha256)
);

-- Record keys are allocated in blocks by the importer (under an advisory lock); never reused.
CREATE SEQUENCE record_id_seq AS BIGINT;

-- Facts: what a partner row says happened. No identifiers here.
CREATE TABLE record (
    record_id  BIGINT PRIMARY KEY,
    batch_id   BIGINT NOT NULL,  -- = import_batch.id; no foreign key, see above
    source     TEXT   NOT NULL,
    source_row BIGINT NOT NULL,
    event_type TEXT   NOT NULL,
    event_date DATE,
    end_date   DATE,
    attributes JSONB  NOT NULL
);
CREATE INDEX record_batch ON record (batch_id);

-- The identity store: who a partner row is about. Identifiers only.
CREATE TABLE identity (
    record_id        BIGINT PRIMARY KEY,  -- = record.record_id; no foreign key, see above
    source_person_id TEXT,
    given_name       TEXT,
    middle_name      TEXT,
    family_name      TEXT,
    full_name        TEXT,
    date_of_birth    DATE,
    sex              TEXT CHECK (sex IN ('F', 'M', 'U')),
    address          TEXT,
    postcode         TEXT,
    nhs_number       TEXT,
    ni_number        TEXT,
    upn              TEXT
);

-- Rows that failed validation, with the raw cells so that a data officer can correct them.
CREATE TABLE quarantine (
    id         BIGSERIAL PRIMARY KEY,
    batch_id   BIGINT NOT NULL REFERENCES import_batch (id) ON DELETE CASCADE,
    source     TEXT   NOT NULL,
    file_name  TEXT   NOT NULL,
    source_row BIGINT NOT NULL,
    field      TEXT,
    reason     TEXT   NOT NULL,
    raw        TEXT   NOT NULL      -- JSON array of the row's cells (text, not jsonb: jsonb
                                    -- rejects \u0000, and a bad file may hold anything)
);
CREATE INDEX quarantine_batch ON quarantine (batch_id);
