-- Payment-by-results claims (issue 12): claim batches, their claims each with the evidence
-- pack frozen at claim time, withdrawals with a reason (a claim is never deleted), and
-- internal audit's findings kept with the claim. Plus the internal auditor's role.
--
-- Identifiers never enter these tables: a claim names its family by key; the evidence pack
-- holds facts, keys, the rules' text and the lead worker's name (a member of staff).

CREATE TABLE claim_batch (
    batch_id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    window_key    TEXT    NOT NULL,
    window_label  TEXT    NOT NULL,
    prepared_on   TEXT    NOT NULL,   -- YYYY-MM-DD: the data as at
    prepared_by   TEXT    NOT NULL,   -- account name
    prepared_at   TEXT    NOT NULL,
    sample_size   BIGINT  NOT NULL,   -- internal audit's sample, fixed when prepared
    sample_seed   BIGINT  NOT NULL    -- the rules' seed mixed with the batch (u64 bits)
);

CREATE TABLE claim (
    claim_id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id          BIGINT  NOT NULL REFERENCES claim_batch (batch_id),
    family_id         BIGINT  NOT NULL,
    result_kind       TEXT    NOT NULL
        CHECK (result_kind IN ('significant_and_sustained_progress', 'continuous_employment')),
    achieved_on       TEXT    NOT NULL,
    payment           BIGINT  NOT NULL,  -- pounds
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
    finding_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id    BIGINT  NOT NULL REFERENCES claim (claim_id),
    outcome     TEXT    NOT NULL CHECK (outcome IN ('pass', 'fail')),
    notes       TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,       -- account name
    recorded_at TEXT    NOT NULL
);
CREATE INDEX claim_audit_finding_claim ON claim_audit_finding (claim_id);

-- Never deleted; a claim's facts and evidence never change; a withdrawal is final.
CREATE FUNCTION claim_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'claims are withdrawn, never deleted';
    END IF;
    IF OLD.status = 'withdrawn' THEN
        RAISE EXCEPTION 'a withdrawn claim stays withdrawn';
    END IF;
    IF NEW.batch_id IS DISTINCT FROM OLD.batch_id OR NEW.family_id IS DISTINCT FROM OLD.family_id
       OR NEW.result_kind IS DISTINCT FROM OLD.result_kind
       OR NEW.achieved_on IS DISTINCT FROM OLD.achieved_on
       OR NEW.payment IS DISTINCT FROM OLD.payment
       OR NEW.evidence_pack IS DISTINCT FROM OLD.evidence_pack
       OR NEW.evidence_sha256 IS DISTINCT FROM OLD.evidence_sha256 THEN
        RAISE EXCEPTION 'a claim and its evidence pack are frozen';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER claim_guard BEFORE UPDATE OR DELETE ON claim
FOR EACH ROW EXECUTE FUNCTION claim_guard();
CREATE FUNCTION claim_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% rows are never deleted or changed', TG_TABLE_NAME; END $$;
CREATE TRIGGER claim_batch_no_delete BEFORE DELETE ON claim_batch
FOR EACH ROW EXECUTE FUNCTION claim_never_deleted();
CREATE TRIGGER claim_audit_finding_append_only BEFORE UPDATE OR DELETE ON claim_audit_finding
FOR EACH ROW EXECUTE FUNCTION claim_never_deleted();

-- The internal auditor's role.
ALTER TABLE web_user DROP CONSTRAINT web_user_role_check;
ALTER TABLE web_user ADD CONSTRAINT web_user_role_check
    CHECK (role IN ('referrer', 'lead_worker', 'performance_officer', 'data_analyst',
                    'ig_officer', 'administrator', 'auditor'));
