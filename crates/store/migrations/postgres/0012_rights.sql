-- Hearth store (PostgreSQL): a person's rights (issue 13) — rectification, restriction, erasure.
--
-- * governance_secret: the store's own random key for keyed hashes of identifiers (HMAC-SHA-256),
--   made here once. Tombstones and objection keys are such hashes: they recognise the same
--   identifiers again without holding them.
-- * rectification: each identifier corrected (which person, which field, the old and new values,
--   why, who, when). It is identity-side data (values are identifiers): shown in a subject
--   access request, removed by an erasure; the audit log says only which field changed.
-- * restriction / restriction_record: a person's processing restricted; kept, with the partner
--   records that were theirs, and left out of linkage (so of families, identification, extracts
--   and pages) until lifted.
-- * erasure / erasure_tombstone: who was erased, when, why and on what lawful ground (no
--   identifiers), and the keyed hashes of their identifiers, so that a re-import of the same
--   partner rows is quarantined ("erased on <date>") instead of bringing them back.
-- * objection_key: keyed hashes of the identifiers of the records an objection covers, so that
--   it follows the person when a partner re-sends a file (`import --replace` gives new records).
CREATE TABLE governance_secret (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    secret     TEXT    NOT NULL,          -- hex, 32 random bytes
    created_at TEXT    NOT NULL
);
INSERT INTO governance_secret (id, secret, created_at)
VALUES (1, encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex'),
        to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));

CREATE TABLE rectification (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    BIGINT  NOT NULL,
    field        TEXT    NOT NULL,
    old_values   TEXT    NOT NULL,        -- JSON array of the distinct values replaced
    new_value    TEXT    NOT NULL,
    records      BIGINT  NOT NULL,
    reason       TEXT    NOT NULL,
    rectified_by TEXT    NOT NULL,
    rectified_at TEXT    NOT NULL
);
CREATE INDEX rectification_person ON rectification (person_id);

CREATE TABLE restriction (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     BIGINT  NOT NULL,
    reason        TEXT    NOT NULL,
    ground        TEXT    NOT NULL,
    restricted_by TEXT    NOT NULL,
    restricted_at TEXT    NOT NULL,
    lifted_at     TEXT,
    lifted_by     TEXT
);
CREATE INDEX restriction_person ON restriction (person_id);
CREATE TABLE restriction_record (
    restriction_id BIGINT NOT NULL REFERENCES restriction (id),
    record_id      BIGINT NOT NULL,
    PRIMARY KEY (restriction_id, record_id)
);
CREATE INDEX restriction_record_record ON restriction_record (record_id);

CREATE TABLE erasure (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT  NOT NULL,
    reason    TEXT    NOT NULL,
    ground    TEXT    NOT NULL,
    erased_by TEXT    NOT NULL,
    erased_at TEXT    NOT NULL,
    erased_on TEXT    NOT NULL,           -- yyyy-mm-dd, as a quarantined re-import says
    records   BIGINT  NOT NULL
);
CREATE TABLE erasure_tombstone (
    key_hash   TEXT   NOT NULL PRIMARY KEY,
    erasure_id BIGINT NOT NULL REFERENCES erasure (id)
);

CREATE TABLE objection_key (
    objection_id BIGINT NOT NULL REFERENCES objection (id),
    key_hash     TEXT   NOT NULL,
    PRIMARY KEY (objection_id, key_hash)
);
CREATE INDEX objection_key_hash ON objection_key (key_hash);
