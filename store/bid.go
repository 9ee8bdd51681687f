package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"niaga"
	"niaga/auction"
)

// BidInput is a bid as the mechanism needs it: english takes price and/or
// max_price (a proxy maximum); sealed takes price; dutch takes nothing (the
// server's clock sets the price); call takes side, quantity and price (limit).
type BidInput struct {
	Price    int64  `json:"price,omitempty"`
	MaxPrice int64  `json:"max_price,omitempty"`
	Quantity int64  `json:"quantity,omitempty"`
	Side     string `json:"side,omitempty"`
}

// Validate checks the ranges of a bid's numbers.
func (in *BidInput) Validate() error {
	var c niaga.Check
	c.Require(in.Price >= 0 && in.Price <= maxUnitPrice, "price", "must be between 0 and 1 000 000 000 000")
	c.Require(in.MaxPrice >= 0 && in.MaxPrice <= maxUnitPrice, "max_price", "must be between 0 and 1 000 000 000 000")
	c.Require(in.Quantity >= 0 && in.Quantity <= maxQuantity, "quantity", "must not be negative")
	c.Require(in.Side == "" || in.Side == "buy" || in.Side == "sell", "side", "must be buy or sell")
	return c.Err()
}

// BidResult is the answer to an accepted bid.
type BidResult struct {
	BidID      int64     `json:"bid_id"`
	LotID      int64     `json:"lot_id"`
	Mechanism  string    `json:"mechanism"`
	Price      int64     `json:"price"`              // visible price after the bid (own price for sealed and call)
	Leading    bool      `json:"leading"`            // english: the bidder leads; dutch: won
	MinNext    int64     `json:"min_next,omitempty"` // english
	EndsAt     time.Time `json:"ends_at"`
	Extended   bool      `json:"extended"`
	ContractID int64     `json:"contract_id,omitempty"` // dutch: the contract the accept made
	At         time.Time `json:"at"`
	Replayed   bool      `json:"replayed,omitempty"` // an idempotent retry returned the first result
}

// BidRequest is one bid to place.
type BidRequest struct {
	Actor   *niaga.Actor
	LotID   int64
	In      BidInput
	IdemKey string    // optional Idempotency-Key
	At      time.Time // server receipt time: the dutch price and the deadline use it
}

// placeBid applies one bid inside tx: lock the lot, replay an idempotent
// retry, check the rules, apply the pure mechanism, write the bid and the
// lot's new state, and emit the event.
func (tx *Tx) placeBid(ctx context.Context, req BidRequest) (BidResult, error) {
	a := req.Actor
	r, err := scanLot(tx.QueryRow(ctx, lotSelect+"WHERE l.id = $1"+tx.ForUpdateOf("l"), req.LotID))
	if err != nil {
		return BidResult{}, tx.db.classify(err)
	}
	var idemKey string
	if req.IdemKey != "" {
		idemKey = "bid:" + strconv.FormatInt(a.UserID, 10) + ":" + req.IdemKey
		var op, body string
		err := tx.QueryRow(ctx, "SELECT op, body FROM idempotency WHERE key = $1", idemKey).Scan(&op, &body)
		if err == nil {
			if op != "lot:"+strconv.FormatInt(req.LotID, 10) {
				return BidResult{}, niaga.Errorf(niaga.CodeConflict, "Idempotency-Key already used for another request")
			}
			var res BidResult
			if err := json.Unmarshal([]byte(body), &res); err != nil {
				return BidResult{}, err
			}
			res.Replayed = true
			return res, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return BidResult{}, err
		}
	}
	now := req.At
	switch r.Status {
	case niaga.LotAdmitted:
	case niaga.LotSold, niaga.LotUnsold:
		return BidResult{}, niaga.Errorf(niaga.CodeAuctionClosed, "the auction for this lot has closed")
	default:
		if !r.canSeeUnadmitted(a) {
			return BidResult{}, niaga.Errorf(niaga.CodeNotFound, "lot %d not found", req.LotID)
		}
		return BidResult{}, niaga.Errorf(niaga.CodeAuctionNotOpen, "the lot has not been admitted")
	}
	if now.Before(r.StartsAt) {
		return BidResult{}, niaga.Errorf(niaga.CodeAuctionNotOpen, "bidding opens at %s", r.StartsAt.Format(time.RFC3339))
	}
	if !now.Before(r.EndsAt) {
		return BidResult{}, niaga.Errorf(niaga.CodeAuctionClosed, "the auction for this lot has closed")
	}
	if a.OrgID == r.SellerOrgID {
		return BidResult{}, niaga.Errorf(niaga.CodeOwnLot, "sellers may not bid on their own lots")
	}
	var verified bool
	var kind string
	if err := tx.QueryRow(ctx, "SELECT verified, kind FROM organizations WHERE id = $1", a.OrgID).Scan(&verified, &kind); err != nil {
		return BidResult{}, err
	}
	if !verified || kind != string(niaga.OrgBusiness) {
		return BidResult{}, niaga.Errorf(niaga.CodeNotVerified, "only verified business organizations may bid")
	}
	res := BidResult{LotID: r.ID, Mechanism: r.Mechanism, At: now, EndsAt: r.EndsAt}
	var event map[string]any
	switch m := auction.Mechanism(r.Mechanism); {
	case m == auction.English:
		event, err = tx.bidEnglish(ctx, &r, req, &res)
	case m.Sealed():
		event, err = tx.bidSealed(ctx, &r, req, &res)
	case m == auction.Dutch:
		event, err = tx.bidDutch(ctx, &r, req, &res)
	case m == auction.Call:
		event, err = tx.bidCall(ctx, &r, req, &res)
	default:
		err = fmt.Errorf("lot %d has unknown mechanism %q", r.ID, r.Mechanism)
	}
	if err != nil {
		return BidResult{}, err
	}
	if _, err := tx.Emit(ctx, LotTopic(r.ID), event["kind"].(string), event); err != nil {
		return BidResult{}, err
	}
	if idemKey != "" {
		body, _ := json.Marshal(res)
		if _, err := tx.Exec(ctx, "INSERT INTO idempotency (key, user_id, op, status, body, created_at) VALUES ($1,$2,$3,$4,$5,$6)",
			idemKey, a.UserID, "lot:"+strconv.FormatInt(req.LotID, 10), 201, string(body), micros(tx.Now)); err != nil {
			return BidResult{}, err
		}
	}
	return res, nil
}

