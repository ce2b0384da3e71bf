-- Where a family lives, coarsely: its household's postcode sector (e.g. `WA7 2`), for the
-- families list's area filter and counts by area. Families written before this version have
-- none until the next linkage run.
ALTER TABLE family ADD COLUMN area TEXT;

-- The clocks of a case, from which a lead worker's caseload shows what is due: when the
-- status last changed, and when the current lead worker was assigned (null: none is).
-- Cases written before this version start both clocks at their last change.
ALTER TABLE family_case ADD COLUMN status_since TEXT;
ALTER TABLE family_case ADD COLUMN assigned_at TEXT;
UPDATE family_case SET status_since = updated_at;
UPDATE family_case SET assigned_at = updated_at WHERE lead_worker_user_id IS NOT NULL;
