-- Where a family lives, coarsely: its household's postcode sector (e.g. `WA7 2`), for the
-- families list's area filter and counts by area. Families written before this version have
-- none until the next linkage run.
ALTER TABLE family ADD COLUMN area TEXT;

-- The clocks of a case, from which a lead worker's caseload shows what is due: when the
-- status last changed, and when the current lead worker was assigned (null: none is).
-- Cases written before this version start both clocks at their last change.
ALTER TABLE family_case ADD COLUMN status_since TEXT;
ALTER TABLE family_case ADD COLUMN assigned_at TEXT;
UPDATE family_case SET status_since = updated_at;
UPDATE family_case SET assigned_at = updated_at WHERE lead_worker_user_id IS NOT NULL;

-- Each person's distinct sets of identifiers with how many of their records give each (the
-- identity store: identifiers only), written by each linkage run from `identity` and
-- `person_record`, so that a family page reads a few rows per member without a join.
CREATE TABLE person_identity (
    person_id     BIGINT NOT NULL,
    record_id     BIGINT NOT NULL,   -- the first record giving this set
    given_name    TEXT,
    family_name   TEXT,
    full_name     TEXT,
    date_of_birth DATE,
    address       TEXT,
    postcode      TEXT,
    records       BIGINT NOT NULL,
    PRIMARY KEY (person_id, record_id)
);
-- From the latest linkage run, for a store upgraded to this version.
INSERT INTO person_identity (person_id, record_id, given_name, family_name, full_name,
                             date_of_birth, address, postcode, records)
SELECT pr.person_id, MIN(i.record_id), i.given_name, i.family_name, i.full_name,
       i.date_of_birth, i.address, i.postcode, COUNT(*)
FROM person_record pr JOIN identity i ON i.record_id = pr.record_id
GROUP BY pr.person_id, i.given_name, i.family_name, i.full_name, i.date_of_birth,
         i.address, i.postcode;
