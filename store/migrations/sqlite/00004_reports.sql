-- +goose Up
-- Reports over a period and per market (issue 6): deals by recording time,
-- contracts by market and award time, lots by market, prices by time, and
-- the time each contract was paid (settlement performance).
CREATE INDEX deals_recorded ON deals(recorded_at);
CREATE INDEX contracts_market ON contracts(market_id, created_at);
CREATE INDEX contracts_created ON contracts(created_at);
CREATE INDEX lots_market ON lots(market_id, session_id);
CREATE INDEX prices_at ON prices(at);
CREATE INDEX contract_steps_paid ON contract_steps(to_status, contract_id, created_at);

-- +goose Down
DROP INDEX contract_steps_paid;
DROP INDEX prices_at;
DROP INDEX lots_market;
DROP INDEX contracts_created;
DROP INDEX contracts_market;
DROP INDEX deals_recorded;
