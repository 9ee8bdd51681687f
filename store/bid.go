package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"niaga"
	"niaga/auction"
)

// BidRequest is one bid to place.
type BidRequest struct {
	Actor   *niaga.Actor
	LotID   int64
	In      BidInput
	IdemKey string    // optional Idempotency-Key
	At      time.Time // server receipt time: the dutch price and the deadline use it
}

// The bid path's statements, prepared once on SQLite (see prepareHot).
const (
	qLotState = `SELECT status, reason, starts_at, ends_at, extensions, leader_org_id, leader_max, price, bid_count,
	winner_org_id, award_price, sold_quantity, closed_at, guarantee FROM lots WHERE id = $1`
	qLotFull = lotSelect + "WHERE l.id = $1"
	// qBidder reads the bidding organization, its deposit account at the
	// market and the guarantees of its open positions on the market's
	// other lots at once.
	qBidder = `SELECT o.verified, o.kind, d.balance, d.locked,
	(SELECT COALESCE(SUM(c.value), 0) FROM commitments c WHERE c.market_id = $1 AND c.org_id = $2 AND c.lot_id <> $3)
	FROM organizations o JOIN deposit_accounts d ON d.market_id = $1 AND d.org_id = o.id WHERE o.id = $2`
	qOrg        = "SELECT verified, kind FROM organizations WHERE id = $1"
	qIdemGet    = "SELECT op, body FROM idempotency WHERE key = $1"
	qIdemPut    = "INSERT INTO idempotency (key, user_id, op, status, body, created_at) VALUES ($1,$2,$3,$4,$5,$6)"
	qInsertBid  = "INSERT INTO bids (lot_id, bidder_org_id, user_id, side, price, max_price, quantity, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
	qLotEnglish = "UPDATE lots SET leader_org_id = $1, leader_max = $2, price = $3, bid_count = $4 WHERE id = $5"
	// qLotExtend also moves the end (an indexed column): only on extension.
	qLotExtend = "UPDATE lots SET leader_org_id = $1, leader_max = $2, price = $3, bid_count = $4, ends_at = $5, extensions = $6 WHERE id = $7"
	qCommit    = `INSERT INTO commitments (lot_id, org_id, market_id, value) VALUES ($1,$2,$3,$4)
		ON CONFLICT (lot_id, org_id) DO UPDATE SET value = excluded.value`
	qUncommit = "DELETE FROM commitments WHERE lot_id = $1 AND org_id = $2"
)

var hotQueries = []string{qLotState, qLotFull, qBidder, qOrg, qIdemGet, qIdemPut, qInsertBid, qLotEnglish, qLotExtend, qCommit, qUncommit, qEvent, qDataVersion,
	qAuditHead, qAuditAppend, qAuditHeadSet}

// maxLotInfo bounds the cache of immutable lot fields.
const maxLotInfo = 100_000

// lockLot reads a lot for bidding and locks it (FOR UPDATE on PostgreSQL;
// SQLite's IMMEDIATE transaction holds the write lock already). The fields
// that never change after submission (seller, market and its deposit
// ratio, session rules, mechanism, prices) come from a per-process cache;
// only the changing state is read each time, from the lots row alone (the
// guarantee with it: an admission may set it after a refused bid cached
// the lot).
func (tx *Tx) lockLot(ctx context.Context, id int64) (lotRow, error) {
	if v, ok := tx.db.lotInfo.Load(id); ok {
		r := *v.(*lotRow)
		var st, en, closed int64
		err := tx.QueryRow(ctx, qLotState+tx.ForUpdate(), id).Scan(&r.Status, &r.Reason, &st, &en, &r.Extensions, &r.LeaderOrg, &r.leaderMax,
			&r.Price, &r.BidCount, &r.WinnerOrgID, &r.AwardPrice, &r.SoldQuantity, &closed, &r.Guarantee)
		r.StartsAt, r.EndsAt, r.ClosedAt = fromMicros(st), fromMicros(en), fromMicros(closed)
		return r, err
	}
	r, err := scanLot(tx.QueryRow(ctx, qLotFull+tx.ForUpdateOf("l"), id))
	if err != nil {
		return r, err
	}
	tx.db.rememberLot(r)
	return r, nil
}

// rememberLot caches the fields of a lot that never change after
// submission (the changing ones are copied too, and ignored).
func (db *DB) rememberLot(r lotRow) {
	if _, ok := db.lotInfo.Load(r.ID); ok {
		return
	}
	if db.lotN.Add(1) > maxLotInfo {
		db.lotInfo.Clear()
		db.lotN.Store(1)
	}
	db.lotInfo.Store(r.ID, &r)
}

