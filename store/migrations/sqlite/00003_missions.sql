-- +goose Up
CREATE TABLE missions (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    host_province TEXT NOT NULL,
    venue         TEXT NOT NULL,
    agency_id     BIGINT NOT NULL REFERENCES organizations(id),
    opens_at      BIGINT NOT NULL,
    closes_at     BIGINT NOT NULL,
    target_value  BIGINT NOT NULL DEFAULT 0 CHECK (target_value >= 0),
    status        TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','open','closed')),
    request_ttl   BIGINT NOT NULL CHECK (request_ttl > 0),
    created_by    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX missions_opens ON missions(opens_at);
CREATE TABLE mission_guests (
    mission_id BIGINT NOT NULL REFERENCES missions(id),
    province   TEXT NOT NULL,
    PRIMARY KEY (mission_id, province)
);
CREATE TABLE mission_staff (
    mission_id BIGINT NOT NULL REFERENCES missions(id),
    org_id     BIGINT NOT NULL REFERENCES organizations(id),
    role       TEXT NOT NULL CHECK (role IN ('desk','validator')),
    PRIMARY KEY (mission_id, org_id, role)
);
CREATE TABLE mission_participants (
    id          INTEGER PRIMARY KEY,
    mission_id  BIGINT NOT NULL REFERENCES missions(id),
    org_id      BIGINT NOT NULL REFERENCES organizations(id),
    delegation  TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    verified    BOOLEAN NOT NULL DEFAULT FALSE,
    verified_by BIGINT NOT NULL DEFAULT 0,
    verified_at BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    UNIQUE (mission_id, org_id)
);
CREATE INDEX mission_participants_org ON mission_participants(org_id);
CREATE TABLE mission_offers (
    id               INTEGER PRIMARY KEY,
    mission_id       BIGINT NOT NULL REFERENCES missions(id),
    participant_id   BIGINT NOT NULL REFERENCES mission_participants(id),
    commodity        TEXT NOT NULL REFERENCES commodities(code),
    grade            TEXT NOT NULL DEFAULT '',
    monthly_capacity BIGINT NOT NULL CHECK (monthly_capacity > 0),
    price            BIGINT NOT NULL CHECK (price >= 0),
    note             TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL
);
CREATE INDEX mission_offers_mission ON mission_offers(mission_id, participant_id);
CREATE TABLE mission_needs (
    id             INTEGER PRIMARY KEY,
    mission_id     BIGINT NOT NULL REFERENCES missions(id),
    participant_id BIGINT NOT NULL REFERENCES mission_participants(id),
    commodity      TEXT NOT NULL REFERENCES commodities(code),
    grade          TEXT NOT NULL DEFAULT '',
    volume         BIGINT NOT NULL CHECK (volume > 0),
    target_price   BIGINT NOT NULL CHECK (target_price >= 0),
    note           TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE INDEX mission_needs_mission ON mission_needs(mission_id, participant_id);
CREATE TABLE participant_unavailability (
    id             INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES mission_participants(id),
    starts_at      BIGINT NOT NULL,
    ends_at        BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX participant_unavailability_p ON participant_unavailability(participant_id);
CREATE TABLE meeting_requests (
    id               INTEGER PRIMARY KEY,
    mission_id       BIGINT NOT NULL REFERENCES missions(id),
    from_participant BIGINT NOT NULL REFERENCES mission_participants(id),
    to_participant   BIGINT NOT NULL REFERENCES mission_participants(id),
    need_id          BIGINT REFERENCES mission_needs(id),
    offer_id         BIGINT REFERENCES mission_offers(id),
    score            INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    message          TEXT NOT NULL DEFAULT '',
    is_virtual       BOOLEAN NOT NULL DEFAULT FALSE,
    link             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('pending','accepted','declined','expired','cancelled')),
    answer           TEXT NOT NULL DEFAULT '',
    created_by       BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    answered_at      BIGINT NOT NULL DEFAULT 0,
    CHECK (from_participant <> to_participant)
);
CREATE INDEX meeting_requests_mission ON meeting_requests(mission_id, status);
CREATE INDEX meeting_requests_expiry ON meeting_requests(status, expires_at);
-- one live request per ordered pair; the reverse direction is checked in the transaction
CREATE UNIQUE INDEX meeting_requests_live ON meeting_requests(mission_id, from_participant, to_participant) WHERE status IN ('pending','accepted');
CREATE TABLE mission_schedules (
    mission_id   BIGINT PRIMARY KEY REFERENCES missions(id),
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes > 0),
    tables       INTEGER NOT NULL CHECK (tables >= 0),
    params       TEXT NOT NULL,
    unscheduled  TEXT NOT NULL,
    run_by       BIGINT NOT NULL,
    run_at       BIGINT NOT NULL
);
CREATE TABLE mission_slots (
    mission_id BIGINT NOT NULL REFERENCES missions(id),
    idx        INTEGER NOT NULL CHECK (idx >= 0),
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    PRIMARY KEY (mission_id, idx),
    CHECK (ends_at > starts_at)
);
CREATE TABLE meeting_assignments (
    request_id BIGINT PRIMARY KEY REFERENCES meeting_requests(id),
    mission_id BIGINT NOT NULL,
    slot       INTEGER NOT NULL,
    table_no   INTEGER NOT NULL CHECK (table_no >= 0),
    FOREIGN KEY (mission_id, slot) REFERENCES mission_slots(mission_id, idx)
);
CREATE INDEX meeting_assignments_mission ON meeting_assignments(mission_id, slot);
-- a table holds one meeting per slot (table 0 is virtual)
CREATE UNIQUE INDEX meeting_assignments_table ON meeting_assignments(mission_id, slot, table_no) WHERE table_no > 0;
-- a participant sits in one meeting per slot: the database refuses double booking
CREATE TABLE meeting_seats (
    mission_id     BIGINT NOT NULL,
    slot           INTEGER NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES mission_participants(id),
    request_id     BIGINT NOT NULL REFERENCES meeting_assignments(request_id),
    PRIMARY KEY (mission_id, slot, participant_id)
);
CREATE INDEX meeting_seats_request ON meeting_seats(request_id);
CREATE TABLE deals (
    id              INTEGER PRIMARY KEY,
    mission_id      BIGINT NOT NULL REFERENCES missions(id),
    seller_id       BIGINT NOT NULL REFERENCES mission_participants(id),
    buyer_id        BIGINT NOT NULL REFERENCES mission_participants(id),
    seller_province TEXT NOT NULL,
    buyer_province  TEXT NOT NULL,
    commodity       TEXT NOT NULL REFERENCES commodities(code),
    kind            TEXT NOT NULL CHECK (kind IN ('purchase','contract','commitment','investment')),
    quantity        BIGINT NOT NULL,
    value           BIGINT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    reverses        BIGINT REFERENCES deals(id),
    reason          TEXT NOT NULL DEFAULT '',
    validation      TEXT NOT NULL DEFAULT 'pending' CHECK (validation IN ('pending','validated','disputed')),
    validated_by    BIGINT NOT NULL DEFAULT 0,
    validated_at    BIGINT NOT NULL DEFAULT 0,
    validation_note TEXT NOT NULL DEFAULT '',
    recorded_by     BIGINT NOT NULL,
    recorded_org    BIGINT NOT NULL,
    recorded_at     BIGINT NOT NULL,
    idempotency_key TEXT,
    CHECK (seller_id <> buyer_id),
    CHECK ((reverses IS NULL AND value > 0 AND quantity >= 0) OR (reverses IS NOT NULL AND value < 0 AND quantity <= 0)),
    UNIQUE (recorded_by, idempotency_key)
);
CREATE INDEX deals_mission ON deals(mission_id, id);
-- a deal is reversed at most once
CREATE UNIQUE INDEX deals_reverses ON deals(reverses);
CREATE TABLE deal_realizations (
    id          INTEGER PRIMARY KEY,
    deal_id     BIGINT NOT NULL REFERENCES deals(id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    note        TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX deal_realizations_deal ON deal_realizations(deal_id);
CREATE TABLE agreements (
    id           INTEGER PRIMARY KEY,
    mission_id   BIGINT NOT NULL REFERENCES missions(id),
    kind         TEXT NOT NULL CHECK (kind IN ('mou','pks')),
    title        TEXT NOT NULL,
    sector       TEXT NOT NULL DEFAULT '',
    signed_on    TEXT NOT NULL,
    document_ref TEXT NOT NULL DEFAULT '',
    created_by   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX agreements_mission ON agreements(mission_id);
CREATE TABLE agreement_parties (
    agreement_id BIGINT NOT NULL REFERENCES agreements(id),
    position     INTEGER NOT NULL,
    org_id       BIGINT REFERENCES organizations(id),
    name         TEXT NOT NULL,
    PRIMARY KEY (agreement_id, position)
);
CREATE TABLE financing_requests (
    id              INTEGER PRIMARY KEY,
    deal_id         BIGINT NOT NULL REFERENCES deals(id),
    mission_id      BIGINT NOT NULL REFERENCES missions(id),
    bank_id         BIGINT NOT NULL REFERENCES organizations(id),
    guarantor_id    BIGINT REFERENCES organizations(id),
    amount          BIGINT NOT NULL CHECK (amount > 0),
    tenor_months    INTEGER NOT NULL CHECK (tenor_months BETWEEN 1 AND 360),
    purpose         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('requested','approved','declined','withdrawn')),
    approved_amount BIGINT NOT NULL DEFAULT 0 CHECK (approved_amount >= 0),
    answer          TEXT NOT NULL DEFAULT '',
    requested_by    BIGINT NOT NULL,
    requested_org   BIGINT NOT NULL,
    requested_at    BIGINT NOT NULL,
    answered_by     BIGINT NOT NULL DEFAULT 0,
    answered_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX financing_requests_bank ON financing_requests(bank_id, id);
CREATE INDEX financing_requests_guarantor ON financing_requests(guarantor_id, id);
CREATE INDEX financing_requests_deal ON financing_requests(deal_id);
-- one live request per deal and bank
CREATE UNIQUE INDEX financing_requests_live ON financing_requests(deal_id, bank_id) WHERE status IN ('requested','approved');

-- +goose Down
DROP TABLE financing_requests;
DROP TABLE agreement_parties;
DROP TABLE agreements;
DROP TABLE deal_realizations;
DROP TABLE deals;
DROP TABLE meeting_seats;
DROP TABLE meeting_assignments;
DROP TABLE mission_slots;
DROP TABLE mission_schedules;
DROP TABLE meeting_requests;
DROP TABLE participant_unavailability;
DROP TABLE mission_needs;
DROP TABLE mission_offers;
DROP TABLE mission_participants;
DROP TABLE mission_staff;
DROP TABLE mission_guests;
DROP TABLE missions;
