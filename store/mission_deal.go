package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"niaga"
)

// snapTx runs reads on one snapshot of the read pool.
type snapTx struct{ tx *sql.Tx }

func (r snapTx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return r.tx.QueryRowContext(ctx, query, args...)
}

func (r snapTx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.tx.QueryContext(ctx, query, args...)
}

// snapshot runs fn in a read-only transaction, so figures computed by
// several queries (a summary) agree with each other.
func (db *DB) readSnapshot(ctx context.Context, fn func(q rowQuerier) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return db.classify(err)
	}
	defer tx.Rollback() //nolint:errcheck // after a commit it only says ErrTxDone
	if err := fn(rebindQuerier{snapTx{tx}, db}); err != nil {
		return db.classify(err)
	}
	return db.classify(tx.Commit())
}

// rebindQuerier rewrites $N placeholders for SQLite before delegating.
type rebindQuerier struct {
	q  rowQuerier
	db *DB
}

func (r rebindQuerier) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return r.q.QueryRow(ctx, r.db.q(query), args...)
}

func (r rebindQuerier) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.q.Query(ctx, r.db.q(query), args...)
}

const dealCols = `d.id, d.mission_id, d.seller_id, d.buyer_id, so.name, bo.name, d.seller_province, d.buyer_province, d.commodity, d.kind,
	d.quantity, d.value, d.note, COALESCE(d.reverses, 0), COALESCE((SELECT r.id FROM deals r WHERE r.reverses = d.id), 0), d.reason,
	d.validation, d.validated_by, d.validated_at, d.validation_note,
	COALESCE((SELECT SUM(z.amount) FROM deal_realizations z WHERE z.deal_id = d.id), 0), d.recorded_by, d.recorded_org, d.recorded_at`

const dealFrom = ` FROM deals d
	JOIN mission_participants sp ON sp.id = d.seller_id JOIN organizations so ON so.id = sp.org_id
	JOIN mission_participants bp ON bp.id = d.buyer_id JOIN organizations bo ON bo.id = bp.org_id`

func scanDeal(s interface{ Scan(...any) error }, d *niaga.Deal) error {
	var vat, rat int64
	err := s.Scan(&d.ID, &d.MissionID, &d.SellerID, &d.BuyerID, &d.SellerName, &d.BuyerName, &d.SellerProvince, &d.BuyerProvince,
		&d.Commodity, &d.Kind, &d.Quantity, &d.Value, &d.Note, &d.Reverses, &d.ReversedBy, &d.Reason,
		&d.Validation, &d.ValidatedBy, &vat, &d.ValidationNote, &d.Realized, &d.RecordedBy, &d.RecordedOrg, &rat)
	d.ValidatedAt, d.RecordedAt = fromMicros(vat), fromMicros(rat)
	return err
}

func loadDeal(ctx context.Context, q rowQuerier, id int64) (niaga.Deal, error) {
	var d niaga.Deal
	err := scanDeal(q.QueryRow(ctx, "SELECT "+dealCols+dealFrom+" WHERE d.id = $1", id), &d)
	if errors.Is(err, sql.ErrNoRows) {
		return d, niaga.Errorf(niaga.CodeNotFound, "deal %d not found", id)
	}
	return d, err
}

