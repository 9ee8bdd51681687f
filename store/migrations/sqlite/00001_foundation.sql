-- +goose Up
CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('agency','organizer','business','bank','guarantor')),
    province   TEXT NOT NULL,
    verified   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','agency','organizer','business','bank','public')),
    org_id        BIGINT NOT NULL REFERENCES organizations(id),
    lang          TEXT NOT NULL DEFAULT 'id',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('session','api')),
    name       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE commodities (
    code    TEXT PRIMARY KEY,
    name_id TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit    TEXT NOT NULL,
    grades  TEXT NOT NULL
);
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor_id  BIGINT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    before    TEXT NOT NULL,
    after     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
CREATE TABLE idempotency (
    key        TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    op         TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE events (
    id    INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    kind  TEXT NOT NULL,
    data  TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX events_topic ON events(topic, id);

-- +goose Down
DROP TABLE events;
DROP TABLE idempotency;
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE commodities;
DROP TABLE tokens;
DROP TABLE users;
DROP TABLE organizations;
