-- Retention and destruction (issue 13).
--
-- * retention_report: the proof that a retention run destroyed what the policy said, kept for
--   the information governance officer: when, who, the policy file's SHA-256, and counts by
--   class and month as JSON. No personal data.
-- * retention_permit: a row exists only inside a retention purge's own transaction (inserted
--   and deleted before it commits). The append-only tables (audit_log, case_status_change,
--   assessment_entry) refuse deletes unless it does, so that only a purge can remove their
--   lines. Updates are refused as before.
-- * retention_record, retention_person: scratch lists of the records and people one purge
--   removes, filled and emptied inside its transaction.
CREATE TABLE retention_report (
    id            INTEGER PRIMARY KEY,
    run_at        TEXT    NOT NULL,
    run_by        TEXT    NOT NULL,
    applied       INTEGER NOT NULL CHECK (applied IN (0, 1)),
    policy_sha256 TEXT    NOT NULL,
    counts        TEXT    NOT NULL   -- JSON array of {class, source, from, before, month, count}
);
CREATE TABLE retention_permit (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);
CREATE TABLE retention_record (
    record_id INTEGER PRIMARY KEY
);
CREATE TABLE retention_person (
    person_id INTEGER PRIMARY KEY
);

DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM retention_permit)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
DROP TRIGGER case_status_change_no_delete;
CREATE TRIGGER case_status_change_no_delete BEFORE DELETE ON case_status_change
WHEN NOT EXISTS (SELECT 1 FROM retention_permit)
BEGIN SELECT RAISE(ABORT, 'case_status_change is append-only'); END;
DROP TRIGGER assessment_entry_no_delete;
CREATE TRIGGER assessment_entry_no_delete BEFORE DELETE ON assessment_entry
WHEN NOT EXISTS (SELECT 1 FROM retention_permit)
BEGIN SELECT RAISE(ABORT, 'assessment_entry is append-only'); END;
