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
UPDATE events SET data = json_object(
    'deal', json_object(
        'id', json_extract(data, '$.deal.id'),
        'mission_id', json_extract(data, '$.deal.mission_id'),
        'seller_name', json_extract(data, '$.deal.seller_name'),
        'buyer_name', json_extract(data, '$.deal.buyer_name'),
        'seller_province', json_extract(data, '$.deal.seller_province'),
        'buyer_province', json_extract(data, '$.deal.buyer_province'),
        'commodity', json_extract(data, '$.deal.commodity'),
        'kind', json_extract(data, '$.deal.kind'),
        'quantity', json_extract(data, '$.deal.quantity'),
        'value', json_extract(data, '$.deal.value'),
        'reverses', COALESCE(json_extract(data, '$.deal.reverses'), 0),
        'recorded_at', json_extract(data, '$.deal.recorded_at')),
    'total_value', json_extract(data, '$.total_value'),
    'count', json_extract(data, '$.count'))
WHERE topic LIKE 'mission:%' AND kind = 'deal';
UPDATE events SET data = json_object('deal_id', json_extract(data, '$.deal_id'))
WHERE topic LIKE 'mission:%' AND kind = 'validation';

-- +goose Down
DELETE FROM events WHERE topic LIKE 'mission-staff:%';
ALTER TABLE mission_participants DROP COLUMN decided_at;
ALTER TABLE mission_participants DROP COLUMN decided_by;
ALTER TABLE mission_participants DROP COLUMN status;
