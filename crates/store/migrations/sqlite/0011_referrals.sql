-- Referrals to the programme (Trafford's process): a partner's referral, the people it
-- names, the linked people they matched, and the performance officer's double check.
-- Identifiers (the members' names, dates of birth and addresses) live in `referral_member`
-- only; `referral` holds the facts (problems and evidence, consent, channel, status).
CREATE TABLE referral (
    referral_id       INTEGER PRIMARY KEY,
    -- The partner account whose referral it is (null: entered by a performance officer
    -- for a referrer who sent it by email, post or phone).
    referrer_user_id  INTEGER,
    entered_by        TEXT    NOT NULL,   -- account name of whoever typed or imported it
    agency            TEXT    NOT NULL,   -- the referrer's organisation
    referrer_name     TEXT    NOT NULL,
    referrer_email    TEXT    NOT NULL,
    referrer_phone    TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    submitted_at      TEXT    NOT NULL,
    consent           TEXT    NOT NULL,
    problems          TEXT    NOT NULL,   -- JSON: [{"key", "evidence"}]
    criteria_met      INTEGER NOT NULL,
    matches           TEXT    NOT NULL,   -- JSON: each member's matched person (keys only)
    flags             TEXT    NOT NULL,   -- JSON: known family, open case, duplicate
    status            TEXT    NOT NULL
        CHECK (status IN ('submitted', 'accepted', 'returned')),
    -- Counts decisions: a decision is written only on the version it was made from, so
    -- that of two officers deciding at once one wins and the other is told.
    version           INTEGER NOT NULL,
    decided_by        TEXT,
    decided_at        TEXT,
    return_reason     TEXT,
    decision_note     TEXT,
    family_id         INTEGER                -- the known family it entered the programme as
);
CREATE INDEX referral_referrer ON referral (referrer_user_id);
CREATE INDEX referral_status ON referral (status);

CREATE TABLE referral_member (
    referral_id   INTEGER NOT NULL REFERENCES referral (referral_id),
    position      INTEGER NOT NULL,
    given_name    TEXT    NOT NULL,
    family_name   TEXT    NOT NULL,
    date_of_birth TEXT    NOT NULL,
    address       TEXT    NOT NULL,
    postcode      TEXT,
    relationship  TEXT    NOT NULL,
    match_key     TEXT    NOT NULL,      -- names and date of birth, normalised: duplicates
    PRIMARY KEY (referral_id, position)
);
CREATE INDEX referral_member_key ON referral_member (match_key);

-- The linked people a referral's members matched (person keys only), for finding earlier
-- referrals of the same people.
CREATE TABLE referral_person (
    referral_id INTEGER NOT NULL REFERENCES referral (referral_id),
    person_id   INTEGER NOT NULL,
    PRIMARY KEY (referral_id, person_id)
);
CREATE INDEX referral_person_person ON referral_person (person_id);
