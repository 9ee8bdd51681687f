package store_test

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/internal/datagen"
	"niaga/report"
	"niaga/store"
	"niaga/store/storetest"
)

// repWorld is a database with the demo data (awards through the real
// closing code, settled contracts, archived missions with realizations)
// plus a generated history, and a second connection that reads raw rows.
type repWorld struct {
	db    *store.DB
	raw   *sql.DB
	eng   store.Engine
	admin *niaga.Actor
}

func newRepWorld(t *testing.T, eng store.Engine) *repWorld {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, eng)
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	data, err := demo.Seed(ctx, db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	u := data.Users[demo.Admin]
	admin := &niaga.Actor{UserID: u.ID, OrgID: u.OrgID, Role: niaga.RoleAdmin}
	if _, err := datagen.Generate(ctx, db, admin, datagen.Spec{Bids: 6000, Deals: 2500, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	driver, src := "pgx", dsn
	if eng == store.SQLite {
		driver, src = "sqlite3", "file:"+dsn
	}
	raw, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &repWorld{db: db, raw: raw, eng: eng, admin: admin}
}

func (w *repWorld) rows(t *testing.T, query string, scan func(*sql.Rows) error) {
	t.Helper()
	rows, err := w.raw.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// Raw rows, read without the report queries.
type rawDeal struct {
	id, mission, qty, value, reverses, recorded int64
	seller, buyer, commodity, kind, validation  string
	realized                                    int64
	reversed                                    bool
}

type rawContract struct {
	id, market, session, sessionStart, qty, price, value, bfee, sfee, payDue, created, paid int64
	seller, buyer, commodity, grade, status, marketProvince                                 string
}

func (w *repWorld) deals(t *testing.T) []rawDeal {
	var out []rawDeal
	idx := map[int64]int{}
	w.rows(t, "SELECT id, mission_id, quantity, value, COALESCE(reverses, 0), recorded_at, seller_province, buyer_province, commodity, kind, validation FROM deals ORDER BY id",
		func(r *sql.Rows) error {
			var d rawDeal
			err := r.Scan(&d.id, &d.mission, &d.qty, &d.value, &d.reverses, &d.recorded, &d.seller, &d.buyer, &d.commodity, &d.kind, &d.validation)
			idx[d.id] = len(out)
			out = append(out, d)
			return err
		})
	for _, d := range out {
		if d.reverses != 0 {
			out[idx[d.reverses]].reversed = true
		}
	}
	w.rows(t, "SELECT deal_id, amount FROM deal_realizations", func(r *sql.Rows) error {
		var id, amount int64
		err := r.Scan(&id, &amount)
		out[idx[id]].realized += amount
		return err
	})
	return out
}

func (w *repWorld) contracts(t *testing.T) []rawContract {
	var out []rawContract
	idx := map[int64]int{}
	w.rows(t, `SELECT c.id, c.market_id, l.session_id, s.starts_at, c.quantity, c.price, c.value, c.buyer_fee, c.seller_fee, c.payment_due, c.created_at,
		so.province, bo.province, c.commodity, c.grade, c.status, m.province
		FROM contracts c, lots l, auction_sessions s, organizations so, organizations bo, markets m
		WHERE l.id = c.lot_id AND s.id = l.session_id AND so.id = c.seller_org_id AND bo.id = c.buyer_org_id AND m.id = c.market_id ORDER BY c.id`,
		func(r *sql.Rows) error {
			var c rawContract
			err := r.Scan(&c.id, &c.market, &c.session, &c.sessionStart, &c.qty, &c.price, &c.value, &c.bfee, &c.sfee, &c.payDue, &c.created,
				&c.seller, &c.buyer, &c.commodity, &c.grade, &c.status, &c.marketProvince)
			idx[c.id] = len(out)
			out = append(out, c)
			return err
		})
	w.rows(t, "SELECT contract_id, created_at FROM contract_steps WHERE to_status = 'paid'", func(r *sql.Rows) error {
		var id, at int64
		err := r.Scan(&id, &at)
		if c := &out[idx[id]]; c.paid == 0 || at < c.paid {
			c.paid = at
		}
		return err
	})
	return out
}

func micro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func inPeriod(at int64, p report.Period) bool {
	return (p.From.IsZero() || at >= micro(p.From)) && (p.To.IsZero() || at < micro(p.To))
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// checkMatrix checks a matrix against raw flows and its own margins.
func checkMatrix(t *testing.T, what string, m report.Matrix, want map[[2]string]int64) {
	t.Helper()
	var total int64
	for _, v := range want {
		total += v
	}
	eq(t, what+" total", m.TotalValue, total)
	var rows, cols int64
	for i, o := range m.Origins {
		var row int64
		for j, d := range m.Destinations {
			row += m.Value[i][j]
			eq(t, what+" "+o+"→"+d, m.Value[i][j], want[[2]string{o, d}])
		}
		eq(t, what+" row total "+o, m.RowValue[i], row)
		rows += m.RowValue[i]
	}
	for j, d := range m.Destinations {
		var col int64
		for i := range m.Origins {
			col += m.Value[i][j]
		}
		eq(t, what+" column total "+d, m.ColValue[j], col)
		cols += m.ColValue[j]
	}
	eq(t, what+" sum of row totals", rows, total)
	eq(t, what+" sum of column totals", cols, total)
	for k, v := range want {
		if v != 0 && (!slices.Contains(m.Origins, k[0]) || !slices.Contains(m.Destinations, k[1])) {
			t.Errorf("%s lacks %s→%s (%d)", what, k[0], k[1], v)
		}
	}
}

func TestReportArithmetic(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			w := newRepWorld(t, eng)
			ctx := context.Background()
			deals, contracts := w.deals(t), w.contracts(t)
			if len(contracts) < 400 || len(deals) < 2500 {
				t.Fatalf("too little data: %d contracts, %d deals", len(contracts), len(deals))
			}
			// The generated history is on the audit chain, which still holds.
			if broken, n, err := w.db.VerifyAudit(ctx); err != nil || broken != 0 || n < int64(len(deals)) {
				t.Fatalf("audit chain: broken at %d of %d: %v", broken, n, err)
			}
			t.Run("missions", func(t *testing.T) { repCheckMissions(t, w, deals) })
			t.Run("programme", func(t *testing.T) { repCheckProgramme(t, w, deals, contracts) })
			// A period that cuts through the generated history.
			p := report.Period{From: time.Date(2018, 7, 1, 0, 0, 0, 0, report.PeriodZone), To: time.Date(2024, 1, 1, 0, 0, 0, 0, report.PeriodZone)}
			for _, period := range []report.Period{{}, p} {
				name := "all"
				if !period.IsZero() {
					name = "period"
				}
				t.Run("flows/"+name, func(t *testing.T) {
					f, err := w.db.FlowReport(ctx, period)
					if err != nil {
						t.Fatal(err)
					}
					auction, mission, both := map[[2]string]int64{}, map[[2]string]int64{}, map[[2]string]int64{}
					for _, c := range contracts {
						if inPeriod(c.created, period) {
							auction[[2]string{c.seller, c.buyer}] += c.value
							both[[2]string{c.seller, c.buyer}] += c.value
						}
					}
					for _, d := range deals {
						if inPeriod(d.recorded, period) {
							mission[[2]string{d.seller, d.buyer}] += d.value
							both[[2]string{d.seller, d.buyer}] += d.value
						}
					}
					checkMatrix(t, "auction", f.Auction, auction)
					checkMatrix(t, "mission", f.Mission, mission)
					checkMatrix(t, "combined", f.Combined, both)
					eq(t, "combined = auction + mission", f.Combined.TotalValue, f.Auction.TotalValue+f.Mission.TotalValue)
				})
				t.Run("commodities/"+name, func(t *testing.T) { repCheckCommodities(t, w, period, deals, contracts) })
				t.Run("settlement/"+name, func(t *testing.T) { repCheckSettlement(t, w, period, contracts) })
			}
			t.Run("markets", func(t *testing.T) { repCheckMarkets(t, w, p, contracts) })
			t.Run("prices", func(t *testing.T) { repCheckPrices(t, w) })
		})
	}
}

func repCheckMissions(t *testing.T, w *repWorld, deals []rawDeal) {
	ctx := context.Background()
	byMission := map[int64][]rawDeal{}
	for _, d := range deals {
		byMission[d.mission] = append(byMission[d.mission], d)
	}
	for id, ds := range byMission {
		r, err := w.db.MissionReport(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var value, count, validated, realized int64
		com := map[string]int64{}
		flows := map[[2]string]int64{}
		for _, d := range ds {
			value += d.value
			if d.reverses == 0 {
				count++
				if !d.reversed {
					realized += d.realized
					if d.validation == "validated" {
						validated += d.value
					}
				}
			} else {
				count--
			}
			com[d.commodity] += d.value
			flows[[2]string{d.seller, d.buyer}] += d.value
		}
		eq(t, r.Mission.Title+" committed", r.Committed, value)
		eq(t, r.Mission.Title+" count", r.Count, count)
		eq(t, r.Mission.Title+" validated", r.Validated, validated)
		eq(t, r.Mission.Title+" realized", r.Realized, realized)
		for _, g := range r.ByCommodity {
			eq(t, r.Mission.Title+" "+g.Key, g.Value, com[g.Key])
			delete(com, g.Key)
		}
		for k, v := range com {
			if v != 0 {
				t.Errorf("%s: commodity %s (%d) missing", r.Mission.Title, k, v)
			}
		}
		checkMatrix(t, r.Mission.Title, r.Flows, flows)
		if r.Audit.Seq == 0 || len(r.Audit.Hash) != 64 {
			t.Errorf("audit head %+v", r.Audit)
		}
		if r.Mission.Title == demo.MissionKalsel {
			eq(t, "the Kalsel mission's total", r.Committed, demo.KalselTotal)
		}
	}
}

func repCheckProgramme(t *testing.T, w *repWorld, deals []rawDeal, contracts []rawContract) {
	p, err := w.db.ProgrammeReport(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type year struct{ missions, committed, realized, contracts, auction int64 }
	years := map[int]*year{}
	get := func(y int) *year {
		if years[y] == nil {
			years[y] = &year{}
		}
		return years[y]
	}
	hostYear := map[int64]int{}
	w.rows(t, "SELECT id, host_province, opens_at FROM missions", func(r *sql.Rows) error {
		var id, opens int64
		var host string
		err := r.Scan(&id, &host, &opens)
		pr, _ := niaga.ProvinceByCode(host)
		hostYear[id] = time.UnixMicro(opens).In(pr.Location()).Year()
		get(hostYear[id]).missions++
		return err
	})
	for _, d := range deals {
		y := get(hostYear[d.mission])
		y.committed += d.value
		if d.reverses == 0 && !d.reversed {
			y.realized += d.realized
		}
	}
	for _, c := range contracts {
		pr, _ := niaga.ProvinceByCode(c.marketProvince)
		y := get(time.UnixMicro(c.created).In(pr.Location()).Year())
		y.contracts++
		y.auction += c.value
	}
	var cum, cumAuction, missions int64
	for _, l := range p.Years {
		want := get(l.Year)
		eq(t, "missions in "+itoa(int64(l.Year)), l.Missions, want.missions)
		eq(t, "committed in "+itoa(int64(l.Year)), l.Committed, want.committed)
		eq(t, "realized in "+itoa(int64(l.Year)), l.Realized, want.realized)
		eq(t, "contracts in "+itoa(int64(l.Year)), l.Contracts, want.contracts)
		eq(t, "auction value in "+itoa(int64(l.Year)), l.AuctionValue, want.auction)
		cum += want.committed
		cumAuction += want.auction
		missions += want.missions
		eq(t, "cumulative committed to "+itoa(int64(l.Year)), l.CumCommitted, cum)
		eq(t, "cumulative auction to "+itoa(int64(l.Year)), l.CumAuction, cumAuction)
		delete(years, l.Year)
	}
	for y, v := range years {
		if *v != (year{}) {
			t.Errorf("year %d missing: %+v", y, *v)
		}
	}
	eq(t, "total committed", p.Total.Committed, cum)
	eq(t, "missions", p.Total.Missions, missions)
	eq(t, "mission lines", int64(len(p.Missions)), missions)
	if len(p.Years) == 0 || p.Years[0].Year != 2016 {
		t.Errorf("first year %+v", p.Years[:1])
	}
}

func repCheckCommodities(t *testing.T, w *repWorld, p report.Period, deals []rawDeal, contracts []rawContract) {
	r, err := w.db.CommodityReport(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	type sums struct{ contracts, aValue, aQty, deals, mValue int64 }
	want := map[string]*sums{}
	get := func(c string) *sums {
		if want[c] == nil {
			want[c] = &sums{}
		}
		return want[c]
	}
	var total int64
	for _, c := range contracts {
		if inPeriod(c.created, p) {
			s := get(c.commodity)
			s.contracts++
			s.aValue += c.value
			s.aQty += c.qty
			total += c.value
		}
	}
	for _, d := range deals {
		if inPeriod(d.recorded, p) {
			s := get(d.commodity)
			s.mValue += d.value
			if d.reverses == 0 {
				s.deals++
			} else {
				s.deals--
			}
			total += d.value
		}
	}
	for _, l := range r.Lines {
		s := get(l.Commodity)
		eq(t, l.Commodity+" contracts", l.Contracts, s.contracts)
		eq(t, l.Commodity+" auction value", l.AuctionValue, s.aValue)
		eq(t, l.Commodity+" auction quantity", l.AuctionQuantity, s.aQty)
		eq(t, l.Commodity+" deals", l.Deals, s.deals)
		eq(t, l.Commodity+" mission value", l.MissionValue, s.mValue)
		eq(t, l.Commodity+" total", l.TotalValue, s.aValue+s.mValue)
		delete(want, l.Commodity)
	}
	for c, s := range want {
		if *s != (sums{}) {
			t.Errorf("commodity %s missing: %+v", c, *s)
		}
	}
	eq(t, "total", r.Total.TotalValue, total)
}

func repCheckSettlement(t *testing.T, w *repWorld, p report.Period, contracts []rawContract) {
	now := time.Now().UnixMicro()
	s, err := w.db.SettlementReport(context.Background(), w.admin, p)
	if err != nil {
		t.Fatal(err)
	}
	type sums struct{ n, value, onTime, late, overdue, completed, defaulted int64 }
	want := map[int64]*sums{}
	for _, c := range contracts {
		if !inPeriod(c.created, p) {
			continue
		}
		if want[c.market] == nil {
			want[c.market] = &sums{}
		}
		x := want[c.market]
		x.n++
		x.value += c.value
		switch {
		case c.paid != 0 && c.paid <= c.payDue:
			x.onTime++
		case c.paid != 0:
			x.late++
		case c.status == niaga.ContractAwaitingPayment && c.payDue < now:
			x.overdue++
		}
		switch c.status {
		case niaga.ContractCompleted:
			x.completed++
		case niaga.ContractDefaulted:
			x.defaulted++
		}
	}
	var total sums
	for _, l := range s.Markets {
		x := want[l.MarketID]
		if x == nil {
			x = &sums{}
		}
		got := sums{l.Contracts, l.Value, l.OnTime, l.Late, l.Overdue, l.Completed, l.Defaulted}
		if got != *x {
			t.Errorf("market %d: %+v, want %+v", l.MarketID, got, *x)
		}
		total.n += x.n
		total.onTime += x.onTime
		total.late += x.late
	}
	eq(t, "total contracts", s.Total.Contracts, total.n)
	eq(t, "total on time", s.Total.OnTime, total.onTime)
	if total.late == 0 || total.onTime == 0 {
		t.Errorf("no late (%d) or on-time (%d) payments to tell apart", total.late, total.onTime)
	}
	// Organizers see their own markets only; businesses none.
	if _, err := w.db.SettlementReport(context.Background(), &niaga.Actor{Role: niaga.RoleBusiness, OrgID: 1}, p); niaga.ErrorCode(err) != niaga.CodeForbidden {
		t.Errorf("a business reads settlement: %v", err)
	}
}

func repCheckMarkets(t *testing.T, w *repWorld, p report.Period, contracts []rawContract) {
	ctx := context.Background()
	markets, err := w.db.Markets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range markets[:min(4, len(markets))] {
		for _, period := range []report.Period{{}, p} {
			a, err := w.db.AuctionReport(ctx, store.AuctionScope{MarketID: m.ID, Period: period})
			if err != nil {
				t.Fatal(err)
			}
			var n, value, fees int64
			for _, c := range contracts {
				if c.market == m.ID && inPeriod(c.sessionStart, period) {
					n++
					value += c.value
					fees += c.bfee
				}
			}
			eq(t, m.Name+" contracts", a.Contracts, n)
			eq(t, m.Name+" value", a.Value, value)
			eq(t, m.Name+" buyer fees", a.BuyerFees, fees)
			var lots, sold, bids int64
			w.rows(t, `SELECT l.status, l.mechanism, (SELECT COUNT(*) FROM bids b WHERE b.lot_id = l.id), s.starts_at FROM lots l JOIN auction_sessions s ON s.id = l.session_id
				WHERE l.market_id = `+itoa(m.ID), func(r *sql.Rows) error {
				var st, mech string
				var nb, starts int64
				err := r.Scan(&st, &mech, &nb, &starts)
				if st == niaga.LotAdmitted && (mech == "sealed_first" || mech == "sealed_second" || mech == "call") {
					nb = 0 // counted only once closed: the count is secret while bidding
				}
				if inPeriod(starts, period) {
					if st == niaga.LotSold || st == niaga.LotUnsold || st == niaga.LotAdmitted {
						lots++
					}
					if st == niaga.LotSold {
						sold++
					}
					bids += nb
				}
				return err
			})
			eq(t, m.Name+" lots", a.Lots, lots)
			eq(t, m.Name+" sold", a.Sold, sold)
			eq(t, m.Name+" bids", a.Bids, bids)
			var sv int64
			for _, s := range a.Sessions {
				sv += s.Value
			}
			eq(t, m.Name+" sessions add up", sv, a.Value)
		}
	}
}

func repCheckPrices(t *testing.T, w *repWorld) {
	type pt struct {
		lot, at, price, qty int64
		grade, province     string
	}
	series := map[string][]pt{}
	w.rows(t, "SELECT lot_id, at, price, quantity, commodity, grade, province FROM prices", func(r *sql.Rows) error {
		var p pt
		var com string
		err := r.Scan(&p.lot, &p.at, &p.price, &p.qty, &com, &p.grade, &p.province)
		series[com] = append(series[com], p)
		return err
	})
	for _, com := range []string{"beras", "jagung", "sapi"} {
		h, err := w.db.PriceHistory(context.Background(), report.PriceFilter{Commodity: com})
		if err != nil {
			t.Fatal(err)
		}
		type day struct{ open, openAt, openLot, close, closeAt, closeLot, high, low, volume, trades int64 }
		want := map[string]*day{}
		for _, p := range series[com] {
			pr, _ := niaga.ProvinceByCode(p.province)
			k := p.grade + "|" + p.province + "|" + time.UnixMicro(p.at).In(pr.Location()).Format(time.DateOnly)
			d := want[k]
			if d == nil {
				d = &day{open: p.price, openAt: p.at, openLot: p.lot, close: p.price, closeAt: p.at, closeLot: p.lot, high: p.price, low: p.price}
				want[k] = d
			}
			if p.at < d.openAt || p.at == d.openAt && p.lot < d.openLot {
				d.open, d.openAt, d.openLot = p.price, p.at, p.lot
			}
			if p.at > d.closeAt || p.at == d.closeAt && p.lot > d.closeLot {
				d.close, d.closeAt, d.closeLot = p.price, p.at, p.lot
			}
			d.high, d.low = max(d.high, p.price), min(d.low, p.price)
			d.volume += p.qty
			d.trades++
		}
		if len(h.Candles) != len(want) {
			t.Fatalf("%s: %d candles, want %d", com, len(h.Candles), len(want))
		}
		for _, c := range h.Candles {
			d := want[c.Grade+"|"+c.Province+"|"+c.Date]
			if d == nil {
				t.Fatalf("%s: unexpected candle %+v", com, c)
			}
			got := [6]int64{c.Open, c.High, c.Low, c.Close, c.Volume, c.Trades}
			if got != [6]int64{d.open, d.high, d.low, d.close, d.volume, d.trades} {
				t.Errorf("%s %s %s %s: %v, want %+v", com, c.Grade, c.Province, c.Date, got, *d)
			}
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// TestReportAuditVerify edits audit records in the database directly, as
// someone with access to it would, and checks that the chain check names the
// first record that no longer holds, and that reports carry the head.
func TestReportAuditVerify(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, eng)
			db, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			driver, src := "pgx", dsn
			if eng == store.SQLite {
				driver, src = "sqlite3", "file:"+dsn
			}
			raw, err := sql.Open(driver, src)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			for i := range 10 {
				o := niaga.Organization{Name: "Koperasi " + itoa(int64(i+1)), Kind: niaga.OrgBusiness, Province: "35"}
				if err := db.CreateOrganization(ctx, nil, &o); err != nil {
					t.Fatal(err)
				}
			}
			verify := func(want int64) {
				t.Helper()
				broken, n, err := db.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if broken != want {
					t.Fatalf("first broken record %d (of %d checked), want %d", broken, n, want)
				}
			}
			verify(0)
			r, err := db.CommodityReport(ctx, report.Period{})
			if err != nil {
				t.Fatal(err)
			}
			seq, head, _ := db.AuditHead(ctx)
			if r.Audit.Seq != 10 || r.Audit.Seq != seq || r.Audit.Hash != head {
				t.Fatalf("report head %+v, chain head %d %s", r.Audit, seq, head)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if eng == store.SQLite {
					q = strings.ReplaceAll(q, "$", "?")
				}
				if _, err := raw.Exec(q, args...); err != nil {
					t.Fatal(err)
				}
			}
			var after string
			if err := raw.QueryRow("SELECT after FROM audit_log WHERE seq = 5").Scan(&after); err != nil {
				t.Fatal(err)
			}
			// A changed name in record 5.
			exec("UPDATE audit_log SET after = $1 WHERE seq = 5", strings.Replace(after, "Koperasi 5", "Koperasi Lima", 1))
			verify(5)
			exec("UPDATE audit_log SET after = $1 WHERE seq = 5", after)
			verify(0)
			// A changed time in record 7.
			exec("UPDATE audit_log SET at = at + 1 WHERE seq = 7")
			verify(7)
			exec("UPDATE audit_log SET at = at - 1 WHERE seq = 7")
			verify(0)
			// Record 4 rewritten with a recomputed hash: record 5 no longer follows it.
			var e store.AuditEntry
			if err := raw.QueryRow("SELECT seq, at, actor_id, action, entity, entity_id, before, after, prev_hash FROM audit_log WHERE seq = 4").
				Scan(&e.Seq, &e.At, &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After, &e.PrevHash); err != nil {
				t.Fatal(err)
			}
			forged := strings.Replace(e.After, "Koperasi 4", "Koperasi Empat", 1)
			exec("UPDATE audit_log SET after = $1, hash = $2 WHERE seq = 4", forged, store.AuditHash(e.PrevHash, e.Seq, e.At, e.ActorID, e.Action, e.Entity, e.EntityID, e.Before, forged))
			verify(5)
			exec("UPDATE audit_log SET after = $1, hash = $2 WHERE seq = 4", e.After, store.AuditHash(e.PrevHash, e.Seq, e.At, e.ActorID, e.Action, e.Entity, e.EntityID, e.Before, e.After))
			verify(0)
			// The last record removed: the head still names it.
			exec("DELETE FROM audit_log WHERE seq = 10")
			verify(10)
		})
	}
}
