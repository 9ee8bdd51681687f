-- +goose Up
-- A business that joins a delegation waits for the approval of that
-- delegation's agency (or the mission's staff). Existing participants were
-- admitted under the old rules: they are approved.
ALTER TABLE mission_participants ADD COLUMN status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','refused'));
ALTER TABLE mission_participants ADD COLUMN decided_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mission_participants ADD COLUMN decided_at BIGINT NOT NULL DEFAULT 0;
UPDATE mission_participants SET status = 'approved', decided_at = created_at;
-- The public mission stream carried whole ledger entries (notes, reversal
-- reasons, who recorded them). The staff stream gets the full history; the
-- public one keeps only what the public board shows.
INSERT INTO events (topic, kind, data, at)
    SELECT 'mission-staff:' || substr(topic, 9), kind, data, at FROM events WHERE topic LIKE 'mission:%' ORDER BY id;
UPDATE events SET data = json_build_object(
    'deal', json_build_object(
        'id', data::json->'deal'->'id',
        'mission_id', data::json->'deal'->'mission_id',
        'seller_name', data::json->'deal'->'seller_name',
        'buyer_name', data::json->'deal'->'buyer_name',
        'seller_province', data::json->'deal'->'seller_province',
        'buyer_province', data::json->'deal'->'buyer_province',
        'commodity', data::json->'deal'->'commodity',
        'kind', data::json->'deal'->'kind',
        'quantity', data::json->'deal'->'quantity',
        'value', data::json->'deal'->'value',
        'reverses', COALESCE(data::json->'deal'->'reverses', '0'::json),
        'recorded_at', data::json->'deal'->'recorded_at'),
    'total_value', data::json->'total_value',
    'count', data::json->'count')::text
WHERE topic LIKE 'mission:%' AND kind = 'deal';
UPDATE events SET data = json_build_object('deal_id', data::json->'deal_id')::text
WHERE topic LIKE 'mission:%' AND kind = 'validation';

-- +goose Down
DELETE FROM events WHERE topic LIKE 'mission-staff:%';
ALTER TABLE mission_participants DROP COLUMN decided_at;
ALTER TABLE mission_participants DROP COLUMN decided_by;
ALTER TABLE mission_participants DROP COLUMN status;
