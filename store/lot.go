package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"niaga"
	"niaga/auction"
)

// LotInput is a seller's lot submission.
type LotInput struct {
	SessionID        int64  `json:"session_id" doc:"A session that includes the market."`
	MarketID         int64  `json:"market_id"`
	Commodity        string `json:"commodity" doc:"A commodity code (see listCommodities)."`
	Grade            string `json:"grade" doc:"One of the commodity's grades."`
	Quantity         int64  `json:"quantity" range:"quantity" doc:"In the commodity's base unit; reserve × quantity at most 10^15."`
	Origin           string `json:"origin" range:"short_text" doc:"Where the goods are (warehouse, district)."`
	WarehouseReceipt string `json:"warehouse_receipt,omitempty" range:"warehouse_receipt" doc:"The warehouse receipt (resi gudang) number, if any."`
	DeliveryTerms    string `json:"delivery_terms" range:"note"`
	Mechanism        string `json:"mechanism" enum:"mechanism" doc:"One the market runs."`
	Reserve          int64  `json:"reserve" range:"unit_price" doc:"Lowest price per base unit the seller accepts (the floor of a dutch clock)."`
	Increment        int64  `json:"increment,omitempty" range:"opt_unit_price" doc:"english (required, above 0): the minimum raise per base unit."`
	DutchStart       int64  `json:"dutch_start,omitempty" range:"opt_unit_price" doc:"dutch (required): the clock's starting price per base unit, at least the reserve."`
	DutchStep        int64  `json:"dutch_step,omitempty" range:"opt_unit_price" doc:"dutch (required, above 0): how much the price drops per tick."`
	DutchTickMs      int64  `json:"dutch_tick_ms,omitempty" rangedoc:"dutch_tick_ms" doc:"dutch (required): milliseconds between price drops."`
}

// The bounds of prices and quantities (declared in niaga.limits).
const (
	maxUnitPrice = niaga.MaxUnitPrice
	maxQuantity  = niaga.MaxQuantity
)

// Validate checks a lot's own fields (the store checks references).
func (in *LotInput) Validate() error {
	var c niaga.Check
	c.Require(in.SessionID > 0, "session_id", "required")
	c.Require(in.MarketID > 0, "market_id", "required")
	c.Require(in.Commodity != "", "commodity", "required")
	c.InRange("quantity", in.Quantity, niaga.RangeQuantity)
	c.Text("origin", in.Origin, niaga.RangeShortText)
	c.Text("warehouse_receipt", in.WarehouseReceipt, niaga.RangeWarehouseReceipt)
	c.Text("delivery_terms", in.DeliveryTerms, niaga.RangeNote)
	m := auction.Mechanism(in.Mechanism)
	c.Require(m.Valid(), "mechanism", auction.EnumMechanism.Reason())
	c.InRange("reserve", in.Reserve, niaga.RangeUnitPrice)
	if v, ok := niaga.MulInt64(in.Reserve, in.Quantity); !ok || v > niaga.MaxContractValue {
		c.Require(false, "quantity", "reserve × quantity must be at most "+niaga.FormatInt(niaga.MaxContractValue, "en"))
	}
	c.InRange("increment", in.Increment, niaga.RangeOptUnitPrice)
	c.InRange("dutch_start", in.DutchStart, niaga.RangeOptUnitPrice)
	c.InRange("dutch_step", in.DutchStep, niaga.RangeOptUnitPrice)
	switch m {
	case auction.English:
		c.Require(in.Increment > 0, "increment", "must be positive for english lots")
	case auction.Dutch:
		c.Require(in.DutchStart >= in.Reserve && in.DutchStart <= maxUnitPrice, "dutch_start", "must be at least the reserve (the floor), at most "+niaga.FormatInt(maxUnitPrice, "en"))
		if v, ok := niaga.MulInt64(in.DutchStart, in.Quantity); !ok || v > niaga.MaxContractValue {
			c.Require(false, "dutch_start", "dutch_start × quantity must be at most "+niaga.FormatInt(niaga.MaxContractValue, "en"))
		}
		c.Require(in.DutchStep > 0, "dutch_step", "must be positive")
		c.InRange("dutch_tick_ms", in.DutchTickMs, niaga.RangeDutchTickMs)
	}
	return c.Err()
}

