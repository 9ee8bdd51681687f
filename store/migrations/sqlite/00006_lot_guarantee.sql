-- +goose Up
-- Every lot carries a fixed guarantee (uang jaminan), announced before
-- bidding: by default ceil(market deposit ratio × reserve × quantity),
-- public figures only. A bid's deposit check and the commitments it holds
-- use this amount, never a bid's price, proxy maximum or limit (see
-- docs/deposits.md). Existing lots get the default; open commitments are
-- restated as their lot's guarantee.
ALTER TABLE lots ADD COLUMN guarantee BIGINT NOT NULL DEFAULT 0;
UPDATE lots SET guarantee = (
    SELECT (lots.reserve * lots.quantity / 10000) * m.deposit_ratio_bps
         + ((lots.reserve * lots.quantity) % 10000 * m.deposit_ratio_bps + 9999) / 10000
    FROM markets m WHERE m.id = lots.market_id);
UPDATE commitments SET value = (SELECT l.guarantee FROM lots l WHERE l.id = commitments.lot_id);
-- Sealed lots and call lots keep their count of bids hidden until close:
-- the closing step writes it.
UPDATE lots SET bid_count = 0
    WHERE status NOT IN ('sold', 'unsold') AND mechanism IN ('sealed_first', 'sealed_second', 'call');

-- +goose Down
ALTER TABLE lots DROP COLUMN guarantee;
