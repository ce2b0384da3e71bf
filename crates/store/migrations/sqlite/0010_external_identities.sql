-- Hearth store, migration 10 (SQLite): accounts signed in through single sign-on.
--
-- An OpenID Connect identity (the provider's issuer and its never-reassigned subject) linked
-- to the Hearth account it signs in as. The account was created at its first sign-in; its
-- role follows the provider's groups at every sign-in. No name, e-mail address or group is
-- kept here: the account holds what Hearth shows.
CREATE TABLE web_user_identity (
    issuer          TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES web_user (id) ON DELETE CASCADE,
    created_at      TEXT    NOT NULL,
    last_sign_in_at TEXT    NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX web_user_identity_user ON web_user_identity (user_id);