func listDeals(ctx context.Context, q rowQuerier, where string, args ...any) ([]niaga.Deal, error) {
	rows, err := q.Query(ctx, "SELECT "+dealCols+dealFrom+" WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.Deal{}
	for rows.Next() {
		var d niaga.Deal
		if err := scanDeal(rows, &d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Deal returns one deal entry.
func (db *DB) Deal(ctx context.Context, id int64) (niaga.Deal, error) {
	d, err := loadDeal(ctx, poolReader{db}, id)
	return d, db.classify(err)
}

// sameDeal reports whether a stored deal is what in asks for (an
// idempotent retry must repeat the request, not change it).
func sameDeal(d *niaga.Deal, missionID int64, in *niaga.NewDeal) bool {
	return d.MissionID == missionID && d.SellerID == in.SellerID && d.BuyerID == in.BuyerID && d.Commodity == in.Commodity &&
		d.Kind == in.Kind && d.Quantity == in.Quantity && d.Value == in.Value && d.Note == strings.TrimSpace(in.Note)
}

// DealEvent is the payload of the staff stream's "deal" event: the whole
// entry and the running figures right after it (the public stream carries
// a PublicDealEvent).
type DealEvent struct {
	Deal       niaga.Deal `json:"deal"`
	TotalValue int64      `json:"total_value"`
	Count      int64      `json:"count"`
}

// RecordDeal adds a deal to an open mission. The mission desk (running
// agency, appointed desk, admin) records any deal between verified
// participants; a participant records deals it is a party to. With an
// idempotency key, a retry by the same user returns the first deal
// (replayed = true) and never makes a second one.
func (db *DB) RecordDeal(ctx context.Context, actor *niaga.Actor, missionID int64, in niaga.NewDeal) (out niaga.Deal, replayed bool, err error) {
	in.Note = strings.TrimSpace(in.Note)
	if err := in.Validate(); err != nil {
		return out, false, err
	}
	if actor == nil {
		return out, false, niaga.Errorf(niaga.CodeUnauthorized, "sign in to record deals")
	}
	var key any
	if in.IdempotencyKey != "" {
		key = in.IdempotencyKey
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		// The checks read the mission unlocked; its row is locked only
		// for the writes (see below), so concurrent deals of one mission
		// wait for each other as briefly as possible.
		m, err := loadMission(ctx, tx, missionID, "")
		if err != nil {
			return err
		}
		if key != nil {
			// A concurrent first attempt that has not committed yet is
			// caught by the key's unique index in insertDeal.
			var id int64
			err := tx.QueryRow(ctx, "SELECT id FROM deals WHERE recorded_by = $1 AND idempotency_key = $2", actor.UserID, key).Scan(&id)
			if err == nil {
				out, replayed = niaga.Deal{}, true
				return tx.replay(ctx, id, missionID, &in, &out)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		a, err := missionAuthority(ctx, tx, &m, actor)
		if err != nil {
			return err
		}
		party := a.self != 0 && (a.self == in.SellerID || a.self == in.BuyerID)
		if !a.desk && !party {
			return niaga.Errorf(niaga.CodeForbidden, "only the mission desk or a party to the deal records it")
		}
		if !a.desk && !a.selfOK {
			return niaga.Errorf(niaga.CodeNotVerified, "your participation is not verified yet")
		}
		if m.Status != niaga.MissionOpen {
			return niaga.Errorf(niaga.CodeMissionNotOpen, "deals are recorded while the mission is open; it is %s", m.Status)
		}
		seller, err := participantIn(ctx, tx, missionID, in.SellerID, "seller_id")
		if err != nil {
			return err
		}
		buyer, err := participantIn(ctx, tx, missionID, in.BuyerID, "buyer_id")
		if err != nil {
			return err
		}
		if !seller.Verified || !buyer.Verified {
			return niaga.Errorf(niaga.CodeNotVerified, "both parties must be verified participants")
		}
		if _, _, err := commodityGrade(ctx, tx, in.Commodity, ""); err != nil {
			return err
		}
		// The mission row lock orders the running totals and the deal's
		// place in the mission's stream; the status may have changed
		// since it was read.
		var status niaga.MissionStatus
		if err := tx.QueryRow(ctx, "SELECT status FROM missions WHERE id = $1"+tx.ForUpdate(), missionID).Scan(&status); err != nil {
			return err
		}
		if status != niaga.MissionOpen {
			return niaga.Errorf(niaga.CodeMissionNotOpen, "deals are recorded while the mission is open; it is %s", status)
		}
		d := niaga.Deal{MissionID: missionID, SellerID: seller.ID, BuyerID: buyer.ID, SellerName: seller.OrgName, BuyerName: buyer.OrgName,
			SellerProvince: seller.Delegation, BuyerProvince: buyer.Delegation, Commodity: in.Commodity, Kind: in.Kind,
			Quantity: in.Quantity, Value: in.Value, Note: in.Note, Validation: niaga.DealPending,
			RecordedBy: actor.UserID, RecordedOrg: actor.OrgID, RecordedAt: tx.Now}
		ok, totals, err := tx.insertDeal(ctx, &d, key)
		if err != nil {
			return err
		}
		if !ok { // the same key won a race on another mission's lock
			var id int64
			if err := tx.QueryRow(ctx, "SELECT id FROM deals WHERE recorded_by = $1 AND idempotency_key = $2", actor.UserID, key).Scan(&id); err != nil {
				return err
			}
			replayed = true
			return tx.replay(ctx, id, missionID, &in, &out)
		}
		// Read back: a retry replays exactly this representation.
		if out, err = loadDeal(ctx, tx, d.ID); err != nil {
			return err
		}
		if err := tx.Audit(actor, "deal.create", "deal", d.ID, nil, out); err != nil {
			return err
		}
		return tx.emitDeal(ctx, out, totals)
	})
	return out, replayed, err
}

func (tx *Tx) replay(ctx context.Context, id, missionID int64, in *niaga.NewDeal, out *niaga.Deal) error {
	d, err := loadDeal(ctx, tx, id)
	if err != nil {
		return err
	}
	if !sameDeal(&d, missionID, in) {
		return &niaga.Error{Code: niaga.CodeConflict, Message: "this Idempotency-Key was used for a different deal",
			Fields: []niaga.FieldError{{Field: "Idempotency-Key", Reason: "already used for a different request"}}}
	}
	*out = d
	return nil
}

// dealTotals is the net value and count of a mission's ledger.
type dealTotals struct{ value, count int64 }

// insertDeal writes a deal entry and adds it to the running totals kept on
// its mission's row (deal_total, deal_count), in the same transaction; the
// caller holds the mission row lock, so the totals follow commit order. It
// refuses an entry that would take the mission's total past
// niaga.MaxMissionTotal (a reversal only lowers it). ok is false
// when the idempotency key is already taken (nothing was written); after
// is the mission's totals with the entry.
func (tx *Tx) insertDeal(ctx context.Context, d *niaga.Deal, key any) (ok bool, after dealTotals, err error) {
	before, err := missionTotals(ctx, tx, d.MissionID)
	if err != nil {
		return false, after, err
	}
	step := int64(1)
	if d.Reverses != 0 {
		step = -1
	}
	value, vok := niaga.AddInt64(before.value, d.Value)
	count, cok := niaga.AddInt64(before.count, step)
	if !vok || !cok || (d.Value > 0 && value > niaga.MaxMissionTotal) {
		return false, after, niaga.Invalid("value", "the mission's deal total would exceed "+niaga.FormatInt(niaga.MaxMissionTotal, "en")+
			" (now "+niaga.FormatInt(before.value, "en")+")")
	}
	var reverses any
	if d.Reverses != 0 {
		reverses = d.Reverses
	}
	err = tx.QueryRow(ctx, `INSERT INTO deals (mission_id, seller_id, buyer_id, seller_province, buyer_province, commodity, kind, quantity, value, note,
		reverses, reason, validation, validated_by, validated_at, recorded_by, recorded_org, recorded_at, idempotency_key)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)
		ON CONFLICT (recorded_by, idempotency_key) DO NOTHING RETURNING id`,
		d.MissionID, d.SellerID, d.BuyerID, d.SellerProvince, d.BuyerProvince, d.Commodity, d.Kind, d.Quantity, d.Value, d.Note,
		reverses, d.Reason, d.Validation, d.ValidatedBy, micros(d.ValidatedAt), d.RecordedBy, d.RecordedOrg, micros(d.RecordedAt), key).Scan(&d.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, after, nil
	}
	if err != nil {
		return false, after, err
	}
	if _, err := tx.Exec(ctx, "UPDATE missions SET deal_total = $1, deal_count = $2 WHERE id = $3", value, count, d.MissionID); err != nil {
		return false, after, err
	}
	return true, dealTotals{value, count}, nil
}

// missionTotals reads a mission's running totals from its row: the net
// value and count of its ledger (SUM(value), and entries counted +1,
// reversing entries -1), kept up to date by insertDeal.
func missionTotals(ctx context.Context, q rowQuerier, missionID int64) (t dealTotals, err error) {
	err = q.QueryRow(ctx, "SELECT deal_total, deal_count FROM missions WHERE id = $1", missionID).Scan(&t.value, &t.count)
	if errors.Is(err, sql.ErrNoRows) {
		err = niaga.Errorf(niaga.CodeNotFound, "mission %d not found", missionID)
	}
	return t, err
}

// emitDeal publishes a deal entry with the mission's totals right after it
// (as insertDeal returned them; the mission row is locked, so totals follow
// commit order).
func (tx *Tx) emitDeal(ctx context.Context, d niaga.Deal, t dealTotals) error {
	return tx.emitMission(ctx, d.MissionID, "deal", PublicDealEvent{Deal: PublicDealOf(d), TotalValue: t.value, Count: t.count},
		DealEvent{Deal: d, TotalValue: t.value, Count: t.count})
}

// ReverseDeal corrects a deal by a reversing entry: a new entry with the
// quantity and value negated, pointing at the original. The original is
// never edited. The desk and validators may reverse at any time; a party
// may reverse a deal it recorded while the mission is open.
func (db *DB) ReverseDeal(ctx context.Context, actor *niaga.Actor, dealID int64, reason string) (niaga.Deal, error) {
	var out niaga.Deal
	reason = strings.TrimSpace(reason)
	if reason == "" || !niaga.RangeReason.Contains(int64(len(reason))) {
		return out, niaga.Invalid("reason", niaga.RangeReason.Reason())
	}
	if actor == nil {
		return out, niaga.Errorf(niaga.CodeUnauthorized, "sign in to correct deals")
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		orig, m, a, err := tx.dealFor(ctx, actor, dealID)
		if err != nil {
			return err
		}
		own := a.partyTo(&orig) && orig.RecordedOrg == actor.OrgID
		switch {
		case a.desk || a.validator:
		case own && m.Status == niaga.MissionOpen:
		case own:
			return niaga.Errorf(niaga.CodeMissionNotOpen, "after the mission, ask the desk to correct the deal")
		default:
			return niaga.Errorf(niaga.CodeForbidden, "only the mission desk or the party that recorded a deal corrects it")
		}
		if orig.Reverses != 0 {
			return niaga.Errorf(niaga.CodeConflict, "a reversing entry is not reversed; record the deal again instead")
		}
		if orig.ReversedBy != 0 {
			return niaga.Errorf(niaga.CodeConflict, "deal %d is already reversed by entry %d", orig.ID, orig.ReversedBy)
		}
		r := orig
		r.ID, r.Reverses, r.ReversedBy, r.Reason = 0, orig.ID, 0, reason
		r.Quantity, r.Value, r.Realized = -orig.Quantity, -orig.Value, 0
		r.Validation, r.ValidatedBy, r.ValidatedAt, r.ValidationNote = niaga.DealPending, 0, time.Time{}, ""
		r.RecordedBy, r.RecordedOrg, r.RecordedAt = actor.UserID, actor.OrgID, tx.Now
		_, totals, err := tx.insertDeal(ctx, &r, nil)
		if err != nil {
			return err
		}
		if r, err = loadDeal(ctx, tx, r.ID); err != nil {
			return err
		}
		out = r
		if err := tx.Audit(actor, "deal.reverse", "deal", r.ID, orig, r); err != nil {
			return err
		}
		return tx.emitDeal(ctx, r, totals)
	})
	return out, err
}

// ValidateDeal records the validator's check of a deal (volumes, values,
// parties): validated, or disputed (then corrected by a reversing entry).
func (db *DB) ValidateDeal(ctx context.Context, actor *niaga.Actor, dealID int64, status, note string) (niaga.Deal, error) {
	var out niaga.Deal
	if !niaga.EnumDealVerdict.Has(status) {
		return out, niaga.Invalid("status", niaga.EnumDealVerdict.Reason())
	}
	if !niaga.RangeNote.Contains(int64(len(note))) {
		return out, niaga.Invalid("note", niaga.RangeNote.Reason())
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		d, _, a, err := tx.dealFor(ctx, actor, dealID)
		if err != nil {
			return err
		}
		if !a.validator {
			return niaga.Errorf(niaga.CodeForbidden, "only the organizer or an appointed validator validates deals")
		}
		if d.Reverses != 0 {
			return niaga.Errorf(niaga.CodeConflict, "reversing entries are not validated; validate the original")
		}
		before := map[string]any{"validation": d.Validation, "note": d.ValidationNote}
		if _, err := tx.Exec(ctx, "UPDATE deals SET validation = $1, validated_by = $2, validated_at = $3, validation_note = $4 WHERE id = $5",
			status, actor.UserID, micros(tx.Now), strings.TrimSpace(note), dealID); err != nil {
			return err
		}
		d.Validation, d.ValidatedBy, d.ValidatedAt, d.ValidationNote = status, actor.UserID, tx.Now.Truncate(time.Microsecond), strings.TrimSpace(note)
		out = d
		if err := tx.Audit(actor, "deal.validate", "deal", dealID, before, map[string]any{"validation": status, "note": d.ValidationNote}); err != nil {
			return err
		}
		params := map[string]any{"mission_id": d.MissionID, "deal_id": dealID, "validation": status, "value": d.Value, "note": d.ValidationNote}
		for _, p := range []int64{d.SellerID, d.BuyerID} {
			if err := tx.notifyParticipant(ctx, p, niaga.NotifyDealValidated, params, missionLink(d.MissionID, "")); err != nil {
				return err
			}
		}
		return tx.emitMission(ctx, d.MissionID, "validation", PublicValidationEvent{DealID: dealID},
			StaffValidationEvent{DealID: dealID, Validation: status, ValidationNote: d.ValidationNote, ValidatedBy: d.ValidatedBy})
	})
	return out, err
}

// RecordRealization adds a follow-up: value of a deal actually realized
// (paid, delivered, invested) after the event. Entries only add up.
func (db *DB) RecordRealization(ctx context.Context, actor *niaga.Actor, dealID, amount int64, note string) (niaga.Deal, error) {
	var out niaga.Deal
	var c niaga.Check
	c.InRange("amount", amount, niaga.RangeAmount)
	c.Text("note", note, niaga.RangeNote)
	if err := c.Err(); err != nil {
		return out, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		d, _, a, err := tx.dealFor(ctx, actor, dealID)
		if err != nil {
			return err
		}
		party := a.partyTo(&d)
		if !a.desk && !a.validator && !party {
			return niaga.Errorf(niaga.CodeForbidden, "only the parties or the mission desk follow a deal up")
		}
		if d.Reverses != 0 || d.ReversedBy != 0 {
			return niaga.Errorf(niaga.CodeConflict, "deal %d is reversed; nothing to follow up", d.ID)
		}
		// A deal may be realized beyond its committed value, but its
		// realized total stays within the bound of one deal's value.
		sum, ok := niaga.AddInt64(d.Realized, amount)
		if !ok || sum > niaga.MaxDealValue {
			return niaga.Invalid("amount", "the deal's realized total would exceed "+niaga.FormatInt(niaga.MaxDealValue, "en"))
		}
		if _, err := tx.Exec(ctx, "INSERT INTO deal_realizations (deal_id, amount, note, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5)",
			dealID, amount, strings.TrimSpace(note), actor.UserID, micros(tx.Now)); err != nil {
			return err
		}
		d.Realized = sum
		out = d
		return tx.Audit(actor, "deal.realize", "deal", dealID, nil, map[string]any{"amount": amount, "realized": sum, "note": note})
	})
	return out, err
}

// partyTo reports whether the actor's participant is the seller or the
// buyer of d.
func (a authority) partyTo(d *niaga.Deal) bool {
	return a.self != 0 && (a.self == d.SellerID || a.self == d.BuyerID)
}

// dealFor loads a deal for a write: the deal, its mission locked by
// missionFor (nothing required), and the actor's authority in it.
func (tx *Tx) dealFor(ctx context.Context, actor *niaga.Actor, dealID int64) (niaga.Deal, niaga.Mission, authority, error) {
	d, err := loadDeal(ctx, tx, dealID)
	if err != nil {
		return d, niaga.Mission{}, authority{}, err
	}
	m, a, err := tx.missionFor(ctx, actor, d.MissionID, missionNeed{})
	return d, m, a, err
}

// canSeeDeals: the mission's staff and participants see its ledger.
func (a authority) canSeeDeals() bool { return a.staff() || a.desk || a.validator || a.self != 0 }

// Deals lists a mission's ledger, oldest first.
func (db *DB) Deals(ctx context.Context, actor *niaga.Actor, missionID int64) ([]niaga.Deal, error) {
	var out []niaga.Deal
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		_, a, err := readMission(ctx, q, actor, missionID)
		if err != nil {
			return err
		}
		if !a.canSeeDeals() {
			return niaga.Errorf(niaga.CodeForbidden, "the ledger is for the mission's staff and participants; see the summary")
		}
		out, err = listDeals(ctx, q, "d.mission_id = $1 ORDER BY d.id", missionID)
		return err
	})
	return out, err
}