// SubmitLot records a seller's lot; it waits for the organizer's admission.
func (db *DB) SubmitLot(ctx context.Context, actor *niaga.Actor, in LotInput) (niaga.Lot, error) {
	if err := in.Validate(); err != nil {
		return niaga.Lot{}, err
	}
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var mech string
		var ratio int64
		if err := tx.QueryRow(ctx, "SELECT mechanisms, deposit_ratio_bps FROM markets WHERE id = $1", in.MarketID).Scan(&mech, &ratio); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return niaga.Invalid("market_id", "market does not exist")
			}
			return err
		}
		if !contains(strings.Split(mech, "|"), in.Mechanism) {
			return niaga.Invalid("mechanism", "this market does not run "+in.Mechanism+" auctions")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM session_markets WHERE session_id = $1 AND market_id = $2", in.SessionID, in.MarketID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return niaga.Invalid("session_id", "the session does not include this market")
		}
		var grades string
		if err := tx.QueryRow(ctx, "SELECT grades FROM commodities WHERE code = $1", in.Commodity).Scan(&grades); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return niaga.Invalid("commodity", "unknown commodity")
			}
			return err
		}
		if !contains(strings.Split(grades, "|"), in.Grade) {
			return niaga.Invalid("grade", "not a grade of "+in.Commodity+": "+strings.ReplaceAll(grades, "|", ", "))
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO lots (session_id, market_id, seller_org_id, commodity, grade, quantity, origin, warehouse_receipt, delivery_terms,
			mechanism, reserve, increment, dutch_start, dutch_step, dutch_tick_ms, status, guarantee, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
			in.SessionID, in.MarketID, actor.OrgID, in.Commodity, in.Grade, in.Quantity, in.Origin, in.WarehouseReceipt, in.DeliveryTerms,
			in.Mechanism, in.Reserve, in.Increment, in.DutchStart, in.DutchStep, in.DutchTickMs, niaga.LotSubmitted,
			DefaultGuarantee(in.Reserve, in.Quantity, ratio), micros(tx.Now))
		if err != nil {
			return err
		}
		return tx.Audit(actor, "lot.submit", "lot", id, nil, in)
	})
	if err != nil {
		return niaga.Lot{}, err
	}
	return db.Lot(ctx, actor, id, time.Now())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MaxGuarantee bounds a lot's guarantee, as deposits are bounded.
const MaxGuarantee = niaga.MaxDeposit

// DefaultGuarantee is a lot's guarantee (uang jaminan) unless its organizer
// sets another at admission: ceil(the market's deposit ratio × reserve ×
// quantity), from figures public before bidding. The reserve is the lot's
// limit value for every mechanism (the floor of a dutch clock, the
// seller's ask of a call lot), as Indonesian auctions set the guarantee
// from the limit value (nilai limit).
func DefaultGuarantee(reserve, quantity, ratioBps int64) int64 {
	v, ok := niaga.MulInt64(reserve, quantity)
	if !ok {
		return MaxGuarantee
	}
	return min(ratioOf(v, ratioBps), MaxGuarantee)
}

// DecideLot admits or rejects a submitted lot. Only the organizer of the
// lot's market (or an admin) decides; a rejection needs a reason.
func (db *DB) DecideLot(ctx context.Context, actor *niaga.Actor, id int64, admit bool, reason string) (niaga.Lot, error) {
	return db.DecideLotWith(ctx, actor, id, admit, reason, 0)
}

