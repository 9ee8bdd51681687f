package store

import (
	"context"
	"time"

	"niaga"
	"niaga/report"
)

// settlementMarkets are the markets whose settlement the actor may read: all
// for the admin, its own for an organizer, its province's for an agency.
func (db *DB) settlementMarkets(ctx context.Context, actor *niaga.Actor) ([]niaga.Market, error) {
	if actor == nil || !actor.Is(niaga.RoleAdmin, niaga.RoleOrganizer, niaga.RoleAgency) {
		return nil, niaga.Errorf(niaga.CodeForbidden, "settlement performance is for organizers, agencies and the admin")
	}
	all, err := db.Markets(ctx)
	if err != nil {
		return nil, err
	}
	if actor.Role == niaga.RoleAdmin {
		return all, nil
	}
	var province string
	if actor.Role == niaga.RoleAgency {
		o, err := db.Organization(ctx, actor.OrgID)
		if err != nil {
			return nil, err
		}
		province = o.Province
	}
	out := []niaga.Market{}
	for _, m := range all {
		if (actor.Role == niaga.RoleOrganizer && m.OrganizerOrgID == actor.OrgID) || (actor.Role == niaga.RoleAgency && m.Province == province) {
			out = append(out, m)
		}
	}
	return out, nil
}

// SettlementReport follows up the contracts awarded in a period, per market
// the actor may read: paid on time or late against the payment due date
// (from the "paid" step's time), overdue, completed, defaulted.
func (db *DB) SettlementReport(ctx context.Context, actor *niaga.Actor, p report.Period) (report.Settlement, error) {
	markets, err := db.settlementMarkets(ctx, actor)
	if err != nil {
		return report.Settlement{}, err
	}
	now := db.now()
	var rows []report.SettleRow
	var head report.AuditHead
	err = db.readSnapshot(ctx, func(q rowQuerier) error {
		w := cond{args: []any{micros(now)}} // $1 is now; the period takes the next placeholders
		w.period("c.created_at", p)
		// The first "paid" step of each contract, read once from its index
		// (a correlated subquery would run once per use of the column).
		res, err := q.Query(ctx, `SELECT c.market_id, c.status, CASE
				WHEN p.paid IS NOT NULL AND p.paid <= c.payment_due THEN 'on_time'
				WHEN p.paid IS NOT NULL THEN 'late'
				WHEN c.status = 'awaiting_payment' AND c.payment_due < $1 THEN 'overdue'
				WHEN c.status = 'awaiting_payment' THEN 'due'
				ELSE 'none' END AS pay,
			COUNT(*), `+splitSum("c.value")+`, `+splitSum("CASE WHEN p.paid IS NULL THEN 0 ELSE p.paid - c.created_at END")+`
			FROM contracts c LEFT JOIN (SELECT contract_id, MIN(created_at) AS paid FROM contract_steps WHERE to_status = 'paid' GROUP BY contract_id) p
				ON p.contract_id = c.id`+w.String()+`
			GROUP BY 1, 2, 3`, w.args...)
		if err != nil {
			return err
		}
		defer res.Close()
		for res.Next() {
			var r report.SettleRow
			var value, pay bigSum
			if err := res.Scan(&r.MarketID, &r.Status, &r.Pay, &r.Count, &value.hi, &value.lo, &pay.hi, &pay.lo); err != nil {
				return err
			}
			r.Value, r.PayMicros = value.value(), pay.value()
			rows = append(rows, r)
		}
		if err := res.Err(); err != nil {
			return err
		}
		head, err = auditHead(ctx, q)
		return err
	})
	if err != nil {
		return report.Settlement{}, err
	}
	s := report.BuildSettlement(p, markets, rows)
	s.Audit, s.Generated = head, now
	return s, nil
}

// PriceHistory returns the daily candles of the prices a filter selects:
// every award and call clearing price, with its volume.
func (db *DB) PriceHistory(ctx context.Context, f report.PriceFilter) (report.PriceHistory, error) {
	h := report.PriceHistory{Commodity: f.Commodity, Grade: f.Grade, Province: f.Province, Period: f.Period}
	if f.Province != "" {
		if _, ok := niaga.ProvinceByCode(f.Province); !ok {
			return h, niaga.Invalid("province", "unknown province code")
		}
	}
	if f.Grade != "" && f.Commodity == "" {
		return h, niaga.Invalid("grade", "give the commodity too")
	}
	var points []report.PricePoint
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		var w cond
		if f.Commodity != "" {
			w.add("commodity = ?", f.Commodity)
		}
		if f.Grade != "" {
			w.add("grade = ?", f.Grade)
		}
		if f.Province != "" {
			w.add("province = ?", f.Province)
		}
		w.period("at", f.Period)
		rows, err := q.Query(ctx, "SELECT lot_id, commodity, grade, province, mechanism, at, price, quantity FROM prices"+w.String()+" ORDER BY at, id", w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p report.PricePoint
			var at int64
			if err := rows.Scan(&p.LotID, &p.Commodity, &p.Grade, &p.Province, &p.Mechanism, &at, &p.Price, &p.Quantity); err != nil {
				return err
			}
			p.At = fromMicros(at)
			points = append(points, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		h.Audit, err = auditHead(ctx, q)
		return err
	})
	if err != nil {
		return h, err
	}
	h.Candles = report.Daily(points)
	return h, nil
}

// ContractDocument gathers what the contract document of a sale shows, for
// the contract's parties, its market's organizer and the admin.
func (db *DB) ContractDocument(ctx context.Context, actor *niaga.Actor, id int64) (report.ContractDoc, error) {
	var d report.ContractDoc
	c, err := db.Contract(ctx, actor, id)
	if err != nil {
		return d, err
	}
	d.Contract, d.Generated = c, db.now()
	if d.Lot, err = db.Lot(ctx, actor, c.LotID, time.Now()); err != nil {
		return d, err
	}
	if d.Market, err = db.Market(ctx, c.MarketID); err != nil {
		return d, err
	}
	if d.Session, err = db.Session(ctx, d.Lot.SessionID); err != nil {
		return d, err
	}
	for _, o := range []struct {
		id  int64
		dst *niaga.Organization
	}{{c.BuyerOrgID, &d.Buyer}, {c.SellerOrgID, &d.Seller}, {d.Market.OrganizerOrgID, &d.Organizer}} {
		if *o.dst, err = db.Organization(ctx, o.id); err != nil {
			return d, err
		}
	}
	if d.Commodity, err = db.Commodity(ctx, c.Commodity); err != nil {
		return d, err
	}
	d.Users = map[int64]string{}
	for _, s := range c.Steps {
		if _, ok := d.Users[s.ActorID]; ok || s.ActorID == 0 {
			continue
		}
		if u, err := db.User(ctx, s.ActorID); err == nil {
			d.Users[s.ActorID] = u.Name
		}
	}
	d.Audit, err = db.AuditHeadNow(ctx)
	return d, err
}

// AuditHeadNow returns the chain head as a report.AuditHead.
func (db *DB) AuditHeadNow(ctx context.Context) (report.AuditHead, error) {
	seq, h, err := db.AuditHead(ctx)
	return report.AuditHead{Seq: seq, Hash: h}, err
}
