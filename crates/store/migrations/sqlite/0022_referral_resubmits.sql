-- "Correct and send again": a referral the performance officer returned may be corrected and
-- sent again, once, as a new referral that names the one it resubmits (the returned one stays
-- as it was decided). The unique index lets each returned referral be sent again only once;
-- the referral that was sent again is found through it ("Sent again as referral N").
ALTER TABLE referral ADD COLUMN resubmits INTEGER REFERENCES referral (referral_id);
CREATE UNIQUE INDEX referral_resubmits ON referral (resubmits);
