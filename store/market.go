package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/auction"
)

// MarketInput creates a market.
type MarketInput struct {
	OrganizerOrgID  int64    `json:"organizer_org_id,omitempty" doc:"The admin only: the organizer organization that runs the market; an organizer opens markets for its own."`
	Name            string   `json:"name" range:"name"`
	Province        string   `json:"province" doc:"Province code of the market."`
	FeeBuyerBps     int64    `json:"fee_buyer_bps" range:"fee_bps" doc:"Buyer's fee in basis points of the contract value (100 = 1 %)."`
	FeeSellerBps    int64    `json:"fee_seller_bps" range:"fee_bps" doc:"Seller's fee in basis points of the contract value."`
	FeeBuyerPerTon  int64    `json:"fee_buyer_per_ton" range:"fee_per_ton" doc:"Buyer's fee in Rupiah per 1 000 base units."`
	FeeSellerPerTon int64    `json:"fee_seller_per_ton" range:"fee_per_ton" doc:"Seller's fee in Rupiah per 1 000 base units."`
	DepositRatioBps int64    `json:"deposit_ratio_bps" range:"deposit_ratio_bps" doc:"A lot's default guarantee in basis points of reserve × quantity."`
	Mechanisms      []string `json:"mechanisms" enum:"mechanism" range:"market_mechanisms" doc:"The auction mechanisms the market runs."`
}

// Validate checks a market's fields.
func (in *MarketInput) Validate() error {
	var c niaga.Check
	c.Text("name", in.Name, niaga.RangeName)
	_, ok := niaga.ProvinceByCode(in.Province)
	c.Require(ok, "province", "unknown province code")
	c.InRange("fee_buyer_bps", in.FeeBuyerBps, niaga.RangeFeeBps)
	c.InRange("fee_seller_bps", in.FeeSellerBps, niaga.RangeFeeBps)
	c.InRange("fee_buyer_per_ton", in.FeeBuyerPerTon, niaga.RangeFeePerTon)
	c.InRange("fee_seller_per_ton", in.FeeSellerPerTon, niaga.RangeFeePerTon)
	c.InRange("deposit_ratio_bps", in.DepositRatioBps, niaga.RangeDepositRatioBps)
	c.LenInRange("mechanisms", len(in.Mechanisms), niaga.RangeMarketMechanisms)
	for _, m := range in.Mechanisms {
		c.Require(auction.Mechanism(m).Valid(), "mechanisms", "unknown mechanism "+strconv.Quote(m))
	}
	return c.Err()
}

func isOrganizerOf(a *niaga.Actor, orgID int64) bool {
	return a.Organizes(orgID)
}

