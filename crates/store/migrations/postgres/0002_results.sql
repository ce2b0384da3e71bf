-- Hearth store, migration 2 (PostgreSQL): linkage and identification results.
--
-- Person and family IDs are pseudonymous keys: nothing here is an identifier. A linkage run
-- replaces the current people and families (with stable IDs, see hearth-linkage); the run
-- history, the changes to people and every identification run with its evidence are kept, so
-- that a family's eligibility can be explained months later.

CREATE TABLE link_run (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_at          TEXT    NOT NULL,
    records         BIGINT NOT NULL,
    people          BIGINT NOT NULL,
    candidate_pairs BIGINT NOT NULL,
    matched_pairs   BIGINT NOT NULL,
    review_pairs    BIGINT NOT NULL,
    threshold       DOUBLE PRECISION    NOT NULL,   -- match weight above which a pair is a match
    families        BIGINT NOT NULL,
    as_at           TEXT    NOT NULL,   -- the date households and families were formed at
    report          TEXT    NOT NULL    -- JSON: blocking report, model parameters, timings
);

-- The current assignment of records to people.
CREATE TABLE person_record (
    record_id BIGINT PRIMARY KEY,
    person_id BIGINT NOT NULL
);
CREATE INDEX person_record_person ON person_record (person_id);

-- How people changed between linkage runs: new, merged, split.
CREATE TABLE person_change (
    run_id    BIGINT NOT NULL REFERENCES link_run (id),
    kind      TEXT    NOT NULL,
    person_id BIGINT NOT NULL,
    detail    TEXT    NOT NULL
);

-- Pairs in the uncertain band, for a person to decide. Decisions feed the next run as
-- must-link / cannot-link constraints.
CREATE TABLE review_pair (
    record_id_l       BIGINT NOT NULL,
    record_id_r       BIGINT NOT NULL,
    run_id            BIGINT NOT NULL REFERENCES link_run (id),
    match_probability DOUBLE PRECISION    NOT NULL,
    match_weight      DOUBLE PRECISION    NOT NULL,
    explanation       TEXT    NOT NULL,  -- JSON: each comparison's level and weight
    status            TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'match', 'non_match')),
    decided_by        TEXT,
    decided_at        TEXT,
    PRIMARY KEY (record_id_l, record_id_r),
    CHECK (record_id_l < record_id_r)
);

-- Families at the linkage run's as-at date: the adults and children of one household.
CREATE TABLE family (
    family_id   BIGINT PRIMARY KEY,
    run_id      BIGINT NOT NULL REFERENCES link_run (id),
    adults      BIGINT NOT NULL,
    children    BIGINT NOT NULL
);

CREATE TABLE family_member (
    family_id BIGINT NOT NULL REFERENCES family (family_id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL,
    role      TEXT    NOT NULL CHECK (role IN ('adult', 'child')),
    age       BIGINT,
    PRIMARY KEY (family_id, person_id)
);
CREATE INDEX family_member_person ON family_member (person_id);

CREATE TABLE family_relationship (
    family_id        BIGINT NOT NULL REFERENCES family (family_id) ON DELETE CASCADE,
    parent_person_id BIGINT NOT NULL,
    child_person_id  BIGINT NOT NULL,
    basis            TEXT    NOT NULL,
    PRIMARY KEY (family_id, parent_person_id, child_person_id)
);

-- Every identification run is kept: its date, rules and results.
CREATE TABLE identification_run (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_at            TEXT    NOT NULL,
    as_at             TEXT    NOT NULL,
    profile           TEXT    NOT NULL,
    rules_sha256      TEXT    NOT NULL,
    link_run_id       BIGINT NOT NULL REFERENCES link_run (id),
    families_assessed BIGINT NOT NULL,
    families_eligible BIGINT NOT NULL
);

CREATE TABLE family_assessment (
    run_id         BIGINT NOT NULL REFERENCES identification_run (id),
    family_id      BIGINT NOT NULL,
    eligible       BIGINT NOT NULL CHECK (eligible IN (0, 1)),
    problem_count  BIGINT NOT NULL,
    problems       TEXT    NOT NULL,   -- ';'-separated problem keys
    estimated_cost DOUBLE PRECISION    NOT NULL,   -- £ a year
    score          DOUBLE PRECISION    NOT NULL,
    priority_rank  BIGINT,            -- 1 = first; NULL when not eligible
    PRIMARY KEY (run_id, family_id)
);

CREATE TABLE evidence (
    run_id        BIGINT NOT NULL REFERENCES identification_run (id),
    family_id     BIGINT NOT NULL,
    problem_key   TEXT    NOT NULL,
    indicator_key TEXT    NOT NULL,
    person_id     BIGINT NOT NULL,
    record_ids    TEXT    NOT NULL,   -- JSON array of record_id
    value         DOUBLE PRECISION                -- the computed value, e.g. an absence rate
);
CREATE INDEX evidence_family ON evidence (run_id, family_id);
