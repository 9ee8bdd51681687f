package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"niaga"
	"niaga/auction"
)

// Settlement terms of a new contract: the buyer pays within PaymentTerm of
// the award, the seller delivers within DeliveryTerm.
const (
	PaymentTerm  = 3 * 24 * time.Hour
	DeliveryTerm = 7 * 24 * time.Hour
)

// fees returns one side's fee: basis points of the value plus Rupiah per
// 1 000 base units (per ton for kg commodities).
func fees(v, qty, bps, perThousand int64) int64 {
	pct := v/10000*bps + v%10000*bps/10000
	per := qty/1000*perThousand + qty%1000*perThousand/1000
	return pct + per
}

// award turns fills into contracts: deposits are locked, the lot is marked
// sold, the price history is extended and the close event is emitted by the
// caller. It returns the contract ids in fill order.
func (tx *Tx) award(ctx context.Context, r *lotRow, fills []auction.Fill, actor *niaga.Actor, at time.Time) ([]int64, error) {
	var m niaga.Market
	m, err := scanMarket(tx.QueryRow(ctx, "SELECT "+marketCols+" FROM markets WHERE id = $1", r.MarketID))
	if err != nil {
		return nil, err
	}
	var delivery string
	if err := tx.QueryRow(ctx, "SELECT delivery_date FROM auction_sessions WHERE id = $1", r.SessionID).Scan(&delivery); err != nil {
		return nil, err
	}
	deliveryDue := at.Add(DeliveryTerm)
	if d, err := time.Parse("2006-01-02", delivery); err == nil && d.After(at) {
		deliveryDue = d
	}
	var ids []int64
	var volume, price int64
	held := map[int64]bool{} // buyers whose guarantee a contract of this lot holds
	for _, f := range fills {
		v, ok := niaga.MulInt64(f.Price, f.Qty)
		if !ok {
			return nil, niaga.Invalid("price", "contract value too large")
		}
		// The winner's guarantee for the lot is locked until settlement,
		// once per buyer (by its first contract when a call fills it more
		// than once).
		var lock int64
		if !held[f.Buyer] {
			held[f.Buyer] = true
			if lock, err = tx.lockDeposit(ctx, r.MarketID, f.Buyer, r.Guarantee); err != nil {
				return nil, err
			}
		}
		id, err := tx.InsertID(ctx, `INSERT INTO contracts (lot_id, market_id, buyer_org_id, seller_org_id, commodity, grade, quantity, price, value,
			buyer_fee, seller_fee, deposit_locked, status, payment_due, delivery_due, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)`,
			r.ID, r.MarketID, f.Buyer, f.Seller, r.Commodity, r.Grade, f.Qty, f.Price, v,
			fees(v, f.Qty, m.FeeBuyerBps, m.FeeBuyerPerTon), fees(v, f.Qty, m.FeeSellerBps, m.FeeSellerPerTon), lock,
			niaga.ContractAwaitingPayment, micros(at.Add(PaymentTerm)), micros(deliveryDue), micros(at))
		if err != nil {
			return nil, err
		}
		if lock > 0 {
			if _, err := tx.Exec(ctx, "INSERT INTO deposit_entries (market_id, org_id, kind, amount, contract_id, actor_id, created_at) VALUES ($1,$2,'lock',$3,$4,$5,$6)",
				r.MarketID, f.Buyer, lock, id, actorID(actor), micros(at)); err != nil {
				return nil, err
			}
		}
		if _, err := tx.Exec(ctx, "INSERT INTO contract_steps (contract_id, from_status, to_status, actor_id, note, created_at) VALUES ($1,'',$2,$3,'award',$4)",
			id, niaga.ContractAwaitingPayment, actorID(actor), micros(at)); err != nil {
			return nil, err
		}
		if err := tx.Audit(actor, "contract.create", "contract", id, nil, map[string]any{"lot_id": r.ID, "buyer": f.Buyer, "seller": f.Seller, "qty": f.Qty, "price": f.Price, "value": v}); err != nil {
			return nil, err
		}
		ids = append(ids, id)
		volume += f.Qty
		price = f.Price
	}
	winner := int64(0)
	if len(fills) > 0 {
		winner = fills[0].Buyer
	}
	if _, err := tx.Exec(ctx, "UPDATE lots SET status = $1, winner_org_id = $2, award_price = $3, sold_quantity = $4, closed_at = $5 WHERE id = $6",
		niaga.LotSold, winner, price, volume, micros(at), r.ID); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO prices (lot_id, commodity, grade, province, price, quantity, mechanism, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
		r.ID, r.Commodity, r.Grade, r.Province, price, volume, r.Mechanism, micros(at)); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM commitments WHERE lot_id = $1", r.ID); err != nil {
		return nil, err
	}
	return ids, tx.Audit(actor, "lot.award", "lot", r.ID, map[string]string{"status": niaga.LotAdmitted},
		map[string]any{"status": niaga.LotSold, "price": price, "quantity": volume, "contracts": ids})
}

