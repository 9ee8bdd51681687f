-- +goose Up
CREATE TABLE markets (
    id                 INTEGER PRIMARY KEY,
    organizer_org_id   BIGINT NOT NULL REFERENCES organizations(id),
    name               TEXT NOT NULL,
    province           TEXT NOT NULL,
    fee_buyer_bps      BIGINT NOT NULL DEFAULT 0,
    fee_seller_bps     BIGINT NOT NULL DEFAULT 0,
    fee_buyer_per_ton  BIGINT NOT NULL DEFAULT 0,
    fee_seller_per_ton BIGINT NOT NULL DEFAULT 0,
    deposit_ratio_bps  BIGINT NOT NULL,
    mechanisms         TEXT NOT NULL,
    created_at         BIGINT NOT NULL
);
CREATE TABLE auction_sessions (
    id                 INTEGER PRIMARY KEY,
    organizer_org_id   BIGINT NOT NULL REFERENCES organizations(id),
    title              TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('spot','forward')),
    delivery_date      TEXT NOT NULL DEFAULT '',
    starts_at          BIGINT NOT NULL,
    ends_at            BIGINT NOT NULL,
    soft_close_seconds BIGINT NOT NULL DEFAULT 0,
    max_extensions     BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL
);
CREATE TABLE session_markets (
    session_id BIGINT NOT NULL REFERENCES auction_sessions(id),
    market_id  BIGINT NOT NULL REFERENCES markets(id),
    PRIMARY KEY (session_id, market_id)
);
CREATE TABLE lots (
    id                INTEGER PRIMARY KEY,
    session_id        BIGINT NOT NULL REFERENCES auction_sessions(id),
    market_id         BIGINT NOT NULL REFERENCES markets(id),
    seller_org_id     BIGINT NOT NULL REFERENCES organizations(id),
    commodity         TEXT NOT NULL REFERENCES commodities(code),
    grade             TEXT NOT NULL,
    quantity          BIGINT NOT NULL CHECK (quantity > 0),
    origin            TEXT NOT NULL DEFAULT '',
    warehouse_receipt TEXT NOT NULL DEFAULT '',
    delivery_terms    TEXT NOT NULL DEFAULT '',
    mechanism         TEXT NOT NULL,
    reserve           BIGINT NOT NULL CHECK (reserve > 0),
    increment         BIGINT NOT NULL DEFAULT 0,
    dutch_start       BIGINT NOT NULL DEFAULT 0,
    dutch_step        BIGINT NOT NULL DEFAULT 0,
    dutch_tick_ms     BIGINT NOT NULL DEFAULT 0,
    status            TEXT NOT NULL,
    reason            TEXT NOT NULL DEFAULT '',
    starts_at         BIGINT NOT NULL DEFAULT 0,
    ends_at           BIGINT NOT NULL DEFAULT 0,
    extensions        BIGINT NOT NULL DEFAULT 0,
    leader_org_id     BIGINT NOT NULL DEFAULT 0,
    leader_max        BIGINT NOT NULL DEFAULT 0,
    price             BIGINT NOT NULL DEFAULT 0,
    bid_count         BIGINT NOT NULL DEFAULT 0,
    winner_org_id     BIGINT NOT NULL DEFAULT 0,
    award_price       BIGINT NOT NULL DEFAULT 0,
    sold_quantity     BIGINT NOT NULL DEFAULT 0,
    closed_at         BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL
);
CREATE INDEX lots_closing ON lots(status, ends_at);
CREATE INDEX lots_session ON lots(session_id);
CREATE INDEX lots_seller ON lots(seller_org_id);
CREATE TABLE bids (
    id            INTEGER PRIMARY KEY,
    lot_id        BIGINT NOT NULL REFERENCES lots(id),
    bidder_org_id BIGINT NOT NULL REFERENCES organizations(id),
    user_id       BIGINT NOT NULL,
    side          TEXT NOT NULL DEFAULT 'buy',
    price         BIGINT NOT NULL,
    max_price     BIGINT NOT NULL DEFAULT 0,
    quantity      BIGINT NOT NULL DEFAULT 0,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL
);
CREATE INDEX bids_lot ON bids(lot_id, id);
CREATE INDEX bids_bidder ON bids(bidder_org_id);
CREATE TABLE deposit_accounts (
    market_id BIGINT NOT NULL REFERENCES markets(id),
    org_id    BIGINT NOT NULL REFERENCES organizations(id),
    balance   BIGINT NOT NULL DEFAULT 0,
    locked    BIGINT NOT NULL DEFAULT 0,
    forfeited BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (market_id, org_id)
);
CREATE TABLE deposit_entries (
    id          INTEGER PRIMARY KEY,
    market_id   BIGINT NOT NULL,
    org_id      BIGINT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('deposit','refund','lock','unlock','forfeit')),
    amount      BIGINT NOT NULL,
    contract_id BIGINT NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    actor_id    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX deposit_entries_account ON deposit_entries(market_id, org_id, id);
CREATE TABLE commitments (
    lot_id    BIGINT NOT NULL,
    org_id    BIGINT NOT NULL,
    market_id BIGINT NOT NULL,
    value     BIGINT NOT NULL,
    PRIMARY KEY (lot_id, org_id)
);
CREATE INDEX commitments_account ON commitments(market_id, org_id);
CREATE TABLE contracts (
    id             INTEGER PRIMARY KEY,
    lot_id         BIGINT NOT NULL REFERENCES lots(id),
    market_id      BIGINT NOT NULL,
    buyer_org_id   BIGINT NOT NULL,
    seller_org_id  BIGINT NOT NULL,
    commodity      TEXT NOT NULL,
    grade          TEXT NOT NULL,
    quantity       BIGINT NOT NULL,
    price          BIGINT NOT NULL,
    value          BIGINT NOT NULL,
    buyer_fee      BIGINT NOT NULL,
    seller_fee     BIGINT NOT NULL,
    deposit_locked BIGINT NOT NULL,
    adjustment     BIGINT NOT NULL DEFAULT 0,
    status         TEXT NOT NULL,
    payment_due    BIGINT NOT NULL,
    delivery_due   BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX contracts_lot ON contracts(lot_id);
CREATE INDEX contracts_buyer ON contracts(buyer_org_id);
CREATE INDEX contracts_seller ON contracts(seller_org_id);
CREATE TABLE contract_steps (
    id          INTEGER PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    actor_id    BIGINT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    adjustment  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE INDEX contract_steps_contract ON contract_steps(contract_id, id);
CREATE TABLE prices (
    id         INTEGER PRIMARY KEY,
    lot_id     BIGINT NOT NULL,
    commodity  TEXT NOT NULL,
    grade      TEXT NOT NULL,
    province   TEXT NOT NULL,
    price      BIGINT NOT NULL,
    quantity   BIGINT NOT NULL,
    mechanism  TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX prices_series ON prices(commodity, grade, province, at);

-- +goose Down
DROP TABLE prices;
DROP TABLE contract_steps;
DROP TABLE contracts;
DROP TABLE commitments;
DROP TABLE deposit_entries;
DROP TABLE deposit_accounts;
DROP TABLE bids;
DROP TABLE lots;
DROP TABLE session_markets;
DROP TABLE auction_sessions;
DROP TABLE markets;
