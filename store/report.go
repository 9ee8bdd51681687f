package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/report"
)

// Reports group raw rows in SQL (the heavy part, close to the data) and
// leave the adding up to the pure functions of package report. Every report
// is read in one snapshot together with the audit chain's head.

// cond builds a WHERE clause with numbered placeholders.
type cond struct {
	parts []string
	args  []any
}

// add appends an expression; each "?" in it takes the next argument.
func (c *cond) add(expr string, args ...any) {
	for _, a := range args {
		c.args = append(c.args, a)
		expr = strings.Replace(expr, "?", "$"+strconv.Itoa(len(c.args)), 1)
	}
	c.parts = append(c.parts, expr)
}

// period bounds column to p (microseconds).
func (c *cond) period(col string, p report.Period) {
	if !p.From.IsZero() {
		c.add(col+" >= ?", micros(p.From))
	}
	if !p.To.IsZero() {
		c.add(col+" < ?", micros(p.To))
	}
}

func (c *cond) String() string {
	if len(c.parts) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.parts, " AND ")
}

// auditHead reads the chain head inside a report's snapshot.
func auditHead(ctx context.Context, q rowQuerier) (report.AuditHead, error) {
	var h report.AuditHead
	err := q.QueryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&h.Seq, &h.Hash)
	return h, err
}

// dealGroup says which columns deal rows are grouped by; few says the
// filter selects few deals (one mission's).
type dealGroup struct{ mission, commodity, kind, direction, few bool }

