-- Outcomes (issue 12): each attached family's baseline, frozen at attachment, and its
-- results under the council's Outcomes Plan. See the SQLite migration of the same name.
CREATE TABLE outcome_baseline (
    family_id      BIGINT PRIMARY KEY,
    attached_on    TEXT   NOT NULL,
    attachment_ref TEXT,
    run_id         BIGINT,
    frozen_at      TEXT   NOT NULL,
    baseline       TEXT   NOT NULL
);
CREATE FUNCTION outcome_baseline_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'outcome_baseline is frozen'; END $$;
CREATE TRIGGER outcome_baseline_no_change BEFORE UPDATE OR DELETE ON outcome_baseline
FOR EACH ROW EXECUTE FUNCTION outcome_baseline_frozen();

CREATE TABLE family_outcome (
    family_id         BIGINT PRIMARY KEY,
    as_at             TEXT   NOT NULL,
    rules_sha256      TEXT   NOT NULL,
    earliest_claim_on TEXT,
    evaluated_at      TEXT   NOT NULL,
    outcome           TEXT   NOT NULL
);

CREATE TABLE outcome_result (
    family_id    BIGINT NOT NULL,
    kind         TEXT   NOT NULL
        CHECK (kind IN ('significant_and_sustained_progress', 'continuous_employment')),
    achieved_on  TEXT   NOT NULL,
    rules_sha256 TEXT   NOT NULL,
    found_as_at  TEXT   NOT NULL,
    evidence     TEXT   NOT NULL,
    PRIMARY KEY (family_id, kind)
);
