-- +goose Up
-- Where buyers pay guarantee deposits in: the organizer's bank account,
-- shown with each buyer's payment reference (see docs/deposits.md).
ALTER TABLE markets ADD COLUMN pay_bank TEXT NOT NULL DEFAULT '';
ALTER TABLE markets ADD COLUMN pay_account TEXT NOT NULL DEFAULT '';
ALTER TABLE markets ADD COLUMN pay_holder TEXT NOT NULL DEFAULT '';
-- Every bank statement line a reconciliation credited, by its stable
-- identity (the bank's transaction id, or a hash of date, amount,
-- description and balance): the unique key is what makes a re-imported
-- statement credit nothing twice.
CREATE TABLE statement_credits (
    id          INTEGER PRIMARY KEY,
    market_id   BIGINT NOT NULL REFERENCES markets(id),
    line_key    TEXT NOT NULL,
    org_id      BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    booked_on   TEXT NOT NULL,
    description TEXT NOT NULL,
    entry_id    BIGINT NOT NULL,
    actor_id    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (market_id, line_key)
);

-- +goose Down
DROP TABLE statement_credits;
ALTER TABLE markets DROP COLUMN pay_holder;
ALTER TABLE markets DROP COLUMN pay_account;
ALTER TABLE markets DROP COLUMN pay_bank;
