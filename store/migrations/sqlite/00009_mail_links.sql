-- +goose Up
-- The outbox: mail is queued in the same transaction as what it tells, so
-- an acknowledged write never loses its message, and a mailer sends it
-- later with retries; a mail server that is down delays mail, never drops
-- it. claimed_until lets any number of instances share the queue: a claim
-- that outlives its instance expires and the message is sent again (at
-- least once).
CREATE TABLE mail_outbox (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    to_addr       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    sent_at       BIGINT NOT NULL DEFAULT 0,
    failed_at     BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_at) WHERE sent_at = 0 AND failed_at = 0;
-- A link mailed to a user (reset a password, confirm an address) carries a
-- random token; only its hash is kept. It works once, for its purpose,
-- before it expires.
CREATE TABLE user_links (
    hash       TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset','confirm_email')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX user_links_user ON user_links(user_id, purpose, created_at);

-- +goose Down
DROP TABLE user_links;
DROP TABLE mail_outbox;