func actorID(a *niaga.Actor) int64 {
	if a == nil {
		return 0
	}
	return a.UserID
}

// lockDeposit holds up to want (the lot's guarantee) of a buyer's free
// deposit for a contract and returns what it held (the deposit check at bid
// time makes it want).
func (tx *Tx) lockDeposit(ctx context.Context, market, org, want int64) (int64, error) {
	var balance, locked int64
	err := tx.QueryRow(ctx, "SELECT balance, locked FROM deposit_accounts WHERE market_id = $1 AND org_id = $2"+tx.ForUpdate(), market, org).Scan(&balance, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	lock := min(want, max(balance-locked, 0))
	if lock == 0 {
		return 0, nil
	}
	_, err = tx.Exec(ctx, "UPDATE deposit_accounts SET locked = locked + $1 WHERE market_id = $2 AND org_id = $3", lock, market, org)
	return lock, err
}

// CloseLot awards one lot whose end has passed. It is idempotent and safe
// to run on every instance at once: the lot row is locked and its status
// re-checked, so exactly one closer wins. closed reports whether this call
// closed it.
func (db *DB) CloseLot(ctx context.Context, id int64, now time.Time) (closed bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		r, err := scanLot(tx.QueryRow(ctx, lotSelect+"WHERE l.id = $1"+tx.ForUpdateOf("l"), id))
		if err != nil {
			return err
		}
		if r.Status != niaga.LotAdmitted || r.EndsAt.After(now) {
			return nil
		}
		fills, err := tx.result(ctx, &r)
		if err != nil {
			return err
		}
		if m := auction.Mechanism(r.Mechanism); m.Sealed() || m == auction.Call {
			// The closing step alone counts a sealed lot's bidders (a
			// revision is not a new bid) or a call lot's orders: the count
			// was secret while bidding.
			q := "UPDATE lots SET bid_count = (SELECT COUNT(*) FROM bids WHERE lot_id = $1 AND active) WHERE id = $1"
			if m == auction.Call {
				q = "UPDATE lots SET bid_count = (SELECT COUNT(*) FROM bids WHERE lot_id = $1) WHERE id = $1"
			}
			if _, err := tx.Exec(ctx, q, r.ID); err != nil {
				return err
			}
		}
		closeAt := r.EndsAt
		event := map[string]any{"lot_id": r.ID, "at": closeAt}
		if len(fills) == 0 {
			if _, err := tx.Exec(ctx, "UPDATE lots SET status = $1, closed_at = $2 WHERE id = $3", niaga.LotUnsold, micros(closeAt), r.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM commitments WHERE lot_id = $1", r.ID); err != nil {
				return err
			}
			if err := tx.Audit(nil, "lot.unsold", "lot", r.ID, map[string]string{"status": niaga.LotAdmitted}, map[string]string{"status": niaga.LotUnsold}); err != nil {
				return err
			}
			event["status"] = niaga.LotUnsold
		} else {
			ids, err := tx.award(ctx, &r, fills, nil, closeAt)
			if err != nil {
				return err
			}
			var vol int64
			for _, f := range fills {
				vol += f.Qty
			}
			event["status"], event["price"], event["quantity"], event["contracts"] = niaga.LotSold, fills[len(fills)-1].Price, vol, ids
			event["winner_org_id"] = fills[0].Buyer
		}
		if _, err := tx.Emit(ctx, LotTopic(r.ID), "close", event); err != nil {
			return err
		}
		closed = true
		return tx.notifyOutcome(ctx, &r, fills)
	})
	return closed, err
}

