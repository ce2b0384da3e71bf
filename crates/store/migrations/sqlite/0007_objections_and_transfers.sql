-- The objection register and the log of data sent outside the council.
--
-- An objection is recorded against a person or a family, and kept with the partner records
-- that were theirs when it was recorded (objection_record): people are re-linked by later
-- runs, and the objection must follow the records, not an ID that may be merged away.
-- scope: 'research' (the national evaluation and other research) or 'all' (all sharing).
-- Withdrawn objections are kept, with who withdrew them and when.
CREATE TABLE objection (
    id            INTEGER PRIMARY KEY,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('person', 'family')),
    subject_id    BIGINT NOT NULL,
    scope         TEXT NOT NULL CHECK (scope IN ('research', 'all')),
    received_on   TEXT NOT NULL,   -- yyyy-mm-dd
    received_how  TEXT NOT NULL,   -- e.g. letter, phone, email, in person
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    withdrawn_at  TEXT,
    withdrawn_by  TEXT
);
CREATE TABLE objection_record (
    objection_id BIGINT NOT NULL REFERENCES objection (id),
    record_id    BIGINT NOT NULL,
    PRIMARY KEY (objection_id, record_id)
);
CREATE INDEX objection_record_record ON objection_record (record_id);

-- Every extract sent outside the council: who, when, what, counts, and the SHA-256 of the
-- encrypted file as sent. No personal data.
CREATE TABLE extract_transfer (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT   NOT NULL,   -- e.g. national_evaluation
    made_at            TEXT   NOT NULL,
    made_by            TEXT   NOT NULL,
    recipient          TEXT   NOT NULL,   -- the recipient's public key
    identification_run BIGINT NOT NULL,
    families           BIGINT NOT NULL,
    people             BIGINT NOT NULL,
    objectors_excluded BIGINT NOT NULL,
    file_name          TEXT   NOT NULL,
    file_sha256        TEXT   NOT NULL
);
