-- A restricted person's place in the current families when their processing was restricted
-- (the family, their role and age there): it goes at once, every view of that family withholds
-- them ("Restricted: details withheld") and exports leave the family out until the restriction
-- is lifted, which puts them back (until the next linkage run places them afresh).
-- Identity-side: shown to the person in a subject access request, erased with them.
ALTER TABLE restriction ADD COLUMN family_id INTEGER;
ALTER TABLE restriction ADD COLUMN member_role TEXT;
ALTER TABLE restriction ADD COLUMN member_age INTEGER;