// CreateMarket adds a market run by the actor's organization (or, for an
// admin, by the organizer named in the input).
func (db *DB) CreateMarket(ctx context.Context, actor *niaga.Actor, in MarketInput) (niaga.Market, error) {
	if err := in.Validate(); err != nil {
		return niaga.Market{}, err
	}
	org := actor.OrgID
	if actor.Role == niaga.RoleAdmin && in.OrganizerOrgID != 0 {
		org = in.OrganizerOrgID
	}
	m := niaga.Market{OrganizerOrgID: org, Name: in.Name, Province: in.Province, FeeBuyerBps: in.FeeBuyerBps, FeeSellerBps: in.FeeSellerBps,
		FeeBuyerPerTon: in.FeeBuyerPerTon, FeeSellerPerTon: in.FeeSellerPerTon, DepositRatioBps: in.DepositRatioBps, Mechanisms: in.Mechanisms}
	err := db.InTx(ctx, func(tx *Tx) error {
		var kind string
		if err := tx.QueryRow(ctx, "SELECT kind FROM organizations WHERE id = $1", org).Scan(&kind); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return niaga.Invalid("organizer_org_id", "organization does not exist")
			}
			return err
		}
		if kind != string(niaga.OrgOrganizer) {
			return niaga.Invalid("organizer_org_id", "must be an auction organizer")
		}
		m.CreatedAt = tx.Now
		id, err := tx.InsertID(ctx, `INSERT INTO markets (organizer_org_id, name, province, fee_buyer_bps, fee_seller_bps, fee_buyer_per_ton, fee_seller_per_ton, deposit_ratio_bps, mechanisms, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, org, m.Name, m.Province, m.FeeBuyerBps, m.FeeSellerBps, m.FeeBuyerPerTon, m.FeeSellerPerTon,
			m.DepositRatioBps, strings.Join(m.Mechanisms, "|"), micros(tx.Now))
		if err != nil {
			return err
		}
		m.ID = id
		return tx.Audit(actor, "market.create", "market", id, nil, m)
	})
	return m, err
}

const marketCols = "id, organizer_org_id, name, province, fee_buyer_bps, fee_seller_bps, fee_buyer_per_ton, fee_seller_per_ton, deposit_ratio_bps, mechanisms, created_at, pay_bank, pay_account, pay_holder"

func scanMarket(s interface{ Scan(...any) error }) (niaga.Market, error) {
	var m niaga.Market
	var mech string
	var created int64
	err := s.Scan(&m.ID, &m.OrganizerOrgID, &m.Name, &m.Province, &m.FeeBuyerBps, &m.FeeSellerBps, &m.FeeBuyerPerTon, &m.FeeSellerPerTon, &m.DepositRatioBps, &mech, &created,
		&m.Payment.Bank, &m.Payment.AccountNumber, &m.Payment.AccountHolder)
	m.Mechanisms = strings.Split(mech, "|")
	m.CreatedAt = fromMicros(created)
	return m, err
}

// Market returns one market.
func (db *DB) Market(ctx context.Context, id int64) (niaga.Market, error) {
	m, err := scanMarket(db.queryRow(ctx, "SELECT "+marketCols+" FROM markets WHERE id = $1", id))
	return m, db.classify(err)
}

// Markets lists every market.
func (db *DB) Markets(ctx context.Context) ([]niaga.Market, error) {
	rows, err := db.query(ctx, "SELECT "+marketCols+" FROM markets ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.Market{}
	for rows.Next() {
		m, err := scanMarket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, db.classify(rows.Err())
}

// SessionInput creates an auction session.
type SessionInput struct {
	Title         string    `json:"title" range:"name"`
	Kind          string    `json:"kind" enum:"session_kind"`
	DeliveryDate  string    `json:"delivery_date,omitempty" format:"date" doc:"Required for a forward session: when the goods are delivered."`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at" doc:"After starts_at, within 90 days."`
	SoftCloseSec  int64     `json:"soft_close_seconds" range:"soft_close_seconds" doc:"A bid in the last seconds of an english lot extends it by this much (0 = no soft close)."`
	MaxExtensions int64     `json:"max_extensions" range:"max_extensions" doc:"How many times one lot may be extended."`
	MarketIDs     []int64   `json:"market_ids" range:"session_markets" doc:"The markets whose lots the session gathers; at least one must be yours, others make it a joint session."`
}

// Validate checks a session's fields.
func (in *SessionInput) Validate() error {
	var c niaga.Check
	c.Text("title", in.Title, niaga.RangeName)
	c.OneOf("kind", in.Kind, niaga.EnumSessionKind)
	if in.Kind == niaga.SessionForward {
		_, err := time.Parse("2006-01-02", in.DeliveryDate)
		c.Require(err == nil, "delivery_date", "a forward session needs a delivery date YYYY-MM-DD")
	}
	c.Require(!in.StartsAt.IsZero() && in.StartsAt.Year() >= 2000 && in.StartsAt.Year() < 3000, "starts_at", "required")
	c.Require(in.EndsAt.After(in.StartsAt) && in.EndsAt.Sub(in.StartsAt) <= 90*24*time.Hour, "ends_at", "after starts_at, within 90 days")
	c.InRange("soft_close_seconds", in.SoftCloseSec, niaga.RangeSoftCloseSeconds)
	c.InRange("max_extensions", in.MaxExtensions, niaga.RangeMaxExtensions)
	c.LenInRange("market_ids", len(in.MarketIDs), niaga.RangeSessionMarkets)
	return c.Err()
}

// CreateSession schedules a session over one or more markets. The actor
// must run at least one of them; the others join (a joint session).
func (db *DB) CreateSession(ctx context.Context, actor *niaga.Actor, in SessionInput) (niaga.AuctionSession, error) {
	if err := in.Validate(); err != nil {
		return niaga.AuctionSession{}, err
	}
	s := niaga.AuctionSession{Title: in.Title, Kind: in.Kind, DeliveryDate: in.DeliveryDate, StartsAt: in.StartsAt.UTC().Truncate(time.Microsecond),
		EndsAt: in.EndsAt.UTC().Truncate(time.Microsecond), SoftCloseSec: in.SoftCloseSec, MaxExtensions: in.MaxExtensions, OrganizerOrgID: actor.OrgID}
	err := db.InTx(ctx, func(tx *Tx) error {
		owns := actor.Role == niaga.RoleAdmin
		seen := map[int64]bool{}
		for _, id := range in.MarketIDs {
			var org int64
			if err := tx.QueryRow(ctx, "SELECT organizer_org_id FROM markets WHERE id = $1", id).Scan(&org); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return niaga.Invalid("market_ids", fmt.Sprintf("market %d does not exist", id))
				}
				return err
			}
			if seen[id] {
				return niaga.Invalid("market_ids", "listed twice")
			}
			seen[id] = true
			if org == actor.OrgID {
				owns = true
				s.OrganizerOrgID = org
			}
			if actor.Role == niaga.RoleAdmin && s.OrganizerOrgID == actor.OrgID {
				s.OrganizerOrgID = org
			}
			s.MarketIDs = append(s.MarketIDs, id)
		}
		if !owns {
			return niaga.Errorf(niaga.CodeForbidden, "you run none of these markets")
		}
		id, err := tx.InsertID(ctx, `INSERT INTO auction_sessions (organizer_org_id, title, kind, delivery_date, starts_at, ends_at, soft_close_seconds, max_extensions, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, s.OrganizerOrgID, s.Title, s.Kind, s.DeliveryDate, micros(s.StartsAt), micros(s.EndsAt), s.SoftCloseSec, s.MaxExtensions, micros(tx.Now))
		if err != nil {
			return err
		}
		s.ID = id
		for _, m := range s.MarketIDs {
			if _, err := tx.Exec(ctx, "INSERT INTO session_markets (session_id, market_id) VALUES ($1,$2)", id, m); err != nil {
				return err
			}
		}
		return tx.Audit(actor, "session.create", "auction_session", id, nil, s)
	})
	return s, err
}

const sessionCols = "id, organizer_org_id, title, kind, delivery_date, starts_at, ends_at, soft_close_seconds, max_extensions"

func (db *DB) scanSessions(ctx context.Context, where string, args ...any) ([]niaga.AuctionSession, error) {
	rows, err := db.query(ctx, "SELECT "+sessionCols+" FROM auction_sessions "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.AuctionSession{}
	byID := map[int64]int{}
	for rows.Next() {
		var s niaga.AuctionSession
		var st, en int64
		if err := rows.Scan(&s.ID, &s.OrganizerOrgID, &s.Title, &s.Kind, &s.DeliveryDate, &st, &en, &s.SoftCloseSec, &s.MaxExtensions); err != nil {
			return nil, err
		}
		s.StartsAt, s.EndsAt = fromMicros(st), fromMicros(en)
		s.MarketIDs = []int64{}
		byID[s.ID] = len(out)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, db.classify(err)
	}
	rows.Close()
	mrows, err := db.query(ctx, "SELECT session_id, market_id FROM session_markets ORDER BY market_id")
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var sid, mid int64
		if err := mrows.Scan(&sid, &mid); err != nil {
			return nil, err
		}
		if i, ok := byID[sid]; ok {
			out[i].MarketIDs = append(out[i].MarketIDs, mid)
		}
	}
	return out, db.classify(mrows.Err())
}

// Sessions lists sessions, newest first.
func (db *DB) Sessions(ctx context.Context) ([]niaga.AuctionSession, error) {
	return db.scanSessions(ctx, "ORDER BY starts_at DESC, id DESC")
}

// Session returns one session.
func (db *DB) Session(ctx context.Context, id int64) (niaga.AuctionSession, error) {
	ss, err := db.scanSessions(ctx, "WHERE id = $1", id)
	if err != nil {
		return niaga.AuctionSession{}, err
	}
	if len(ss) == 0 {
		return niaga.AuctionSession{}, niaga.Errorf(niaga.CodeNotFound, "session %d not found", id)
	}
	return ss[0], nil
}
