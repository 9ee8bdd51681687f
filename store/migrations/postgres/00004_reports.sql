-- +goose Up
-- Reports over a period and per market (issue 6): deals by recording time,
-- contracts by market and award time, lots by market, prices by time.
CREATE INDEX deals_recorded ON deals(recorded_at);
CREATE INDEX contracts_market ON contracts(market_id, created_at);
CREATE INDEX contracts_created ON contracts(created_at);
CREATE INDEX lots_market ON lots(market_id, session_id);
CREATE INDEX prices_at ON prices(at);

-- +goose Down
DROP INDEX prices_at;
DROP INDEX lots_market;
DROP INDEX contracts_created;
DROP INDEX contracts_market;
DROP INDEX deals_recorded;