// DecideLotWith is DecideLot where an admission may also set the lot's
// guarantee (guarantee > 0), announced with the lot: nobody can bid on a
// lot before its admission. 0 keeps the default set at submission.
func (db *DB) DecideLotWith(ctx context.Context, actor *niaga.Actor, id int64, admit bool, reason string, guarantee int64) (niaga.Lot, error) {
	if !niaga.RangeGuarantee.Contains(guarantee) {
		return niaga.Lot{}, niaga.Invalid("guarantee", niaga.RangeGuarantee.Reason())
	}
	if guarantee != 0 && !admit {
		return niaga.Lot{}, niaga.Invalid("guarantee", "set only when admitting a lot")
	}
	if !admit && strings.TrimSpace(reason) == "" {
		return niaga.Lot{}, niaga.Invalid("reason", "a rejection needs a reason")
	}
	if !niaga.RangeNote.Contains(int64(len(reason))) {
		return niaga.Lot{}, niaga.Invalid("reason", niaga.RangeNote.Reason())
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		var status string
		var org, sessionID int64
		err := tx.QueryRow(ctx, "SELECT l.status, m.organizer_org_id, l.session_id FROM lots l JOIN markets m ON m.id = l.market_id WHERE l.id = $1"+tx.ForUpdate(), id).
			Scan(&status, &org, &sessionID)
		if err != nil {
			return err
		}
		if !isOrganizerOf(actor, org) {
			return niaga.Errorf(niaga.CodeForbidden, "only the market's organizer admits lots")
		}
		if status != niaga.LotSubmitted {
			return niaga.Errorf(niaga.CodeConflict, "the lot is already %s", status)
		}
		if !admit {
			_, err := tx.Exec(ctx, "UPDATE lots SET status = $1, reason = $2 WHERE id = $3", niaga.LotRejected, reason, id)
			if err != nil {
				return err
			}
			return tx.Audit(actor, "lot.reject", "lot", id, map[string]string{"status": status}, map[string]string{"status": niaga.LotRejected, "reason": reason})
		}
		var st, en int64
		if err := tx.QueryRow(ctx, "SELECT starts_at, ends_at FROM auction_sessions WHERE id = $1", sessionID).Scan(&st, &en); err != nil {
			return err
		}
		if en <= micros(tx.Now) {
			return niaga.Errorf(niaga.CodeConflict, "the session has already ended")
		}
		if _, err := tx.Exec(ctx, "UPDATE lots SET status = $1, reason = $2, starts_at = $3, ends_at = $4 WHERE id = $5", niaga.LotAdmitted, reason, st, en, id); err != nil {
			return err
		}
		if guarantee > 0 { // no bid can precede the admission: it announces the lot
			if _, err := tx.Exec(ctx, "UPDATE lots SET guarantee = $1 WHERE id = $2", guarantee, id); err != nil {
				return err
			}
		}
		if _, err := tx.Emit(ctx, LotTopic(id), "admit", map[string]any{"lot_id": id}); err != nil {
			return err
		}
		return tx.Audit(actor, "lot.admit", "lot", id, map[string]string{"status": status}, map[string]any{"status": niaga.LotAdmitted, "guarantee": guarantee})
	})
	if err != nil {
		return niaga.Lot{}, err
	}
	return db.Lot(ctx, actor, id, time.Now())
}

// lotRow is a lot as stored, with what the rules need.
type lotRow struct {
	niaga.Lot
	leaderMax      int64
	organizerOrgID int64
	ratioBps       int64
	maxExtensions  int64
}

const lotSelect = `SELECT l.id, l.session_id, l.market_id, l.seller_org_id, o.name, l.commodity, l.grade, l.quantity, c.unit, m.province, l.origin,
	l.warehouse_receipt, l.delivery_terms, l.mechanism, l.reserve, l.increment, l.dutch_start, l.dutch_step, l.dutch_tick_ms, l.status, l.reason,
	l.starts_at, l.ends_at, l.extensions, s.soft_close_seconds, s.max_extensions, l.leader_org_id, l.leader_max, l.price, l.bid_count,
	l.winner_org_id, l.award_price, l.sold_quantity, l.closed_at, m.organizer_org_id, m.deposit_ratio_bps, l.guarantee
	FROM lots l JOIN markets m ON m.id = l.market_id JOIN auction_sessions s ON s.id = l.session_id
	JOIN organizations o ON o.id = l.seller_org_id JOIN commodities c ON c.code = l.commodity `

