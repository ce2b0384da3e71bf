-- Payment-by-results claims (issue 12): claim batches, their claims each with the evidence
-- pack frozen at claim time, withdrawals with a reason (a claim is never deleted), and
-- internal audit's findings kept with the claim. Plus the internal auditor's role.
--
-- Identifiers never enter these tables: a claim names its family by key; the evidence pack
-- holds facts, keys, the rules' text and the lead worker's name (a member of staff).

CREATE TABLE claim_batch (
    batch_id      INTEGER PRIMARY KEY,
    window_key    TEXT    NOT NULL,
    window_label  TEXT    NOT NULL,
    prepared_on   TEXT    NOT NULL,   -- YYYY-MM-DD: the data as at
    prepared_by   TEXT    NOT NULL,   -- account name
    prepared_at   TEXT    NOT NULL,
    sample_size   INTEGER NOT NULL,   -- internal audit's sample, fixed when prepared
    sample_seed   INTEGER NOT NULL    -- the rules' seed mixed with the batch (u64 bits)
);

CREATE TABLE claim (
    claim_id          INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES claim_batch (batch_id),
    family_id         INTEGER NOT NULL,
    result_kind       TEXT    NOT NULL
        CHECK (result_kind IN ('significant_and_sustained_progress', 'continuous_employment')),
    achieved_on       TEXT    NOT NULL,
    payment           INTEGER NOT NULL,  -- pounds
    evidence_pack     TEXT    NOT NULL,  -- JSON, frozen at claim time
    evidence_sha256   TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('claimed', 'withdrawn')),
    withdrawn_by      TEXT,
    withdrawn_at      TEXT,
    withdrawal_reason TEXT
);
-- A family is claimed once: at most one claim not withdrawn per family.
CREATE UNIQUE INDEX claim_one_per_family ON claim (family_id) WHERE status = 'claimed';
CREATE INDEX claim_batch_claims ON claim (batch_id);

CREATE TABLE claim_audit_finding (
    finding_id  INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claim (claim_id),
    outcome     TEXT    NOT NULL CHECK (outcome IN ('pass', 'fail')),
    notes       TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,       -- account name
    recorded_at TEXT    NOT NULL
);
CREATE INDEX claim_audit_finding_claim ON claim_audit_finding (claim_id);

-- Never deleted; a claim's facts and evidence never change; a withdrawal is final.
CREATE TRIGGER claim_batch_no_delete BEFORE DELETE ON claim_batch
BEGIN SELECT RAISE(ABORT, 'claim batches are never deleted'); END;
CREATE TRIGGER claim_no_delete BEFORE DELETE ON claim
BEGIN SELECT RAISE(ABORT, 'claims are withdrawn, never deleted'); END;
CREATE TRIGGER claim_frozen BEFORE UPDATE OF batch_id, family_id, result_kind, achieved_on,
    payment, evidence_pack, evidence_sha256 ON claim
BEGIN SELECT RAISE(ABORT, 'a claim and its evidence pack are frozen'); END;
CREATE TRIGGER claim_withdrawal_final BEFORE UPDATE ON claim WHEN OLD.status = 'withdrawn'
BEGIN SELECT RAISE(ABORT, 'a withdrawn claim stays withdrawn'); END;
CREATE TRIGGER claim_audit_finding_no_update BEFORE UPDATE ON claim_audit_finding
BEGIN SELECT RAISE(ABORT, 'claim_audit_finding is append-only'); END;
CREATE TRIGGER claim_audit_finding_no_delete BEFORE DELETE ON claim_audit_finding
BEGIN SELECT RAISE(ABORT, 'claim_audit_finding is append-only'); END;

-- The internal auditor's role. SQLite cannot change a CHECK in place, and rebuilding
-- web_user would cascade to its sessions and identities: the column is replaced instead
-- (ALTER TABLE keeps every row, key and reference).
ALTER TABLE web_user ADD COLUMN role_with_auditor TEXT
    CHECK (role_with_auditor IN ('referrer', 'lead_worker', 'performance_officer',
                                 'data_analyst', 'ig_officer', 'administrator', 'auditor'));
UPDATE web_user SET role_with_auditor = role;
ALTER TABLE web_user DROP COLUMN role;
ALTER TABLE web_user RENAME COLUMN role_with_auditor TO role;
CREATE TRIGGER web_user_role_not_null_insert BEFORE INSERT ON web_user WHEN NEW.role IS NULL
BEGIN SELECT RAISE(ABORT, 'NOT NULL constraint failed: web_user.role'); END;
CREATE TRIGGER web_user_role_not_null_update BEFORE UPDATE OF role ON web_user
    WHEN NEW.role IS NULL
BEGIN SELECT RAISE(ABORT, 'NOT NULL constraint failed: web_user.role'); END;
