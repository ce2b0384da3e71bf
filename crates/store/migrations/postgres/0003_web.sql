-- Hearth store, migration 3 (PostgreSQL): the web application's tables.
--
-- Accounts, sessions, sign-in failures (for throttling), the append-only audit log, and each
-- family's case (status, lead worker, notes). Times are RFC 3339 text in UTC with
-- microseconds, so that they sort as text. Session tokens are stored as SHA-256 digests only.

CREATE TABLE web_user (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_name     TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('referrer', 'lead_worker', 'performance_officer',
                                                   'data_analyst', 'ig_officer', 'administrator')),
    password_hash TEXT    NOT NULL,   -- PHC string (argon2id)
    active        BIGINT  NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT    NOT NULL
);

CREATE TABLE web_session (
    token_sha256 TEXT    PRIMARY KEY,  -- hex SHA-256 of the cookie's token; never the token
    user_id      BIGINT  NOT NULL REFERENCES web_user (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL
);
CREATE INDEX web_session_user ON web_session (user_id);

CREATE TABLE sign_in_failure (
    user_name TEXT NOT NULL,           -- as typed (lower-cased), known account or not
    failed_at TEXT NOT NULL
);
CREATE INDEX sign_in_failure_user ON sign_in_failure (user_name, failed_at);

-- Who saw or changed what, when and from where. Rows are never updated nor deleted.
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TEXT    NOT NULL,
    user_id     BIGINT,
    user_name   TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    target_kind TEXT    NOT NULL,      -- e.g. family, user, session
    target_id   TEXT    NOT NULL,
    client_ip   TEXT    NOT NULL,
    detail      TEXT    NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The work with a family. A family without a row here is 'identified' with no lead worker.
CREATE TABLE family_case (
    family_id           BIGINT PRIMARY KEY,
    status              TEXT    NOT NULL CHECK (status IN ('identified', 'referred', 'engaged',
                                                          'in_progress', 'closed')),
    lead_worker_user_id BIGINT REFERENCES web_user (id),
    updated_at          TEXT    NOT NULL,
    updated_by          TEXT    NOT NULL
);
CREATE INDEX family_case_lead_worker ON family_case (lead_worker_user_id);

CREATE TABLE case_note (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id      BIGINT NOT NULL,
    author_user_id BIGINT NOT NULL REFERENCES web_user (id),
    written_at     TEXT   NOT NULL,
    body           TEXT   NOT NULL
);
CREATE INDEX case_note_family ON case_note (family_id);
