-- The cost savings calculator's runs (issue 12): each run's cohort figures (before disclosure
-- control: pages and exports publish them through it) and each attached family's service use
-- before and after attachment, priced, as JSON. Facts and money only: no identifiers.
CREATE TABLE savings_run (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_at        TEXT    NOT NULL,
    as_at         TEXT    NOT NULL,
    rules_sha256  TEXT    NOT NULL,
    cohort        TEXT    NOT NULL    -- JSON: hearth_savings::CohortSavings
);
CREATE TABLE savings_family (
    run_id     BIGINT NOT NULL REFERENCES savings_run (id),
    family_id  BIGINT NOT NULL,
    result     TEXT   NOT NULL,       -- JSON: hearth_savings::FamilySavings
    PRIMARY KEY (run_id, family_id)
);
