-- Hearth store (SQLite): changing the family plan after it is written (issue 11).
--
-- * A goal's text and an action's text, owner and due date can be changed, an action marked
--   done, and a goal or action removed with a reason. The plan's rows hold what stands now;
--   plan_change keeps every change (the field, what it was, what it became, why, who and
--   when) and is append-only, so the history is never rewritten. A removed goal or action
--   keeps its row, marked with when it was removed.
-- * Ending someone's involvement in the team around the family sets its "to" date once.

ALTER TABLE plan_goal ADD COLUMN removed_at TEXT;
ALTER TABLE plan_action ADD COLUMN removed_at TEXT;

CREATE TABLE plan_change (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    family_id  INTEGER NOT NULL,
    goal_id    INTEGER NOT NULL REFERENCES plan_goal (id),
    action_id  INTEGER REFERENCES plan_action (id),      -- NULL: a change of the goal
    field      TEXT NOT NULL CHECK (field IN ('goal', 'action', 'owner', 'due_on', 'done_on', 'removed')),
    old_value  TEXT NOT NULL,
    new_value  TEXT NOT NULL,
    reason     TEXT NOT NULL,
    changed_by INTEGER NOT NULL REFERENCES web_user (id),
    changed_at TEXT NOT NULL
);
CREATE INDEX plan_change_family ON plan_change (family_id);

CREATE TRIGGER plan_change_no_update BEFORE UPDATE ON plan_change
BEGIN SELECT RAISE(ABORT, 'plan_change is append-only'); END;
CREATE TRIGGER plan_change_no_delete BEFORE DELETE ON plan_change
BEGIN SELECT RAISE(ABORT, 'plan_change is append-only'); END;