// value multiplies a unit price by a quantity, refusing overflow.
func value(price, qty int64, field string) (int64, error) {
	v, ok := niaga.MulInt64(price, qty)
	if !ok {
		return 0, niaga.Invalid(field, "price × quantity is too large")
	}
	return v, nil
}

// ratioOf is ceil(v × bps / 10000) without overflowing.
func ratioOf(v, bps int64) int64 {
	return v/10000*bps + (v%10000*bps+9999)/10000
}

// checkDeposit refuses a bid whose buyer's free deposit is below the market
// ratio × (this bid's value + the buyer's other open commitments). The
// deposit account row is locked so that parallel bids of one buyer on
// different lots cannot both spend the same deposit.
func (tx *Tx) checkDeposit(ctx context.Context, r *lotRow, org, bidValue int64) error {
	var balance, locked int64
	err := tx.QueryRow(ctx, "SELECT balance, locked FROM deposit_accounts WHERE market_id = $1 AND org_id = $2"+tx.ForUpdate(), r.MarketID, org).Scan(&balance, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return niaga.Errorf(niaga.CodeInsufficientDeposit, "no guarantee deposit at this market: the organizer must record one before you bid")
	}
	if err != nil {
		return err
	}
	var others int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(SUM(value), 0) FROM commitments WHERE market_id = $1 AND org_id = $2 AND lot_id <> $3", r.MarketID, org, r.ID).Scan(&others); err != nil {
		return err
	}
	total, ok := niaga.AddInt64(bidValue, others)
	if !ok {
		return niaga.Invalid("price", "value too large")
	}
	need := ratioOf(total, r.ratioBps)
	if free := balance - locked; free < need {
		return &niaga.Error{Code: niaga.CodeInsufficientDeposit,
			Message: fmt.Sprintf("free deposit Rp %s is below the required Rp %s (%s%% of Rp %s in open bids)",
				niaga.FormatInt(free, "id"), niaga.FormatInt(need, "id"), strconv.FormatFloat(float64(r.ratioBps)/100, 'f', -1, 64), niaga.FormatInt(total, "id"))}
	}
	return nil
}

