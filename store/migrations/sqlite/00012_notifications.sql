-- +goose Up
-- Notifications: what a user is told (outbid, won or lost, deposit
-- credited, verification decided, meeting requested or answered, deal
-- validated or disputed). A row per user, written in the transaction of
-- the rule that decided it, rendered in the reader's language from its
-- kind and params (JSON); mail_state says whether it still has to be
-- mailed ('pending'), was ('queued'), or is not to be ('none').
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    params     TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at    BIGINT NOT NULL DEFAULT 0,
    mail_state TEXT NOT NULL DEFAULT 'none' CHECK (mail_state IN ('none','pending','queued'))
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_mail ON notifications(id) WHERE mail_state = 'pending';
-- What each user wants, per kind; a kind without a row takes its default.
CREATE TABLE notification_prefs (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    in_app  BOOLEAN NOT NULL,
    email   BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);
-- How far the outbid notifier has read the events table (one row).
CREATE TABLE notifier_cursor (
    name     TEXT PRIMARY KEY,
    event_id BIGINT NOT NULL
);
-- It starts at the newest event: nobody is told of old outbids.
INSERT INTO notifier_cursor (name, event_id) SELECT 'outbid', COALESCE(MAX(id), 0) FROM events;

-- +goose Down
DROP TABLE notifier_cursor;
DROP TABLE notification_prefs;
DROP TABLE notifications;
