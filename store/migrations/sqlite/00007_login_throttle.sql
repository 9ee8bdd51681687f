-- +goose Up
-- Failed sign-ins are counted per (email, source) instead of per account:
-- an attacker's failures from one address slow down that address only,
-- and never lock the account's owner out. The hard lock on users goes.
-- email is the normalized address as typed, known or not, so an unknown
-- address is throttled exactly like a known one.
CREATE TABLE login_throttle (
    email         TEXT NOT NULL,
    source        TEXT NOT NULL,
    failures      INTEGER NOT NULL,
    last_at       BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (email, source)
);
CREATE INDEX login_throttle_last ON login_throttle(last_at);
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;

-- +goose Down
ALTER TABLE users ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
DROP TABLE login_throttle;
