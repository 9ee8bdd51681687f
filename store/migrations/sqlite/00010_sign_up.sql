-- +goose Up
-- Self sign-up: a business registers itself with its identifiers and bank
-- account for refunds, confirms its email address, uploads identity and
-- business documents (files outside the database; rows here), and waits
-- for the organizer or agency of its province to verify it.
ALTER TABLE organizations ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN nib TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN npwp TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN bank_account TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN bank_holder TEXT NOT NULL DEFAULT '';
-- review_requested_at > 0: waiting for a decision since then (unix seconds);
-- review_refused: the reason of the last refusal ('' when none).
ALTER TABLE organizations ADD COLUMN review_requested_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN review_refused TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN reviewed_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN reviewed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX organizations_review ON organizations(province, review_requested_at) WHERE review_requested_at > 0;
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_confirmed_at BIGINT NOT NULL DEFAULT 0;
-- Users made by staff before sign-up existed were vouched for by them.
UPDATE users SET email_confirmed_at = created_at;
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations(id),
    uploaded_by  BIGINT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('identity','business')),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX documents_org ON documents(org_id, id);

-- +goose Down
DROP TABLE documents;
ALTER TABLE users DROP COLUMN email_confirmed_at;
ALTER TABLE users DROP COLUMN phone;
DROP INDEX organizations_review;
ALTER TABLE organizations DROP COLUMN reviewed_at;
ALTER TABLE organizations DROP COLUMN reviewed_by;
ALTER TABLE organizations DROP COLUMN review_refused;
ALTER TABLE organizations DROP COLUMN review_requested_at;
ALTER TABLE organizations DROP COLUMN bank_holder;
ALTER TABLE organizations DROP COLUMN bank_account;
ALTER TABLE organizations DROP COLUMN bank_name;
ALTER TABLE organizations DROP COLUMN npwp;
ALTER TABLE organizations DROP COLUMN nib;
ALTER TABLE organizations DROP COLUMN city;
