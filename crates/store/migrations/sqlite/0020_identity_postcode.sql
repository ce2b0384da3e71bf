-- Identities by postcode: the people recorded at an attached family's home (issue 12: the
-- Outcomes Plan's joiners, `hearth outcomes`). Identity-side, like the column it indexes.
CREATE INDEX identity_postcode ON identity (postcode);
