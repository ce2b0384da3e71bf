-- Retention and destruction (issue 13). See the SQLite script for the tables' meaning.
CREATE TABLE retention_report (
    id            BIGSERIAL PRIMARY KEY,
    run_at        TEXT    NOT NULL,
    run_by        TEXT    NOT NULL,
    applied       BIGINT  NOT NULL CHECK (applied IN (0, 1)),
    policy_sha256 TEXT    NOT NULL,
    counts        TEXT    NOT NULL
);
CREATE TABLE retention_permit (
    id BIGINT PRIMARY KEY CHECK (id = 1)
);
CREATE TABLE retention_record (
    record_id BIGINT PRIMARY KEY
);
CREATE TABLE retention_person (
    person_id BIGINT PRIMARY KEY
);

-- Deletes pass only while a purge holds the permit (in its own transaction); updates never.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM retention_permit) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE OR REPLACE FUNCTION hearth_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM retention_permit) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
