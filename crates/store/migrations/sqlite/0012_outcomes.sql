-- Outcomes (issue 12): each attached family's baseline, frozen at attachment, and its
-- results under the council's Outcomes Plan.
-- * outcome_baseline: one row per attached family, written once and never changed (a
--   trigger refuses updates and deletes), so later re-links and runs cannot move it. The
--   baseline itself (members by person key, problems, evidence, measures) is JSON: keys
--   and facts, never an identifier.
-- * family_outcome: the latest judgement of each family (progress per problem, what is
--   missing, the earliest claim date), replaced at each `hearth outcomes`.
-- * outcome_result: each result a family achieved, at most one per kind, kept from the
--   first evaluation that found it (with the plan's SHA-256 and the evidence then).
CREATE TABLE outcome_baseline (
    family_id      INTEGER PRIMARY KEY,
    attached_on    TEXT    NOT NULL,
    attachment_ref TEXT,
    run_id         INTEGER,
    frozen_at      TEXT    NOT NULL,
    baseline       TEXT    NOT NULL
);
CREATE TRIGGER outcome_baseline_no_update BEFORE UPDATE ON outcome_baseline
BEGIN SELECT RAISE(ABORT, 'outcome_baseline is frozen'); END;
CREATE TRIGGER outcome_baseline_no_delete BEFORE DELETE ON outcome_baseline
BEGIN SELECT RAISE(ABORT, 'outcome_baseline is frozen'); END;

CREATE TABLE family_outcome (
    family_id         INTEGER PRIMARY KEY,
    as_at             TEXT    NOT NULL,
    rules_sha256      TEXT    NOT NULL,
    earliest_claim_on TEXT,
    evaluated_at      TEXT    NOT NULL,
    outcome           TEXT    NOT NULL
);

CREATE TABLE outcome_result (
    family_id    INTEGER NOT NULL,
    kind         TEXT    NOT NULL
        CHECK (kind IN ('significant_and_sustained_progress', 'continuous_employment')),
    achieved_on  TEXT    NOT NULL,
    rules_sha256 TEXT    NOT NULL,
    found_as_at  TEXT    NOT NULL,
    evidence     TEXT    NOT NULL,
    PRIMARY KEY (family_id, kind)
);
