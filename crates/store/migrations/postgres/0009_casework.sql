-- Hearth store, migration 8 (PostgreSQL): the case's life and the work with a family (issue 11).
--
-- * Case statuses follow the work: identified or referred → contacted → agreed to take part →
--   assessed → plan in place → reviews → closed (with a closing reason). Stored keys of the
--   old vocabulary become the new: 'referred' (its label said "contacted, and referred to the
--   programme") → 'contacted', 'engaged' → 'agreed', 'in_progress' → 'plan_in_place'.
-- * Each case keeps its closing reason and its lead worker's home service.
-- * case_status_change: every status a case has had, who moved it, when and why. Append-only,
--   like the audit log; a case stored before this version gets one row for where it stands.
-- * The whole-family assessment, the family plan (goals tied to a measure of the Outcomes
--   Plan, actions, reviews), the team around the family and the family progress data.
--   Assessment entries, plan reviews and progress readings are append-only (the latest entry
--   for a member and problem is the current assessment; earlier ones are its versions).
--   Measure and problem keys come from the council's rules files; they are not checked here.

ALTER TABLE family_case DROP CONSTRAINT family_case_status_check;
UPDATE family_case SET status = CASE status WHEN 'referred' THEN 'contacted'
    WHEN 'engaged' THEN 'agreed' WHEN 'in_progress' THEN 'plan_in_place' ELSE status END;
ALTER TABLE family_case ADD CONSTRAINT family_case_status_check
    CHECK (status IN ('identified', 'referred', 'contacted', 'agreed', 'assessed',
                                                   'plan_in_place', 'reviewing', 'closed'));
ALTER TABLE family_case ADD COLUMN close_reason TEXT CONSTRAINT family_case_close_reason_check
    CHECK (close_reason IN ('progress_achieved', 'declined', 'moved_away',
                                                           'stepped_up', 'disengaged', 'no_longer_eligible'));
ALTER TABLE family_case ADD COLUMN home_service TEXT; -- the lead worker's home service

CREATE TABLE case_status_change (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id    BIGINT NOT NULL,
    from_status  TEXT,                 -- null: the case began
    to_status    TEXT NOT NULL,
    close_reason TEXT,
    reason       TEXT NOT NULL DEFAULT '',
    changed_by   TEXT NOT NULL,        -- account name, as family_case.updated_by
    changed_at   TEXT NOT NULL
);
CREATE INDEX case_status_change_family ON case_status_change (family_id, id);
INSERT INTO case_status_change (family_id, from_status, to_status, close_reason, reason,
                                changed_by, changed_at)
SELECT family_id, NULL, status, close_reason, 'Recorded before the history was kept',
       updated_by, COALESCE(status_since, updated_at)
FROM family_case;

CREATE TABLE assessment_entry (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id     BIGINT NOT NULL,
    person_id     BIGINT,                 -- null: the family as a whole
    problem_key   TEXT NOT NULL,
    happening     TEXT NOT NULL,
    strengths     TEXT NOT NULL,
    needs         TEXT NOT NULL,
    evidence_seen TEXT NOT NULL,
    written_by    BIGINT NOT NULL REFERENCES web_user (id),
    written_at    TEXT NOT NULL
);
CREATE INDEX assessment_entry_family ON assessment_entry (family_id, id);

CREATE TABLE plan_goal (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id   BIGINT NOT NULL,
    problem_key TEXT NOT NULL,
    measure_key TEXT NOT NULL,         -- a measure of the Outcomes Plan
    goal        TEXT NOT NULL,
    set_by      BIGINT NOT NULL REFERENCES web_user (id),
    set_at      TEXT NOT NULL
);
CREATE INDEX plan_goal_family ON plan_goal (family_id);

CREATE TABLE plan_action (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id BIGINT NOT NULL,
    goal_id   BIGINT NOT NULL REFERENCES plan_goal (id),
    action    TEXT NOT NULL,
    owner     TEXT NOT NULL,           -- a person or an agency
    due_on    TEXT NOT NULL,           -- YYYY-MM-DD
    done_on   TEXT,
    added_by  BIGINT NOT NULL REFERENCES web_user (id),
    added_at  TEXT NOT NULL
);
CREATE INDEX plan_action_family ON plan_action (family_id);

CREATE TABLE plan_review (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id    BIGINT NOT NULL,
    reviewed_on  TEXT NOT NULL,
    what_changed TEXT NOT NULL,
    reviewed_by  BIGINT NOT NULL REFERENCES web_user (id),
    recorded_at  TEXT NOT NULL
);
CREATE INDEX plan_review_family ON plan_review (family_id);

CREATE TABLE team_member (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id BIGINT NOT NULL,
    name      TEXT NOT NULL,           -- a practitioner (staff, not a family member)
    agency    TEXT NOT NULL,
    role      TEXT NOT NULL,
    from_on   TEXT NOT NULL,
    to_on     TEXT,
    added_by  BIGINT NOT NULL REFERENCES web_user (id),
    added_at  TEXT NOT NULL
);
CREATE INDEX team_member_family ON team_member (family_id);

CREATE TABLE progress_reading (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id   BIGINT NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('start', 'review', 'exit')),
    read_on     TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES web_user (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX progress_reading_family ON progress_reading (family_id);

CREATE TABLE progress_position (
    reading_id  BIGINT NOT NULL REFERENCES progress_reading (id),
    measure_key TEXT NOT NULL,
    position    BIGINT NOT NULL CHECK (position BETWEEN 1 AND 10),
    PRIMARY KEY (reading_id, measure_key)
);

CREATE FUNCTION hearth_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
CREATE TRIGGER case_status_change_append_only BEFORE UPDATE OR DELETE ON case_status_change
FOR EACH ROW EXECUTE FUNCTION hearth_append_only();
CREATE TRIGGER assessment_entry_append_only BEFORE UPDATE OR DELETE ON assessment_entry
FOR EACH ROW EXECUTE FUNCTION hearth_append_only();