// GroupTotal is the net value and count of one group of deals.
type GroupTotal struct {
	Key   string `json:"key"`
	Value int64  `json:"value"`
	Count int64  `json:"count"`
}

// FlowTotal is the net value and count of deals from the sellers of one
// province to the buyers of another.
type FlowTotal struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Value int64  `json:"value"`
	Count int64  `json:"count"`
}

// MissionSummary is the public live board of a mission. Counts are net: a
// reversed deal and its reversing entry cancel out. Its entries are
// PublicDeals: the summary carries nothing the ledger restricts.
type MissionSummary struct {
	Mission        niaga.Mission    `json:"mission"`
	TotalValue     int64            `json:"total_value"`
	Count          int64            `json:"count"`
	ValidatedValue int64            `json:"validated_value"`
	RealizedValue  int64            `json:"realized_value"`
	ByCommodity    []GroupTotal     `json:"by_commodity"`
	ByKind         []GroupTotal     `json:"by_kind"`
	ByDirection    []FlowTotal      `json:"by_direction"`
	SideProvince   string           `json:"side_province"` // the running agency's province
	BySide         []GroupTotal     `json:"by_side"`       // sell, buy, invest, other as seen from SideProvince
	Latest         []PublicDeal     `json:"latest"`
	LastDealAt     time.Time        `json:"last_deal_at,omitzero"`
	Delegations    map[string]int64 `json:"delegations"`
}