func scanLot(s interface{ Scan(...any) error }) (lotRow, error) {
	var r lotRow
	var st, en, closed int64
	err := s.Scan(&r.ID, &r.SessionID, &r.MarketID, &r.SellerOrgID, &r.SellerName, &r.Commodity, &r.Grade, &r.Quantity, &r.Unit, &r.Province, &r.Origin,
		&r.WarehouseReceipt, &r.DeliveryTerms, &r.Mechanism, &r.Reserve, &r.Increment, &r.DutchStart, &r.DutchStep, &r.DutchTickMs, &r.Status, &r.Reason,
		&st, &en, &r.Extensions, &r.SoftCloseSec, &r.maxExtensions, &r.LeaderOrg, &r.leaderMax, &r.Price, &r.BidCount,
		&r.WinnerOrgID, &r.AwardPrice, &r.SoldQuantity, &closed, &r.organizerOrgID, &r.ratioBps, &r.Guarantee)
	r.StartsAt, r.EndsAt, r.ClosedAt = fromMicros(st), fromMicros(en), fromMicros(closed)
	return r, err
}

// view is what a caller may see of the lot at now: sealed bids stay
// hidden from everyone, the organizer included, until the lot closes.
func (r lotRow) view(now time.Time) niaga.Lot {
	l := r.Lot
	l.ServerTime = now
	switch l.Status {
	case niaga.LotSubmitted:
		l.State = niaga.LotStatePending
	case niaga.LotRejected:
		l.State = niaga.LotStateRejected
	case niaga.LotSold, niaga.LotUnsold:
		l.State = niaga.LotStateClosed
		l.Price = l.AwardPrice
	default:
		switch {
		case now.Before(l.StartsAt):
			l.State = niaga.LotStateUpcoming
		case now.Before(l.EndsAt):
			l.State = niaga.LotStateOpen
		default:
			l.State = niaga.LotStateClosing
		}
	}
	m := auction.Mechanism(l.Mechanism)
	if l.Status == niaga.LotAdmitted {
		switch {
		case m.Sealed():
			l.Price, l.LeaderOrg, l.BidCount = 0, 0, 0
		case m == auction.English:
			l.MinNext = auction.EnglishMinNext(r.englishParams(), r.englishState())
		case m == auction.Dutch:
			l.Price = auction.DutchPrice(r.dutchParams(), now)
		case m == auction.Call:
			l.Price, l.LeaderOrg, l.BidCount = 0, 0, 0
		}
	}
	return l
}

func (r lotRow) englishParams() auction.EnglishParams {
	return auction.EnglishParams{Reserve: r.Reserve, Increment: r.Increment, SoftClose: time.Duration(r.SoftCloseSec) * time.Second, MaxExtensions: int(r.maxExtensions)}
}

func (r lotRow) englishState() auction.EnglishState {
	return auction.EnglishState{EndsAt: r.EndsAt, Extensions: int(r.Extensions), Leader: r.LeaderOrg, LeaderMax: r.leaderMax, Price: r.Price, Bids: int(r.BidCount)}
}

func (r lotRow) dutchParams() auction.DutchParams {
	return auction.DutchParams{Start: r.DutchStart, Step: r.DutchStep, Floor: r.Reserve, Tick: time.Duration(r.DutchTickMs) * time.Millisecond, StartsAt: r.StartsAt}
}

// canSeeUnadmitted: a lot that is not admitted is seen by its seller, its
// market's organizer and admins only.
func (r lotRow) canSeeUnadmitted(a *niaga.Actor) bool {
	return a != nil && (a.Role == niaga.RoleAdmin || a.OrgID == r.SellerOrgID || (a.Role == niaga.RoleOrganizer && a.OrgID == r.organizerOrgID))
}

