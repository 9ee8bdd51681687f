-- +goose Up
-- A user's watchlist: lots and sessions it follows (kind 'lot' or
-- 'session', target_id the lot's or session's id). notified_at is when the
-- user was told that it opens soon (0: not yet): each is told once.
CREATE TABLE watchlist (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('lot','session')),
    target_id   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    notified_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind, target_id)
);
-- Who watches a lot or a session, among those not yet told.
CREATE INDEX watchlist_due ON watchlist(kind, target_id) WHERE notified_at = 0;

-- +goose Down
DROP TABLE watchlist;