// latestDeals is how many entries the board shows.
const latestDeals = 10

// MissionSummary computes a mission's board from its ledger in one snapshot.
func (db *DB) MissionSummary(ctx context.Context, missionID int64) (MissionSummary, error) {
	var s MissionSummary
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		m, err := loadMission(ctx, q, missionID, "")
		if err != nil {
			return err
		}
		s = MissionSummary{Mission: m, Delegations: map[string]int64{}}
		if err := q.QueryRow(ctx, "SELECT province FROM organizations WHERE id = $1", m.AgencyID).Scan(&s.SideProvince); err != nil {
			return err
		}
		var last int64
		var total, validated, realized bigSum
		if err := q.QueryRow(ctx, `SELECT `+splitSum("value")+`, COALESCE(SUM(CASE WHEN reverses IS NULL THEN 1 ELSE -1 END), 0), COALESCE(MAX(recorded_at), 0)
			FROM deals WHERE mission_id = $1`, missionID).Scan(&total.hi, &total.lo, &s.Count, &last); err != nil {
			return err
		}
		s.LastDealAt = fromMicros(last)
		if err := q.QueryRow(ctx, `SELECT `+splitSum("d.value")+` FROM deals d WHERE d.mission_id = $1 AND d.reverses IS NULL
			AND d.validation = 'validated' AND NOT EXISTS (SELECT 1 FROM deals r WHERE r.reverses = d.id)`, missionID).Scan(&validated.hi, &validated.lo); err != nil {
			return err
		}
		if err := q.QueryRow(ctx, `SELECT `+splitSum("z.amount")+` FROM deal_realizations z JOIN deals d ON d.id = z.deal_id
			WHERE d.mission_id = $1 AND NOT EXISTS (SELECT 1 FROM deals r WHERE r.reverses = d.id)`, missionID).Scan(&realized.hi, &realized.lo); err != nil {
			return err
		}
		s.TotalValue, s.ValidatedValue, s.RealizedValue = total.value(), validated.value(), realized.value()
		if s.ByCommodity, err = groupTotals(ctx, q, "commodity", missionID); err != nil {
			return err
		}
		if s.ByKind, err = groupTotals(ctx, q, "kind", missionID); err != nil {
			return err
		}
		side := `CASE WHEN kind = 'investment' THEN 'invest' WHEN seller_province = $2 THEN 'sell' WHEN buyer_province = $2 THEN 'buy' ELSE 'other' END`
		if s.BySide, err = groupTotals(ctx, q, side, missionID, s.SideProvince); err != nil {
			return err
		}
		if s.ByDirection, err = flowTotals(ctx, q, missionID); err != nil {
			return err
		}
		latest, err := listDeals(ctx, q, "d.mission_id = $1 ORDER BY d.recorded_at DESC, d.id DESC LIMIT $2", missionID, latestDeals)
		if err != nil {
			return err
		}
		s.Latest = make([]PublicDeal, len(latest))
		for i, d := range latest {
			s.Latest[i] = PublicDealOf(d)
		}
		rows, err := q.Query(ctx, "SELECT delegation, COUNT(*) FROM mission_participants WHERE mission_id = $1 AND status = 'approved' GROUP BY delegation", missionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			var n int64
			if err := rows.Scan(&p, &n); err != nil {
				return err
			}
			s.Delegations[p] = n
		}
		return rows.Err()
	})
	return s, err
}

