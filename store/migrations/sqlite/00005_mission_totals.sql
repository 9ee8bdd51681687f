-- +goose Up
-- Running totals of each mission's deal ledger, kept on the mission row in
-- the transaction that writes each entry (under the mission row lock), so
-- recording a deal no longer sums the whole ledger. The ledger stays the
-- source of truth: deal_total is SUM(value), deal_count counts entries
-- with reverses IS NULL +1 and reversing entries -1.
ALTER TABLE missions ADD COLUMN deal_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE missions ADD COLUMN deal_count BIGINT NOT NULL DEFAULT 0;
UPDATE missions SET
    deal_total = COALESCE((SELECT SUM(d.value) FROM deals d WHERE d.mission_id = missions.id), 0),
    deal_count = COALESCE((SELECT SUM(CASE WHEN d.reverses IS NULL THEN 1 ELSE -1 END) FROM deals d WHERE d.mission_id = missions.id), 0);

-- +goose Down
ALTER TABLE missions DROP COLUMN deal_count;
ALTER TABLE missions DROP COLUMN deal_total;
