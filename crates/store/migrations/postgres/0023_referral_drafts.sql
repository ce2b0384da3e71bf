-- Referral forms part-filled ("Add another member", "Check the criteria"), kept between the
-- form's post and the page the browser is then sent to, so that they outlive a restart of
-- the server. Only for the account that typed them (`user_id`), found by the SHA-256 of a
-- random token (never the token), deleted once older than the web application keeps them
-- (two hours). `input` is the form's fields as JSON, which the store does not interpret.
CREATE TABLE referral_draft (
    token_sha256 TEXT    PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES web_user (id) ON DELETE CASCADE,
    form         TEXT    NOT NULL,
    input        TEXT    NOT NULL,
    focus        TEXT,
    created_at   TEXT    NOT NULL
);
CREATE INDEX referral_draft_created ON referral_draft (created_at);