// groupTotals sums a mission's deals by expr, largest value first; groups
// that net to nothing (a deal and its reversal) are left out.
func groupTotals(ctx context.Context, q rowQuerier, expr string, missionID int64, args ...any) ([]GroupTotal, error) {
	rows, err := q.Query(ctx, "SELECT "+expr+` AS k, `+splitSum("value")+`, SUM(CASE WHEN reverses IS NULL THEN 1 ELSE -1 END)
		FROM deals WHERE mission_id = $1 GROUP BY k ORDER BY 1`, append([]any{missionID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []GroupTotal{}
	for rows.Next() {
		var g GroupTotal
		var v bigSum
		if err := rows.Scan(&g.Key, &v.hi, &v.lo, &g.Count); err != nil {
			return nil, err
		}
		if g.Value = v.value(); g.Value != 0 || g.Count != 0 {
			out = append(out, g)
		}
	}
	// Largest value first, then by key (stable over the key order).
	slices.SortStableFunc(out, func(a, b GroupTotal) int { return cmp.Compare(b.Value, a.Value) })
	return out, rows.Err()
}

func flowTotals(ctx context.Context, q rowQuerier, missionID int64) ([]FlowTotal, error) {
	rows, err := q.Query(ctx, `SELECT seller_province, buyer_province, `+splitSum("value")+`, SUM(CASE WHEN reverses IS NULL THEN 1 ELSE -1 END)
		FROM deals WHERE mission_id = $1 GROUP BY seller_province, buyer_province ORDER BY 1, 2`, missionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []FlowTotal{}
	for rows.Next() {
		var f FlowTotal
		var v bigSum
		if err := rows.Scan(&f.From, &f.To, &v.hi, &v.lo, &f.Count); err != nil {
			return nil, err
		}
		if f.Value = v.value(); f.Value != 0 || f.Count != 0 {
			out = append(out, f)
		}
	}
	// Largest value first, then by the provinces.
	slices.SortStableFunc(out, func(a, b FlowTotal) int { return cmp.Compare(b.Value, a.Value) })
	return out, rows.Err()
}

// FollowUp compares what was realized after a mission with what was
// committed there, deal by deal.
type FollowUp struct {
	MissionID int64 `json:"mission_id"`
	Committed int64 `json:"committed"`
	Realized  int64 `json:"realized"`
	// RealizedBP is realized / committed in basis points (10000 = 100 %).
	RealizedBP int64          `json:"realized_bp"`
	Deals      []DealFollowUp `json:"deals"`
}

// DealFollowUp is one standing deal's follow-up.
type DealFollowUp struct {
	niaga.Deal
	Outstanding int64 `json:"outstanding"` // committed value not yet realized (0 when exceeded)
}

// FollowUp lists the standing deals (not reversed) with realized values.
// Staff see every deal; a participant sees the deals it is a party to.
func (db *DB) FollowUp(ctx context.Context, actor *niaga.Actor, missionID int64) (FollowUp, error) {
	f := FollowUp{MissionID: missionID, Deals: []DealFollowUp{}}
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		_, a, err := readMission(ctx, q, actor, missionID)
		if err != nil {
			return err
		}
		if !a.canSeeDeals() {
			return niaga.Errorf(niaga.CodeForbidden, "follow-up is for the mission's staff and participants")
		}
		var self any = int64(0)
		if !(a.staff() || a.desk || a.validator) {
			self = a.self
		}
		deals, err := listDeals(ctx, q, `d.mission_id = $1 AND d.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM deals r WHERE r.reverses = d.id)
			AND ($2 = 0 OR d.seller_id = $2 OR d.buyer_id = $2) ORDER BY d.id`, missionID, self)
		if err != nil {
			return err
		}
		for _, d := range deals {
			niaga.AddSat(&f.Committed, d.Value)
			niaga.AddSat(&f.Realized, d.Realized)
			f.Deals = append(f.Deals, DealFollowUp{Deal: d, Outstanding: max(0, d.Value-d.Realized)})
		}
		if f.Committed > 0 {
			f.RealizedBP = basisPoints(f.Realized, f.Committed)
		}
		return nil
	})
	return f, err
}

// bp is part/whole in basis points, rounded down, without overflow.
func basisPoints(part, whole int64) int64 { return niaga.BasisPoints(part, whole) }

// DealFor returns one entry to an actor who may see the mission's ledger
// (not_found otherwise: the ledger does not leak to outsiders).
func (db *DB) DealFor(ctx context.Context, actor *niaga.Actor, id int64) (niaga.Deal, error) {
	var d niaga.Deal
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		var err error
		if d, err = loadDeal(ctx, q, id); err != nil {
			return err
		}
		_, a, err := readMission(ctx, q, actor, d.MissionID)
		if err != nil {
			return err
		}
		if !a.canSeeDeals() {
			return niaga.Errorf(niaga.CodeNotFound, "deal %d not found", id)
		}
		return nil
	})
	return d, err
}