// Lot returns the lot as the actor may see it at now.
func (db *DB) Lot(ctx context.Context, actor *niaga.Actor, id int64, now time.Time) (niaga.Lot, error) {
	r, err := scanLot(db.queryRow(ctx, lotSelect+"WHERE l.id = $1", id))
	if err != nil {
		return niaga.Lot{}, db.classify(err)
	}
	if (r.Status == niaga.LotSubmitted || r.Status == niaga.LotRejected) && !r.canSeeUnadmitted(actor) {
		return niaga.Lot{}, niaga.Errorf(niaga.CodeNotFound, "lot %d not found", id)
	}
	return r.view(now), nil
}

// LotFilter narrows a lot listing.
type LotFilter struct {
	SessionID int64
	Status    string
	Commodity string
	Limit     int
}

// Lots lists the lots the actor may see.
func (db *DB) Lots(ctx context.Context, actor *niaga.Actor, f LotFilter, now time.Time) ([]niaga.Lot, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	rows, err := db.query(ctx, lotSelect+`WHERE ($1 = 0 OR l.session_id = $1) AND ($2 = '' OR l.status = $2) AND ($3 = '' OR l.commodity = $3)
		ORDER BY l.id LIMIT $4`, f.SessionID, f.Status, f.Commodity, f.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.Lot{}
	for rows.Next() {
		r, err := scanLot(rows)
		if err != nil {
			return nil, err
		}
		if (r.Status == niaga.LotSubmitted || r.Status == niaga.LotRejected) && !r.canSeeUnadmitted(actor) {
			continue
		}
		out = append(out, r.view(now))
	}
	return out, db.classify(rows.Err())
}

// offered is what an english bid offered at its moment. The row keeps the
// lot's price after the bid and the bidder's maximum: a bidder who led
// after it offered that price (a proxy bids no more than it must, and a
// leader raising its maximum leaves the price where it was); one that
// another's proxy outbid at once offered its whole maximum, which the price
// after it (that maximum plus an increment, or the leader's maximum)
// already told. The smaller of the two is the offer in every case, so a
// standing maximum never shows.
func offered(price, maxPrice int64) int64 {
	if maxPrice > 0 && maxPrice < price {
		return maxPrice
	}
	return price
}

// Bids lists a lot's bids as the actor may see them: open-outcry bids to
// everyone (a proxy maximum only to its bidder); sealed bids and call
// orders only to their own bidder until the lot closes — to nobody else,
// the organizer included. An english bid's price is what it offered at its
// moment (see offered), not the price the lot stood at after it.
func (db *DB) Bids(ctx context.Context, actor *niaga.Actor, lotID int64, now time.Time) ([]niaga.Bid, error) {
	l, err := db.Lot(ctx, actor, lotID, now)
	if err != nil {
		return nil, err
	}
	m := auction.Mechanism(l.Mechanism)
	hidden := (m.Sealed() || m == auction.Call) && l.State != niaga.LotStateClosed
	var org int64 = -1
	if actor != nil {
		org = actor.OrgID
	}
	rows, err := db.query(ctx, `SELECT b.id, b.bidder_org_id, o.name, b.side, b.price, b.max_price, b.quantity, b.active, b.created_at
		FROM bids b JOIN organizations o ON o.id = b.bidder_org_id WHERE b.lot_id = $1 AND (NOT $2 OR b.bidder_org_id = $3) ORDER BY b.id DESC LIMIT 500`,
		lotID, hidden, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.Bid{}
	for rows.Next() {
		b := niaga.Bid{LotID: lotID}
		var at int64
		if err := rows.Scan(&b.ID, &b.BidderOrg, &b.BidderName, &b.Side, &b.Price, &b.MaxPrice, &b.Quantity, &b.Active, &at); err != nil {
			return nil, err
		}
		b.At = fromMicros(at)
		if m == auction.English {
			b.Price = offered(b.Price, b.MaxPrice)
		}
		if b.BidderOrg != org {
			b.MaxPrice = 0
		}
		out = append(out, b)
	}
	return out, db.classify(rows.Err())
}