// dealRows sums deal entries by group. Counts and values are net; validated
// and realized values count standing deals only (never reversed).
//
// Realizations are summed per deal in a subquery: correlated on SQLite
// (an index lookup per deal beats its sorter), joined pre-grouped on
// PostgreSQL over many deals (a hash join; the correlated form's cost
// estimate also sets off JIT compilation that takes longer than the query).
func (db *DB) dealRows(ctx context.Context, q rowQuerier, by dealGroup, w *cond) ([]report.DealRow, error) {
	cols := []string{"0", "''", "''", "''", "''"}
	var group []string
	pick := func(i int, on bool, col string) {
		if on {
			cols[i] = col
			group = append(group, col)
		}
	}
	pick(0, by.mission, "d.mission_id")
	pick(1, by.commodity, "d.commodity")
	pick(2, by.kind, "d.kind")
	pick(3, by.direction, "d.seller_province")
	pick(4, by.direction, "d.buyer_province")
	realized := "(SELECT COALESCE(SUM(z.amount), 0) FROM deal_realizations z WHERE z.deal_id = d.id)"
	from := " FROM deals d LEFT JOIN deals r ON r.reverses = d.id"
	if db.Engine == Postgres && !by.few {
		realized = "COALESCE(z.amount, 0)"
		from += " LEFT JOIN (SELECT deal_id, SUM(amount) AS amount FROM deal_realizations GROUP BY deal_id) z ON z.deal_id = d.id"
	}
	query := "SELECT " + strings.Join(cols, ", ") + `,
		` + splitSum("d.value") + `, COALESCE(SUM(CASE WHEN d.reverses IS NULL THEN 1 ELSE -1 END), 0), ` + splitSum("d.quantity") + `,
		` + splitSum("CASE WHEN d.reverses IS NULL AND r.id IS NULL AND d.validation = 'validated' THEN d.value ELSE 0 END") + `,
		` + splitSum("CASE WHEN d.reverses IS NULL AND r.id IS NULL THEN "+realized+" ELSE 0 END") + from + w.String()
	if len(group) > 0 {
		query += " GROUP BY " + strings.Join(group, ", ")
	}
	rows, err := q.Query(ctx, query, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []report.DealRow{}
	for rows.Next() {
		var r report.DealRow
		var value, qty, validated, realized bigSum
		if err := rows.Scan(&r.MissionID, &r.Commodity, &r.Kind, &r.SellerProvince, &r.BuyerProvince,
			&value.hi, &value.lo, &r.Count, &qty.hi, &qty.lo, &validated.hi, &validated.lo, &realized.hi, &realized.lo); err != nil {
			return nil, err
		}
		r.Value, r.Quantity, r.Validated, r.Realized = value.value(), qty.value(), validated.value(), realized.value()
		if r.Value != 0 || r.Count != 0 || r.Quantity != 0 || r.Realized != 0 {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// contractGroup says which columns contract rows are grouped by.
type contractGroup struct{ market, session, grade, direction, status bool }

// contractScope narrows contracts: to a market, a session, a period of award
// times, or a period of session starts.
type contractScope struct {
	market, session int64
	awarded         report.Period
	sessionStarts   report.Period
}

func contractRows(ctx context.Context, q rowQuerier, by contractGroup, sc contractScope) ([]report.ContractRow, error) {
	cols := []string{"0", "0", "''", "''", "''", "''", "''"}
	var group []string
	pick := func(i int, on bool, col string) {
		if on {
			cols[i] = col
			group = append(group, col)
		}
	}
	pick(0, by.market, "c.market_id")
	pick(1, by.session, "l.session_id")
	pick(2, by.grade, "c.commodity")
	pick(3, by.grade, "c.grade")
	pick(4, by.direction, "so.province")
	pick(5, by.direction, "bo.province")
	pick(6, by.status, "c.status")
	from := " FROM contracts c"
	if by.session || sc.session != 0 || !sc.sessionStarts.IsZero() {
		from += " JOIN lots l ON l.id = c.lot_id"
	}
	if !sc.sessionStarts.IsZero() {
		from += " JOIN auction_sessions s ON s.id = l.session_id"
	}
	var w cond
	if by.direction {
		// CROSS JOIN keeps SQLite scanning contracts in order and looking
		// the two organizations up by key (PostgreSQL plans it as a join).
		from += " CROSS JOIN organizations so CROSS JOIN organizations bo"
		w.add("so.id = c.seller_org_id")
		w.add("bo.id = c.buyer_org_id")
	}
	if sc.market != 0 {
		w.add("c.market_id = ?", sc.market)
	}
	if sc.session != 0 {
		w.add("l.session_id = ?", sc.session)
	}
	w.period("c.created_at", sc.awarded)
	w.period("s.starts_at", sc.sessionStarts)
	query := "SELECT " + strings.Join(cols, ", ") + `, COUNT(*), ` + splitSum("c.quantity") + `, ` + splitSum("c.value") + `,
		` + splitSum("c.buyer_fee") + `, ` + splitSum("c.seller_fee") + `, COALESCE(MIN(c.price), 0), COALESCE(MAX(c.price), 0)` + from + w.String()
	if len(group) > 0 {
		query += " GROUP BY " + strings.Join(group, ", ")
	}
	rows, err := q.Query(ctx, query, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []report.ContractRow{}
	for rows.Next() {
		var r report.ContractRow
		var qty, value, bfee, sfee bigSum
		if err := rows.Scan(&r.MarketID, &r.SessionID, &r.Commodity, &r.Grade, &r.SellerProvince, &r.BuyerProvince, &r.Status,
			&r.Count, &qty.hi, &qty.lo, &value.hi, &value.lo, &bfee.hi, &bfee.lo, &sfee.hi, &sfee.lo, &r.MinPrice, &r.MaxPrice); err != nil {
			return nil, err
		}
		r.Quantity, r.Value, r.BuyerFee, r.SellerFee = qty.value(), value.value(), bfee.value(), sfee.value()
		if r.Count != 0 {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// MissionReport computes one mission's report.
func (db *DB) MissionReport(ctx context.Context, id int64) (report.Mission, error) {
	var out report.Mission
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		m, err := loadMission(ctx, q, id, "")
		if err != nil {
			return err
		}
		r := report.Mission{Mission: m, Delegations: map[string]int64{}, Generated: db.now()}
		if err := q.QueryRow(ctx, "SELECT name, province FROM organizations WHERE id = $1", m.AgencyID).Scan(&r.AgencyName, &r.SideProvince); err != nil {
			return err
		}
		rows, err := q.Query(ctx, "SELECT delegation, COUNT(*) FROM mission_participants WHERE mission_id = $1 AND status = 'approved' GROUP BY delegation", id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p string
			var n int64
			if err := rows.Scan(&p, &n); err != nil {
				rows.Close()
				return err
			}
			r.Delegations[p] = n
			r.Participants += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var w cond
		w.add("d.mission_id = ?", id)
		deals, err := db.dealRows(ctx, q, dealGroup{commodity: true, kind: true, direction: true, few: true}, &w)
		if err != nil {
			return err
		}
		if r.Audit, err = auditHead(ctx, q); err != nil {
			return err
		}
		out = report.BuildMission(r, deals)
		return nil
	})
	if err != nil {
		return out, err
	}
	if out.Agreements, err = db.Agreements(ctx, id); err != nil {
		return out, err
	}
	return out, nil
}

// AuctionScope selects an auction report: one market or one session, over
// the sessions that start in the period.
type AuctionScope struct {
	MarketID  int64
	SessionID int64
	Period    report.Period
}

// AuctionReport computes a market's or a session's report.
func (db *DB) AuctionReport(ctx context.Context, sc AuctionScope) (report.Auction, error) {
	var a report.Auction
	if (sc.MarketID == 0) == (sc.SessionID == 0) {
		return a, niaga.Invalid("scope", "a market or a session")
	}
	a.Period, a.Generated = sc.Period, db.now()
	var sessions []niaga.AuctionSession
	var markets []niaga.Market
	if sc.MarketID != 0 {
		m, err := db.Market(ctx, sc.MarketID)
		if err != nil {
			return a, err
		}
		a.Market, markets = &m, []niaga.Market{m}
		all, err := db.scanSessions(ctx, "WHERE id IN (SELECT session_id FROM session_markets WHERE market_id = $1) ORDER BY starts_at DESC, id DESC", sc.MarketID)
		if err != nil {
			return a, err
		}
		for _, s := range all {
			if sc.Period.Contains(s.StartsAt) {
				sessions = append(sessions, s)
			}
		}
	} else {
		s, err := db.Session(ctx, sc.SessionID)
		if err != nil {
			return a, err
		}
		a.Session, sessions = &s, []niaga.AuctionSession{s}
		a.Period = report.Period{}
		all, err := db.Markets(ctx)
		if err != nil {
			return a, err
		}
		for _, m := range all {
			if contains64(s.MarketIDs, m.ID) {
				markets = append(markets, m)
			}
		}
	}
	var lots []report.LotRow
	var contracts []report.ContractRow
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		var err error
		if lots, err = lotRows(ctx, q, sc); err != nil {
			return err
		}
		if contracts, err = contractRows(ctx, q, contractGroup{market: true, session: true, grade: true, status: true},
			contractScope{market: sc.MarketID, session: sc.SessionID, sessionStarts: a.Period}); err != nil {
			return err
		}
		a.Audit, err = auditHead(ctx, q)
		return err
	})
	if err != nil {
		return a, err
	}
	return report.BuildAuction(a, sessions, markets, lots, contracts), nil
}

func contains64(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// lotRows counts lots by market, session and status with the bids on them
// (a sealed or call lot's bids only once it has closed: their count is
// secret while bidding).
func lotRows(ctx context.Context, q rowQuerier, sc AuctionScope) ([]report.LotRow, error) {
	var w cond
	from := " FROM lots l"
	if sc.MarketID != 0 {
		w.add("l.market_id = ?", sc.MarketID)
	}
	if sc.SessionID != 0 {
		w.add("l.session_id = ?", sc.SessionID)
	}
	if sc.SessionID == 0 && !sc.Period.IsZero() {
		from += " JOIN auction_sessions s ON s.id = l.session_id"
		w.period("s.starts_at", sc.Period)
	}
	rows, err := q.Query(ctx, `SELECT market_id, session_id, status, COUNT(*), `+splitSum("quantity")+`, SUM(bids) FROM (
		SELECT l.market_id, l.session_id, l.status, l.quantity,
		(SELECT COUNT(*) FROM bids b WHERE b.lot_id = l.id AND (l.status IN ('sold', 'unsold') OR l.mechanism NOT IN ('sealed_first', 'sealed_second', 'call'))) AS bids`+from+w.String()+`) x
		GROUP BY market_id, session_id, status`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []report.LotRow
	for rows.Next() {
		var r report.LotRow
		var qty bigSum
		if err := rows.Scan(&r.MarketID, &r.SessionID, &r.Status, &r.Count, &qty.hi, &qty.lo, &r.Bids); err != nil {
			return nil, err
		}
		r.Quantity = qty.value()
		out = append(out, r)
	}
	return out, rows.Err()
}

// CommodityReport totals auction contracts (by award time) and mission deals
// (by recording time) per commodity over a period.
func (db *DB) CommodityReport(ctx context.Context, p report.Period) (report.Commodities, error) {
	var out report.Commodities
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		contracts, err := contractRows(ctx, q, contractGroup{grade: true}, contractScope{awarded: p})
		if err != nil {
			return err
		}
		var w cond
		w.period("d.recorded_at", p)
		deals, err := db.dealRows(ctx, q, dealGroup{commodity: true}, &w)
		if err != nil {
			return err
		}
		head, err := auditHead(ctx, q)
		if err != nil {
			return err
		}
		out = report.BuildCommodities(p, contracts, deals)
		out.Audit = head
		return nil
	})
	return out, err
}

// FlowReport computes the origin → destination matrices of auction
// contracts, mission deals and both over a period.
func (db *DB) FlowReport(ctx context.Context, p report.Period) (report.Flows, error) {
	var out report.Flows
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		contracts, err := contractRows(ctx, q, contractGroup{direction: true}, contractScope{awarded: p})
		if err != nil {
			return err
		}
		var w cond
		w.period("d.recorded_at", p)
		deals, err := db.dealRows(ctx, q, dealGroup{direction: true}, &w)
		if err != nil {
			return err
		}
		head, err := auditHead(ctx, q)
		if err != nil {
			return err
		}
		out = report.BuildFlows(p, contracts, deals)
		out.Audit = head
		return nil
	})
	return out, err
}

// ProgrammeReport lists every mission with committed, validated and
// realized value, and totals per year and cumulative since the first
// mission next to the auction contracts of the same years.
func (db *DB) ProgrammeReport(ctx context.Context) (report.Programme, error) {
	var out report.Programme
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		var lines []report.MissionLine
		byID := map[int64]int{}
		rows, err := q.Query(ctx, "SELECT "+missionCols+" FROM missions ORDER BY opens_at, id")
		if err != nil {
			return err
		}
		for rows.Next() {
			var m niaga.Mission
			if err := scanMission(rows, &m); err != nil {
				rows.Close()
				return err
			}
			byID[m.ID] = len(lines)
			lines = append(lines, report.MissionLine{ID: m.ID, Title: m.Title, HostProvince: m.HostProvince, Guests: []string{}, Opens: m.Opens, Status: m.Status})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if rows, err = q.Query(ctx, "SELECT mission_id, province FROM mission_guests ORDER BY mission_id, province"); err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var p string
			if err := rows.Scan(&id, &p); err != nil {
				rows.Close()
				return err
			}
			if i, ok := byID[id]; ok {
				lines[i].Guests = append(lines[i].Guests, p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		deals, err := db.dealRows(ctx, q, dealGroup{mission: true}, &cond{})
		if err != nil {
			return err
		}
		for _, d := range deals {
			if i, ok := byID[d.MissionID]; ok {
				l := &lines[i]
				l.Count, l.Committed, l.Validated, l.Realized = d.Count, d.Value, d.Validated, d.Realized
			}
		}
		days, err := contractDays(ctx, q)
		if err != nil {
			return err
		}
		head, err := auditHead(ctx, q)
		if err != nil {
			return err
		}
		out = report.BuildProgramme(lines, days)
		out.Audit = head
		return nil
	})
	return out, err
}

// localDayExpr is the local day number (days since the epoch in the zone of
// the province in provinceCol) of the microsecond instant in col. Indonesia's
// zones have fixed offsets, so the day is a plain integer division.
func localDayExpr(col, provinceCol string) string {
	var b strings.Builder
	b.WriteString("((" + col + " + CASE " + provinceCol)
	def := int64(7 * 3600)
	for _, p := range niaga.Provinces() {
		_, off := time.Date(2026, 1, 1, 0, 0, 0, 0, p.Location()).Zone()
		if int64(off) != def {
			fmt.Fprintf(&b, " WHEN '%s' THEN %d", p.Code, int64(off)*1_000_000)
		}
	}
	fmt.Fprintf(&b, " ELSE %d END) / %d)", def*1_000_000, int64(24*time.Hour/time.Microsecond))
	return b.String()
}

// contractDays sums contracts per local day of their market's province.
func contractDays(ctx context.Context, q rowQuerier) ([]report.DayTotal, error) {
	day := localDayExpr("c.created_at", "m.province")
	rows, err := q.Query(ctx, "SELECT "+day+", COUNT(*), "+splitSum("c.value")+" FROM contracts c JOIN markets m ON m.id = c.market_id GROUP BY "+day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []report.DayTotal
	for rows.Next() {
		var d report.DayTotal
		var value bigSum
		if err := rows.Scan(&d.Day, &d.Count, &value.hi, &value.lo); err != nil {
			return nil, err
		}
		d.Value = value.value()
		out = append(out, d)
	}
	return out, rows.Err()
}