// result applies the lot's mechanism to its bids: the fills to award (none
// when unsold).
func (tx *Tx) result(ctx context.Context, r *lotRow) ([]auction.Fill, error) {
	switch m := auction.Mechanism(r.Mechanism); {
	case m == auction.English:
		winner, price, sold := auction.EnglishResult(r.englishParams(), r.englishState())
		if !sold {
			return nil, nil
		}
		return []auction.Fill{{Buyer: winner, Seller: r.SellerOrgID, Qty: r.Quantity, Price: price}}, nil
	case m.Sealed():
		rows, err := tx.Query(ctx, "SELECT id, bidder_org_id, price, created_at FROM bids WHERE lot_id = $1 AND active ORDER BY id", r.ID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var bids []auction.SealedBid
		for rows.Next() {
			var b auction.SealedBid
			var at int64
			if err := rows.Scan(&b.Seq, &b.Bidder, &b.Price, &at); err != nil {
				return nil, err
			}
			b.At = fromMicros(at)
			bids = append(bids, b)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		award, ok := auction.SealedResult(m, r.Reserve, bids)
		if !ok {
			return nil, nil
		}
		return []auction.Fill{{Buyer: award.Bidder, Seller: r.SellerOrgID, Qty: r.Quantity, Price: award.Price}}, nil
	case m == auction.Call:
		// The lot's own quantity is the first ask, at its reserve.
		orders := []auction.Order{{ID: -1, Trader: r.SellerOrgID, Side: auction.Sell, Qty: r.Quantity, Limit: r.Reserve, Seq: 0}}
		rows, err := tx.Query(ctx, "SELECT id, bidder_org_id, side, quantity, price FROM bids WHERE lot_id = $1 AND active ORDER BY id", r.ID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var o auction.Order
			var side string
			if err := rows.Scan(&o.ID, &o.Trader, &side, &o.Qty, &o.Limit); err != nil {
				return nil, err
			}
			o.Side, o.Seq = auction.Side(side), o.ID
			orders = append(orders, o)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		c := auction.Clear(orders)
		if c.Err != nil {
			return nil, c.Err
		}
		return c.Fills, nil
	}
	return nil, nil // dutch: no accept before the end means unsold
}

// DueLots lists admitted lots whose end has passed: the closer's work.
func (db *DB) DueLots(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := db.query(ctx, "SELECT id FROM lots WHERE status = $1 AND ends_at <= $2 ORDER BY ends_at LIMIT $3", niaga.LotAdmitted, micros(now), limit)
	if err != nil {
		return nil, err
	}
	ids, err := scanIDs(rows)
	return ids, db.classify(err)
}

// RunCloser closes due lots every interval until ctx ends. Every instance
// runs one; CloseLot makes sure each lot is awarded once.
func (db *DB) RunCloser(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids, err := db.DueLots(ctx, time.Now(), 200)
		if err != nil {
			if ctx.Err() == nil {
				db.log.Warn("closer: listing due lots", "error", err)
			}
			continue
		}
		for _, id := range ids {
			if _, err := db.CloseLot(ctx, id, time.Now()); err != nil && ctx.Err() == nil {
				db.log.Warn("closer: closing lot", "lot", id, "error", err)
			}
		}
	}
}

// settleRule says who may move a contract from one status to another.
// SettleInput moves a contract one step.
type SettleInput struct {
	Status     string `json:"status" enum:"settle_step" doc:"The status the contract moves to; the settlement state machine decides who may take which step from which status."`
	Note       string `json:"note,omitempty" range:"long_note"`
	Adjustment int64  `json:"adjustment,omitempty" range:"adjustment" doc:"completed only: a price adjustment in Rupiah for quantity or quality deviations (negative: the buyer pays less), within the contract's value."`
}

// Validate checks a settlement step's fields.
func (in *SettleInput) Validate() error {
	var c niaga.Check
	c.Require(in.Status != "", "status", "required")
	c.Text("note", in.Note, niaga.RangeLongNote)
	c.InRange("adjustment", in.Adjustment, niaga.RangeAdjustment)
	return c.Err()
}

// Settle records one settlement step with its actor and time, and moves the
// buyer's deposit: released on completion or cancellation, forfeited when
// the buyer defaults.
func (db *DB) Settle(ctx context.Context, actor *niaga.Actor, id int64, in SettleInput) (niaga.Contract, error) {
	if err := in.Validate(); err != nil {
		return niaga.Contract{}, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		c, organizer, err := tx.contractForUpdate(ctx, id)
		if err != nil {
			return err
		}
		parties := niaga.PartiesOf(actor, c, organizer)
		if parties == 0 {
			return niaga.Errorf(niaga.CodeNotFound, "contract %d not found", id)
		}
		rule, ok := niaga.SettleRuleFor(c.Status, in.Status)
		if !ok {
			return &niaga.Error{Code: niaga.CodeConflict, Message: fmt.Sprintf("a %s contract cannot become %s", c.Status, in.Status),
				Fields: []niaga.FieldError{{Field: "status", Reason: "not allowed from " + c.Status}}}
		}
		if !rule.AllowedFor(parties) {
			return niaga.Errorf(niaga.CodeForbidden, "your part in this contract may not make it %s", in.Status)
		}
		if in.Adjustment != 0 && in.Status != niaga.ContractCompleted {
			return niaga.Invalid("adjustment", "only at completion")
		}
		if in.Adjustment < -c.Value || in.Adjustment > c.Value {
			return niaga.Invalid("adjustment", "must not exceed the contract value")
		}
		if _, err := tx.Exec(ctx, "UPDATE contracts SET status = $1, adjustment = adjustment + $2, updated_at = $3 WHERE id = $4", in.Status, in.Adjustment, micros(tx.Now), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO contract_steps (contract_id, from_status, to_status, actor_id, note, adjustment, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
			id, c.Status, in.Status, actorID(actor), in.Note, in.Adjustment, micros(tx.Now)); err != nil {
			return err
		}
		if c.DepositLocked > 0 {
			switch {
			case in.Status == niaga.ContractDefaulted && c.Status == niaga.ContractAwaitingPayment:
				err = tx.moveDeposit(ctx, actor, c, "forfeit")
			case in.Status == niaga.ContractCompleted || in.Status == niaga.ContractCancelled || in.Status == niaga.ContractDefaulted:
				err = tx.moveDeposit(ctx, actor, c, "unlock")
			}
			if err != nil {
				return err
			}
		}
		if err := tx.Audit(actor, "contract."+in.Status, "contract", id, map[string]string{"status": c.Status}, in); err != nil {
			return err
		}
		return tx.notifyDue(ctx, c, in.Status)
	})
	if err != nil {
		return niaga.Contract{}, err
	}
	return db.Contract(ctx, actor, id)
}

func (tx *Tx) moveDeposit(ctx context.Context, actor *niaga.Actor, c niaga.Contract, kind string) error {
	q := "UPDATE deposit_accounts SET locked = locked - $1 WHERE market_id = $2 AND org_id = $3"
	if kind == "forfeit" {
		q = "UPDATE deposit_accounts SET locked = locked - $1, balance = balance - $1, forfeited = forfeited + $1 WHERE market_id = $2 AND org_id = $3"
	}
	if _, err := tx.Exec(ctx, q, c.DepositLocked, c.MarketID, c.BuyerOrgID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "INSERT INTO deposit_entries (market_id, org_id, kind, amount, contract_id, actor_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
		c.MarketID, c.BuyerOrgID, kind, c.DepositLocked, c.ID, actorID(actor), micros(tx.Now))
	return err
}

const contractCols = `c.id, c.lot_id, c.market_id, c.buyer_org_id, c.seller_org_id, c.commodity, c.grade, c.quantity, c.price, c.value,
	c.buyer_fee, c.seller_fee, c.deposit_locked, c.adjustment, c.status, c.payment_due, c.delivery_due, c.created_at, m.organizer_org_id`

func scanContract(s interface{ Scan(...any) error }) (niaga.Contract, int64, error) {
	var c niaga.Contract
	var pay, del, created, organizer int64
	err := s.Scan(&c.ID, &c.LotID, &c.MarketID, &c.BuyerOrgID, &c.SellerOrgID, &c.Commodity, &c.Grade, &c.Quantity, &c.Price, &c.Value,
		&c.BuyerFee, &c.SellerFee, &c.DepositLocked, &c.Adjustment, &c.Status, &pay, &del, &created, &organizer)
	c.PaymentDue, c.DeliveryDue, c.CreatedAt = fromMicros(pay), fromMicros(del), fromMicros(created)
	return c, organizer, err
}

func (tx *Tx) contractForUpdate(ctx context.Context, id int64) (niaga.Contract, int64, error) {
	c, org, err := scanContract(tx.QueryRow(ctx, "SELECT "+contractCols+" FROM contracts c JOIN markets m ON m.id = c.market_id WHERE c.id = $1"+tx.ForUpdateOf("c"), id))
	return c, org, tx.db.classify(err)
}

// Contract returns a contract with its steps to one of its parties, the
// market's organizer or an admin.
func (db *DB) Contract(ctx context.Context, actor *niaga.Actor, id int64) (niaga.Contract, error) {
	c, org, err := scanContract(db.queryRow(ctx, "SELECT "+contractCols+" FROM contracts c JOIN markets m ON m.id = c.market_id WHERE c.id = $1", id))
	if err != nil {
		return c, db.classify(err)
	}
	if niaga.PartiesOf(actor, c, org) == 0 {
		return niaga.Contract{}, niaga.Errorf(niaga.CodeNotFound, "contract %d not found", id)
	}
	rows, err := db.query(ctx, "SELECT from_status, to_status, actor_id, note, adjustment, created_at FROM contract_steps WHERE contract_id = $1 ORDER BY id", id)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var s niaga.ContractStep
		var at int64
		if err := rows.Scan(&s.From, &s.To, &s.ActorID, &s.Note, &s.Adjustment, &at); err != nil {
			return c, err
		}
		s.At = fromMicros(at)
		c.Steps = append(c.Steps, s)
	}
	return c, db.classify(rows.Err())
}

// Contracts lists the contracts the actor is party to (all for admins;
// the markets' contracts for organizers), optionally of one lot.
func (db *DB) Contracts(ctx context.Context, actor *niaga.Actor, lotID int64) ([]niaga.Contract, error) {
	rows, err := db.query(ctx, "SELECT "+contractCols+` FROM contracts c JOIN markets m ON m.id = c.market_id
		WHERE ($1 = 0 OR c.lot_id = $1) AND ($2 OR c.buyer_org_id = $3 OR c.seller_org_id = $3 OR (m.organizer_org_id = $3 AND $4)) ORDER BY c.id`,
		lotID, actor.Role == niaga.RoleAdmin, actor.OrgID, actor.Role == niaga.RoleOrganizer)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.Contract{}
	for rows.Next() {
		c, _, err := scanContract(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, db.classify(rows.Err())
}

// notifyOutcome tells the buyers of a closed lot: the winners what they
// won, at what price and quantity; every other business that bid on it
// that it went to another (or unsold).
func (tx *Tx) notifyOutcome(ctx context.Context, r *lotRow, fills []auction.Fill) error {
	link := "/lots/" + strconv.FormatInt(r.ID, 10)
	won := map[int64]bool{}
	for _, f := range fills {
		if won[f.Buyer] {
			continue
		}
		won[f.Buyer] = true
		var qty int64
		for _, g := range fills {
			if g.Buyer == f.Buyer {
				qty += g.Qty
			}
		}
		params := map[string]any{"lot_id": r.ID, "commodity": r.Commodity, "price": f.Price, "quantity": qty}
		if err := tx.notifyOrg(ctx, f.Buyer, niaga.NotifyWon, params, link); err != nil {
			return err
		}
	}
	rows, err := tx.Query(ctx, "SELECT DISTINCT bidder_org_id FROM bids WHERE lot_id = $1 AND side = 'buy' ORDER BY bidder_org_id", r.ID)
	if err != nil {
		return err
	}
	var lost []int64
	for rows.Next() {
		var org int64
		if err := rows.Scan(&org); err != nil {
			_ = rows.Close() // the scan error is the one to report
			return err
		}
		if !won[org] {
			lost = append(lost, org)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, org := range lost {
		if err := tx.notifyOrg(ctx, org, niaga.NotifyLost, map[string]any{"lot_id": r.ID, "commodity": r.Commodity}, link); err != nil {
			return err
		}
	}
	return nil
}

// notifyDue tells the business whose move a contract now waits for (see
// niaga.DueParty) that its step is due.
func (tx *Tx) notifyDue(ctx context.Context, c niaga.Contract, status string) error {
	var org int64
	switch niaga.DueParty(status) {
	case niaga.PartyBuyer:
		org = c.BuyerOrgID
	case niaga.PartySeller:
		org = c.SellerOrgID
	default:
		return nil
	}
	params := map[string]any{"contract_id": c.ID, "lot_id": c.LotID, "status": status, "value": c.Value}
	return tx.notifyOrg(ctx, org, niaga.NotifyContractStep, params, "/contracts/"+strconv.FormatInt(c.ID, 10))
}