func (tx *Tx) setCommitment(ctx context.Context, r *lotRow, org, v int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO commitments (lot_id, org_id, market_id, value) VALUES ($1,$2,$3,$4)
		ON CONFLICT (lot_id, org_id) DO UPDATE SET value = excluded.value`, r.ID, org, r.MarketID, v)
	return err
}

func (tx *Tx) insertBid(ctx context.Context, r *lotRow, req BidRequest, side string, price, maxPrice, qty int64) (int64, error) {
	return tx.InsertID(ctx, "INSERT INTO bids (lot_id, bidder_org_id, user_id, side, price, max_price, quantity, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
		r.ID, req.Actor.OrgID, req.Actor.UserID, side, price, maxPrice, qty, micros(req.At))
}

func (tx *Tx) bidEnglish(ctx context.Context, r *lotRow, req BidRequest, res *BidResult) (map[string]any, error) {
	maxPrice := max(req.In.Price, req.In.MaxPrice)
	if maxPrice <= 0 {
		return nil, niaga.Invalid("price", "give a price or a max_price")
	}
	p, s := r.englishParams(), r.englishState()
	if org := req.Actor.OrgID; org != s.Leader || maxPrice > s.LeaderMax {
		v, err := value(maxPrice, r.Quantity, "max_price")
		if err != nil {
			return nil, err
		}
		if err := tx.checkDeposit(ctx, r, org, v); err != nil {
			return nil, err
		}
	}
	ns, out, err := auction.EnglishBid(p, s, req.Actor.OrgID, maxPrice, req.At)
	if err != nil {
		return nil, ruleError(err)
	}
	bidID, err := tx.insertBid(ctx, r, req, "buy", out.Price, maxPrice, r.Quantity)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "UPDATE lots SET leader_org_id = $1, leader_max = $2, price = $3, bid_count = $4, ends_at = $5, extensions = $6 WHERE id = $7",
		ns.Leader, ns.LeaderMax, ns.Price, ns.Bids, micros(ns.EndsAt), ns.Extensions, r.ID); err != nil {
		return nil, err
	}
	// The leader's commitment is its maximum; an outbid buyer is released.
	leaderValue, _ := niaga.MulInt64(ns.LeaderMax, r.Quantity)
	if err := tx.setCommitment(ctx, r, ns.Leader, leaderValue); err != nil {
		return nil, err
	}
	if s.Leader != 0 && s.Leader != ns.Leader {
		if _, err := tx.Exec(ctx, "DELETE FROM commitments WHERE lot_id = $1 AND org_id = $2", r.ID, s.Leader); err != nil {
			return nil, err
		}
	}
	*res = BidResult{BidID: bidID, LotID: r.ID, Mechanism: r.Mechanism, Price: out.Price, Leading: out.Leading, MinNext: out.MinNext,
		EndsAt: out.EndsAt, Extended: out.Extended, At: req.At}
	kind := "bid"
	if out.Extended {
		kind = "extend"
	}
	return map[string]any{"kind": kind, "lot_id": r.ID, "bid_id": bidID, "price": out.Price, "leader_org_id": ns.Leader, "bid_count": ns.Bids,
		"min_next": out.MinNext, "ends_at": out.EndsAt, "extended": out.Extended, "at": req.At}, nil
}

func (tx *Tx) bidSealed(ctx context.Context, r *lotRow, req BidRequest, res *BidResult) (map[string]any, error) {
	if req.In.MaxPrice != 0 {
		return nil, niaga.Invalid("max_price", "sealed lots take one price")
	}
	if err := auction.SealedCheck(r.Reserve, req.In.Price, r.EndsAt, req.At); err != nil {
		return nil, ruleError(err)
	}
	v, err := value(req.In.Price, r.Quantity, "price")
	if err != nil {
		return nil, err
	}
	if err := tx.checkDeposit(ctx, r, req.Actor.OrgID, v); err != nil {
		return nil, err
	}
	// One revisable bid per buyer: the previous one stays as history, inactive.
	upd, err := tx.Exec(ctx, "UPDATE bids SET active = FALSE WHERE lot_id = $1 AND bidder_org_id = $2 AND active", r.ID, req.Actor.OrgID)
	if err != nil {
		return nil, err
	}
	revised, _ := upd.RowsAffected()
	bidID, err := tx.insertBid(ctx, r, req, "buy", req.In.Price, 0, r.Quantity)
	if err != nil {
		return nil, err
	}
	count := r.BidCount
	if revised == 0 {
		count++
	}
	if _, err := tx.Exec(ctx, "UPDATE lots SET bid_count = $1 WHERE id = $2", count, r.ID); err != nil {
		return nil, err
	}
	if err := tx.setCommitment(ctx, r, req.Actor.OrgID, v); err != nil {
		return nil, err
	}
	*res = BidResult{BidID: bidID, LotID: r.ID, Mechanism: r.Mechanism, Price: req.In.Price, EndsAt: r.EndsAt, At: req.At}
	// The event says that a bid came, never its price or bidder.
	return map[string]any{"kind": "bid", "lot_id": r.ID, "bid_count": count, "ends_at": r.EndsAt, "at": req.At}, nil
}

func (tx *Tx) bidDutch(ctx context.Context, r *lotRow, req BidRequest, res *BidResult) (map[string]any, error) {
	price, err := auction.DutchAccept(r.dutchParams(), req.At, r.EndsAt)
	if err != nil {
		return nil, ruleError(err)
	}
	v, err := value(price, r.Quantity, "price")
	if err != nil {
		return nil, err
	}
	if err := tx.checkDeposit(ctx, r, req.Actor.OrgID, v); err != nil {
		return nil, err
	}
	bidID, err := tx.insertBid(ctx, r, req, "buy", price, 0, r.Quantity)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "UPDATE lots SET bid_count = bid_count + 1, price = $1, leader_org_id = $2 WHERE id = $3", price, req.Actor.OrgID, r.ID); err != nil {
		return nil, err
	}
	r.BidCount++
	contracts, err := tx.award(ctx, r, []auction.Fill{{Buyer: req.Actor.OrgID, Seller: r.SellerOrgID, Qty: r.Quantity, Price: price}}, req.Actor, req.At)
	if err != nil {
		return nil, err
	}
	*res = BidResult{BidID: bidID, LotID: r.ID, Mechanism: r.Mechanism, Price: price, Leading: true, EndsAt: req.At, ContractID: contracts[0], At: req.At}
	return map[string]any{"kind": "close", "lot_id": r.ID, "status": niaga.LotSold, "price": price, "winner_org_id": req.Actor.OrgID, "at": req.At}, nil
}

func (tx *Tx) bidCall(ctx context.Context, r *lotRow, req BidRequest, res *BidResult) (map[string]any, error) {
	in := req.In
	side := in.Side
	if side == "" {
		side = "buy"
	}
	if in.Price <= 0 {
		return nil, niaga.Invalid("price", "a call order needs a limit price")
	}
	if in.Quantity <= 0 {
		return nil, niaga.Invalid("quantity", "a call order needs a positive quantity")
	}
	if side == "buy" {
		v, err := value(in.Price, in.Quantity, "price")
		if err != nil {
			return nil, err
		}
		var open int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(SUM(value), 0) FROM commitments WHERE lot_id = $1 AND org_id = $2", r.ID, req.Actor.OrgID).Scan(&open); err != nil {
			return nil, err
		}
		total, ok := niaga.AddInt64(open, v)
		if !ok {
			return nil, niaga.Invalid("price", "value too large")
		}
		if err := tx.checkDeposit(ctx, r, req.Actor.OrgID, total); err != nil {
			return nil, err
		}
		if err := tx.setCommitment(ctx, r, req.Actor.OrgID, total); err != nil {
			return nil, err
		}
	}
	bidID, err := tx.insertBid(ctx, r, req, side, in.Price, 0, in.Quantity)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "UPDATE lots SET bid_count = bid_count + 1 WHERE id = $1", r.ID); err != nil {
		return nil, err
	}
	*res = BidResult{BidID: bidID, LotID: r.ID, Mechanism: r.Mechanism, Price: in.Price, EndsAt: r.EndsAt, At: req.At}
	// Orders of a call stay hidden until the clearing, like sealed bids.
	return map[string]any{"kind": "bid", "lot_id": r.ID, "bid_count": r.BidCount + 1, "ends_at": r.EndsAt, "at": req.At}, nil
}

// ruleError maps an auction rule error to a domain error.
func ruleError(err error) error {
	var e *auction.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case auction.CodeClosed:
		return niaga.Errorf(niaga.CodeAuctionClosed, "%s", e.Message)
	case auction.CodeNotOpen:
		return niaga.Errorf(niaga.CodeAuctionNotOpen, "%s", e.Message)
	case auction.CodeBidTooLow:
		return &BidTooLow{Min: e.Min}
	}
	field := e.Field
	if field == "" {
		field = "price"
	}
	return niaga.Invalid(field, e.Message)
}

// BidTooLow refuses a bid below the minimum; Min is the lowest acceptable.
type BidTooLow struct{ Min int64 }

func (e *BidTooLow) Error() string {
	return "bid_too_low: the bid is below the minimum of " + strconv.FormatInt(e.Min, 10)
}

// Unwrap exposes the domain error so the code maps to a status.
func (e *BidTooLow) Unwrap() error {
	return &niaga.Error{Code: niaga.CodeBidTooLow, Message: "the bid is below the minimum of Rp " + niaga.FormatInt(e.Min, "id"),
		Fields: []niaga.FieldError{{Field: "price", Reason: "at least " + strconv.FormatInt(e.Min, 10)}}}
}

// MinValue is the lowest acceptable bid.
func (e *BidTooLow) MinValue() int64 { return e.Min }