// bidderAccount is what a bid needs to know about the bidding
// organization at the lot's market.
type bidderAccount struct {
	verified        bool
	kind            string
	hasAccount      bool
	balance, locked int64
	others          int64 // guarantees of open positions on the market's other lots
}

// bidder reads the bidding organization with its deposit account in one
// query, locking the account row on PostgreSQL so that parallel bids of
// one buyer on different lots cannot both spend the same deposit.
func (tx *Tx) bidder(ctx context.Context, r *lotRow, org int64) (bidderAccount, error) {
	var b bidderAccount
	err := tx.QueryRow(ctx, qBidder+tx.ForUpdateOf("d"), r.MarketID, org, r.ID).Scan(&b.verified, &b.kind, &b.balance, &b.locked, &b.others)
	if err == nil {
		b.hasAccount = true
		return b, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return b, err
	}
	return b, tx.QueryRow(ctx, qOrg, org).Scan(&b.verified, &b.kind) // no deposit account
}

// placeBid applies one bid inside tx: lock the lot, replay an idempotent
// retry, check the rules, apply the pure mechanism, write the bid and the
// lot's new state, and emit the event. Every refusal that is decided by
// reading comes before the first write (see writing).
func (b *bidBatch) placeBid(ctx context.Context, req BidRequest) (BidResult, error) {
	tx, a := b.tx, req.Actor
	r, cached := b.cache.lot(req.LotID)
	if !cached {
		var err error
		if r, err = tx.lockLot(ctx, req.LotID); err != nil {
			return BidResult{}, tx.db.classify(err)
		}
	}
	var idemKey string
	if req.IdemKey != "" {
		idemKey = bidIdemKey(req)
		op, body, err := b.w.idempotency(ctx, idemKey)
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
	english := auction.Mechanism(r.Mechanism) == auction.English
	var acct bidderAccount
	var err error
	if english {
		acct, cached = b.cache.account(&r, a.OrgID)
	}
	if !english || !cached {
		if acct, err = tx.bidder(ctx, &r, a.OrgID); err != nil {
			return BidResult{}, err
		}
		if english {
			b.cache.remember(&r, a.OrgID, &acct)
		}
	}
	if !english && b.cache != nil {
		defer b.cache.clear() // the other mechanisms write commitments the cache does not follow
	}
	if !acct.verified || acct.kind != string(niaga.OrgBusiness) {
		return BidResult{}, niaga.Errorf(niaga.CodeNotVerified, "only verified business organizations may bid")
	}
	res := BidResult{LotID: r.ID, Mechanism: r.Mechanism, At: now, EndsAt: r.EndsAt}
	var kind string
	var event rawEvent
	switch m := auction.Mechanism(r.Mechanism); {
	case m == auction.English:
		kind, event, err = b.bidEnglish(ctx, &r, &acct, req, &res)
	case m.Sealed():
		kind, event, err = b.bidSealed(ctx, &r, &acct, req, &res)
	case m == auction.Dutch:
		kind, event, err = b.bidDutch(ctx, &r, &acct, req, &res)
	case m == auction.Call:
		kind, event, err = b.bidCall(ctx, &r, &acct, req, &res)
	default:
		err = fmt.Errorf("lot %d has unknown mechanism %q", r.ID, r.Mechanism)
	}
	if err != nil {
		return BidResult{}, err
	}
	b.writing()
	if event != nil { // sealed bids and call orders emit none: their count is secret until close
		if _, err := b.w.event(ctx, LotTopic(r.ID), kind, event); err != nil {
			return BidResult{}, err
		}
	}
	if idemKey != "" {
		body, _ := json.Marshal(res)
		op := "lot:" + strconv.FormatInt(req.LotID, 10)
		if err := b.w.keepIdempotency(ctx, idemKey, a.UserID, op, string(body)); err != nil {
			return BidResult{}, err
		}
	}
	return res, nil
}

// bidIdemKey is where a bid's Idempotency-Key is kept: per user.
func bidIdemKey(req BidRequest) string {
	return "bid:" + strconv.FormatInt(req.Actor.UserID, 10) + ":" + req.IdemKey
}

// eventJSON builds an event payload without reflection. Keys must be
// added in sorted order: the payload is then byte for byte what
// encoding/json makes of the same map.
type eventJSON struct{ b []byte }

func newEventJSON() *eventJSON { return &eventJSON{b: append(make([]byte, 0, 256), '{')} }

func (e *eventJSON) key(k string) {
	if len(e.b) > 1 {
		e.b = append(e.b, ',')
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
}

func (e *eventJSON) int(k string, v int64) *eventJSON {
	e.key(k)
	e.b = strconv.AppendInt(e.b, v, 10)
	return e
}

func (e *eventJSON) bool(k string, v bool) *eventJSON {
	e.key(k)
	e.b = strconv.AppendBool(e.b, v)
	return e
}

// str adds a string value; only identifiers (kinds, statuses) go here.
func (e *eventJSON) str(k, v string) *eventJSON {
	e.key(k)
	e.b = append(e.b, '"')
	e.b = append(e.b, v...)
	e.b = append(e.b, '"')
	return e
}

func (e *eventJSON) time(k string, t time.Time) *eventJSON {
	e.key(k)
	e.b = append(e.b, '"')
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	e.b = append(e.b, '"')
	return e
}

func (e *eventJSON) done() rawEvent { return rawEvent(append(e.b, '}')) }

// value multiplies a unit price by a quantity, refusing overflow.
func value(price, qty int64, field string) (int64, error) {
	v, ok := niaga.MulInt64(price, qty)
	if !ok || v > niaga.MaxContractValue {
		return 0, niaga.Invalid(field, "price × quantity must be at most "+niaga.FormatInt(niaga.MaxContractValue, "en"))
	}
	return v, nil
}

// ratioOf is ceil(v × bps / 10000) without overflowing.
func ratioOf(v, bps int64) int64 {
	return v/10000*bps + (v%10000*bps+9999)/10000
}

// englishCommitment is the open commitment an english lot holds for org:
// the lot's guarantee for the leader (who leads is public), nothing for
// anyone else. It never follows the leader's secret maximum.
func englishCommitment(r *lotRow, org int64) int64 {
	if org == 0 || org != r.LeaderOrg {
		return 0
	}
	return r.Guarantee
}

// depositStanding is the deposit check's arithmetic, in this one place:
// what a buyer's account at the lot's market (read with the bidder) covers
// for a lot's guarantee. Bids are checked with it and lots show it to
// their buyer (LotDeposit). It needs no bid amount: nothing it answers
// depends on a price, a proxy maximum or a limit (see docs/deposits.md).
func depositStanding(guarantee, marketID, org int64, acct *bidderAccount) niaga.LotDeposit {
	s := niaga.LotDeposit{Guarantee: guarantee, HasAccount: acct.hasAccount, Free: acct.balance - acct.locked, Held: acct.others}
	s.PaymentReference, _ = niaga.PaymentReference(marketID, org)
	need, ok := niaga.AddInt64(guarantee, acct.others)
	if !ok {
		need = math.MaxInt64
	}
	if avail, ok := niaga.AddInt64(s.Free, -s.Held); ok && avail > 0 {
		s.Available = avail
	}
	if s.Free < need {
		if s.Missing, ok = niaga.AddInt64(need, -s.Free); !ok {
			s.Missing = math.MaxInt64
		}
	}
	return s
}

// checkDeposit refuses a bid whose buyer's free deposit does not cover this
// lot's guarantee plus the guarantees of the buyer's other open positions
// at the market, from the account that placeBid read (and locked) with the
// bidder.
func checkDeposit(r *lotRow, acct *bidderAccount, org int64) error {
	if s := depositStanding(r.Guarantee, r.MarketID, org, acct); !s.HasAccount || s.Missing > 0 {
		return &DepositShortfall{MarketID: r.MarketID, Standing: s}
	}
	return nil
}

// DepositShortfall refuses a bid for want of deposit. It says how much is
// missing and how to pay it in: the buyer's payment reference and, filled
// in by PlaceBid once the bid's transaction is over, the market's payment
// instructions. Every figure is the buyer's own or public.
type DepositShortfall struct {
	MarketID int64
	Standing niaga.LotDeposit
	Payment  niaga.PaymentInstructions
}

func (e *DepositShortfall) message() string {
	s := e.Standing
	pay := fmt.Sprintf("pay Rp %s in with payment reference %s", niaga.FormatInt(s.Missing, "id"), niaga.FormatPaymentReference(s.PaymentReference))
	if e.Payment.Set() {
		pay += fmt.Sprintf(" to %s account %s (%s)", e.Payment.Bank, e.Payment.AccountNumber, e.Payment.AccountHolder)
	}
	if !s.HasAccount {
		return "no guarantee deposit at this market: " + pay + " before you bid"
	}
	return fmt.Sprintf("free deposit Rp %s does not cover the guarantee: Rp %s required (Rp %s for this lot + Rp %s for your other open positions at this market), Rp %s missing: %s",
		niaga.FormatInt(s.Free, "id"), niaga.FormatInt(s.Free+s.Missing, "id"), niaga.FormatInt(s.Guarantee, "id"), niaga.FormatInt(s.Held, "id"),
		niaga.FormatInt(s.Missing, "id"), pay)
}

func (e *DepositShortfall) Error() string {
	return string(niaga.CodeInsufficientDeposit) + ": " + e.message()
}

// Unwrap exposes the domain error so the code maps to a status.
func (e *DepositShortfall) Unwrap() error {
	return &niaga.Error{Code: niaga.CodeInsufficientDeposit, Message: e.message()}
}

// Shortfall is what the refusal's problem document adds: the amount
// missing, the payment reference and where to pay.
func (e *DepositShortfall) Shortfall() (missing int64, reference string, payment niaga.PaymentInstructions) {
	return e.Standing.Missing, e.Standing.PaymentReference, e.Payment
}

func (tx *Tx) setCommitment(ctx context.Context, r *lotRow, org, v int64) error {
	_, err := tx.Exec(ctx, qCommit, r.ID, org, r.MarketID, v)
	return err
}

func (tx *Tx) insertBid(ctx context.Context, r *lotRow, req BidRequest, side string, price, maxPrice, qty int64) (int64, error) {
	return tx.hotInsertID(ctx, qInsertBid, r.ID, req.Actor.OrgID, req.Actor.UserID, side, price, maxPrice, qty, micros(req.At))
}

func (b *bidBatch) bidEnglish(ctx context.Context, r *lotRow, acct *bidderAccount, req BidRequest, res *BidResult) (string, rawEvent, error) {
	maxPrice := max(req.In.Price, req.In.MaxPrice)
	if maxPrice <= 0 {
		return "", nil, niaga.Invalid("price", "give a price or a max_price")
	}
	p, s := r.englishParams(), r.englishState()
	if _, err := value(maxPrice, r.Quantity, "max_price"); err != nil {
		return "", nil, err
	}
	// The leader already holds the lot's guarantee: raising a maximum
	// commits nothing more (and must not: the maximum is secret).
	if req.Actor.OrgID != s.Leader {
		if err := checkDeposit(r, acct, req.Actor.OrgID); err != nil {
			return "", nil, err
		}
	}
	ns, out, err := auction.EnglishBid(p, s, req.Actor.OrgID, maxPrice, req.At)
	if err != nil {
		return "", nil, ruleError(err)
	}
	b.writing()
	after := *r
	after.LeaderOrg, after.leaderMax, after.Price, after.BidCount, after.EndsAt, after.Extensions = ns.Leader, ns.LeaderMax, ns.Price, int64(ns.Bids), ns.EndsAt, int64(ns.Extensions)
	var bidID int64
	if bidID, err = b.w.english(ctx, r, &after, req, out.Price, maxPrice); err != nil {
		return "", nil, err
	}
	b.cache.applied(r, &after)
	*res = BidResult{BidID: bidID, LotID: r.ID, Mechanism: r.Mechanism, Price: out.Price, Leading: out.Leading, MinNext: out.MinNext,
		EndsAt: out.EndsAt, Extended: out.Extended, At: req.At}
	kind := "bid"
	if out.Extended {
		kind = "extend"
	}
	return kind, newEventJSON().time("at", req.At).int("bid_count", int64(ns.Bids)).int("bid_id", bidID).time("ends_at", out.EndsAt).
		bool("extended", out.Extended).str("kind", kind).int("leader_org_id", ns.Leader).int("lot_id", r.ID).int("min_next", out.MinNext).
		int("price", out.Price).done(), nil
}

func (b *bidBatch) bidSealed(ctx context.Context, r *lotRow, acct *bidderAccount, req BidRequest, res *BidResult) (string, rawEvent, error) {
	if req.In.MaxPrice != 0 {
		return "", nil, niaga.Invalid("max_price", "sealed lots take one price")
	}
	if err := auction.SealedCheck(r.Reserve, req.In.Price, r.EndsAt, req.At); err != nil {
		return "", nil, ruleError(err)
	}
	if _, err := value(req.In.Price, r.Quantity, "price"); err != nil {
		return "", nil, err
	}
	if err := checkDeposit(r, acct, req.Actor.OrgID); err != nil {
		return "", nil, err
	}
	b.writing()
	// One revisable bid per buyer: the previous one stays as history, inactive.
	if _, err := b.tx.Exec(ctx, "UPDATE bids SET active = FALSE WHERE lot_id = $1 AND bidder_org_id = $2 AND active", r.ID, req.Actor.OrgID); err != nil {
		return "", nil, err
	}
	bidID, err := b.tx.insertBid(ctx, r, req, "buy", req.In.Price, 0, r.Quantity)
	if err != nil {
		return "", nil, err
	}
	if err := b.tx.setCommitment(ctx, r, req.Actor.OrgID, r.Guarantee); err != nil {
		return "", nil, err
	}
	*res = BidResult{BidID: bidID, LotID: r.ID, Mechanism: r.Mechanism, Price: req.In.Price, EndsAt: r.EndsAt, At: req.At}
	// No event and no count: until the close nobody learns that a bid or a
	// revision came (the closing step counts the bids, see CloseLot).
	return "bid", nil, nil
}

func (b *bidBatch) bidDutch(ctx context.Context, r *lotRow, acct *bidderAccount, req BidRequest, res *BidResult) (string, rawEvent, error) {
	price, err := auction.DutchAccept(r.dutchParams(), req.At, r.EndsAt)
	if err != nil {
		return "", nil, ruleError(err)
	}
	if _, err := value(price, r.Quantity, "price"); err != nil {
		return "", nil, err
	}
	if err := checkDeposit(r, acct, req.Actor.OrgID); err != nil {
		return "", nil, err
	}
	// The award can still refuse (a deposit too small to lock): undo the
	// accept's writes then, not the batch's.
	if err := b.protect(ctx); err != nil {
		return "", nil, err
	}
	bidID, err := b.tx.insertBid(ctx, r, req, "buy", price, 0, r.Quantity)
	if err != nil {
		return "", nil, err
	}
	if _, err := b.tx.Exec(ctx, "UPDATE lots SET bid_count = bid_count + 1, price = $1, leader_org_id = $2 WHERE id = $3", price, req.Actor.OrgID, r.ID); err != nil {
		return "", nil, err
	}
	r.BidCount++
	contracts, err := b.tx.award(ctx, r, []auction.Fill{{Buyer: req.Actor.OrgID, Seller: r.SellerOrgID, Qty: r.Quantity, Price: price}}, req.Actor, req.At)
	if err != nil {
		return "", nil, err
	}
	*res = BidResult{BidID: bidID, LotID: r.ID, Mechanism: r.Mechanism, Price: price, Leading: true, EndsAt: req.At, ContractID: contracts[0], At: req.At}
	return "close", newEventJSON().time("at", req.At).str("kind", "close").int("lot_id", r.ID).int("price", price).str("status", niaga.LotSold).
		int("winner_org_id", req.Actor.OrgID).done(), nil
}

func (b *bidBatch) bidCall(ctx context.Context, r *lotRow, acct *bidderAccount, req BidRequest, res *BidResult) (string, rawEvent, error) {
	in := req.In
	side := in.Side
	if side == "" {
		side = "buy"
	}
	if in.Price <= 0 {
		return "", nil, niaga.Invalid("price", "a call order needs a limit price")
	}
	if in.Quantity <= 0 {
		return "", nil, niaga.Invalid("quantity", "a call order needs a positive quantity")
	}
	if _, err := value(in.Price, in.Quantity, "price"); err != nil {
		return "", nil, err
	}
	// A buyer's position on the lot holds the lot's guarantee once,
	// whatever its orders' limits and quantities.
	if side == "buy" {
		if err := checkDeposit(r, acct, req.Actor.OrgID); err != nil {
			return "", nil, err
		}
	}
	b.writing()
	if side == "buy" {
		if err := b.tx.setCommitment(ctx, r, req.Actor.OrgID, r.Guarantee); err != nil {
			return "", nil, err
		}
	}
	bidID, err := b.tx.insertBid(ctx, r, req, side, in.Price, 0, in.Quantity)
	if err != nil {
		return "", nil, err
	}
	*res = BidResult{BidID: bidID, LotID: r.ID, Mechanism: r.Mechanism, Price: in.Price, EndsAt: r.EndsAt, At: req.At}
	// Orders of a call stay hidden until the clearing, like sealed bids:
	// no event, no count.
	return "bid", nil, nil
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
