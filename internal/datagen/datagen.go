// Package datagen fills a database with a synthetic but consistent history,
// for measuring reports at scale (niaga report gen, report benchmarks and
// the store's volume tests). It is not production code: it writes rows
// directly, through store's exported transaction and the literal-statement
// seam Tx.ExecLiteral, without the business rules (those are tested
// elsewhere; this is volume).
package datagen

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/store"
)

// Spec sizes a generated data set for measuring reports at scale.
type Spec struct {
	Bids  int       // auction bids (about ten per lot; lots follow)
	Deals int       // mission deal entries (about 800 per mission; missions follow)
	Start time.Time // the first mission and session; default 1 Jan 2016 WIB
	Years int       // spread over this many years (default 10)
	Seed  uint64
	// Progress, when set, hears about each phase.
	Progress func(phase string, rows int, took time.Duration)
}

// Stats counts what Generate wrote.
type Stats struct {
	Organizations, Markets, Sessions, Lots, Bids, Contracts, Steps, Prices int
	Missions, Participants, Deals, Reversals, Realizations                 int
	Took                                                                   time.Duration
}

// Generate fills the database with a synthetic but consistent
// history: organizations in every province, markets, sessions, lots with
// their bids, awards, contracts with settlement steps and prices; missions
// with delegations, deals (some reversed, most validated, some realized).
// Rows are written directly with multi-row INSERTs in large transactions
// (the rules were tested elsewhere; this is volume), and one audit record
// says that the data was generated. Admin only.
func Generate(ctx context.Context, db *store.DB, actor *niaga.Actor, spec Spec) (Stats, error) {
	start := time.Now()
	var st Stats
	if actor == nil || actor.Role != niaga.RoleAdmin {
		return st, niaga.Errorf(niaga.CodeForbidden, "only the admin generates data")
	}
	if spec.Bids < 0 || spec.Deals < 0 {
		return st, niaga.Invalid("size", "must not be negative")
	}
	if spec.Start.IsZero() {
		spec.Start = time.Date(2016, 1, 1, 0, 0, 0, 0, mustLoc("Asia/Jakarta"))
	}
	if spec.Years <= 0 {
		spec.Years = 10
	}
	if db.Engine == store.SQLite {
		// Index pages stay in memory while millions of rows go in; the
		// writer is one connection, so the setting stays with it.
		if _, err := db.Raw().ExecContext(ctx, "PRAGMA cache_size = -65536"); err != nil {
			return st, err
		}
		defer func() {
			if _, err := db.Raw().ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000"); err != nil {
				slog.Default().Warn("reset the writer's cache size", "err", err)
			}
		}()
	}
	g := &gen{db: db, spec: spec, rnd: rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x9e3779b97f4a7c15)), st: &st, uid: actor.UserID}
	if err := g.ids(ctx); err != nil {
		return st, err
	}
	for _, phase := range []struct {
		name string
		fn   func(context.Context, *store.Tx) (int, error)
	}{
		{"organizations", g.genOrgs},
		{"markets and sessions", g.genMarkets},
		{"lots, bids, contracts, prices", g.genLots},
		{"missions and deals", g.genMissions},
		{"audit records", g.genAudit},
	} {
		t0 := time.Now()
		var n int
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = phase.fn(ctx, tx)
			return err
		})
		if err != nil {
			return st, fmt.Errorf("generate %s: %w", phase.name, err)
		}
		if spec.Progress != nil {
			spec.Progress(phase.name, n, time.Since(t0))
		}
	}
	st.Took = time.Since(start)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if db.Engine == store.Postgres {
			for _, t := range []string{"organizations", "markets", "auction_sessions", "lots", "bids", "contracts", "contract_steps", "prices",
				"missions", "mission_participants", "deals", "deal_realizations"} {
				if _, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'id'), (SELECT MAX(id) FROM "+t+"))"); err != nil {
					return err
				}
			}
		}
		return tx.Audit(actor, "report.generate", "database", 0, nil, st)
	})
	if err == nil { // fresh statistics, as a long-running database would have
		_, err = db.Raw().ExecContext(ctx, "ANALYZE")
	}
	return st, err
}

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

type gen struct {
	db   *store.DB
	spec Spec
	rnd  *rand.Rand
	st   *Stats
	uid  int64
	next map[string]int64 // next free id per table

	agencies    map[string]int64   // province → agency org
	businesses  map[string][]int64 // province → business orgs
	bizProvince map[int64]string
	markets     []genMarket
	sessions    []genSession
	audit       []genAudit // one record per award and deal entry, chained at the end
}

// genAudit is an audit record of a generated row.
type genAudit struct {
	action, entity string
	id             int64
	after          string
}

type genMarket struct {
	id, org        int64
	province       string
	feeBps, perTon int64
}

type genSession struct {
	id         int64
	start, end time.Time
	markets    []int
}

// ids reads the next free id of every table written.
func (g *gen) ids(ctx context.Context) error {
	g.next = map[string]int64{}
	for _, t := range []string{"organizations", "markets", "auction_sessions", "lots", "bids", "contracts", "contract_steps", "prices",
		"missions", "mission_participants", "deals", "deal_realizations"} {
		var n int64
		if err := g.db.Raw().QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+t).Scan(&n); err != nil {
			return err
		}
		g.next[t] = n + 1
	}
	return nil
}

func (g *gen) id(table string) int64 {
	v := g.next[table]
	g.next[table]++
	return v
}

// bulk writes rows as multi-row INSERTs of literal values (the values are
// made here: numbers, and text without quotes or dollars).
type bulk struct {
	tx    *store.Tx
	deps  []*bulk // tables these rows refer to: written first
	head  string
	b     strings.Builder
	rows  int
	total int
}

func newBulk(tx *store.Tx, table, cols string, deps ...*bulk) *bulk {
	return &bulk{tx: tx, deps: deps, head: "INSERT INTO " + table + " (" + cols + ") VALUES "}
}

func (b *bulk) add(ctx context.Context, vals ...any) error {
	if b.rows == 0 {
		b.b.WriteString(b.head)
	} else {
		b.b.WriteByte(',')
	}
	b.b.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			b.b.WriteByte(',')
		}
		switch x := v.(type) {
		case int64:
			b.b.WriteString(strconv.FormatInt(x, 10))
		case int:
			b.b.WriteString(strconv.Itoa(x))
		case bool:
			if x {
				b.b.WriteString("TRUE")
			} else {
				b.b.WriteString("FALSE")
			}
		case nil:
			b.b.WriteString("NULL")
		case string:
			b.b.WriteByte('\'')
			b.b.WriteString(strings.ReplaceAll(x, "'", "''"))
			b.b.WriteByte('\'')
		default:
			return fmt.Errorf("bulk: unsupported %T", v)
		}
	}
	b.b.WriteByte(')')
	b.rows++
	b.total++
	if b.rows == 1000 {
		return b.flush(ctx)
	}
	return nil
}

func (b *bulk) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	for _, d := range b.deps {
		if err := d.flush(ctx); err != nil {
			return err
		}
	}
	err := b.tx.ExecLiteral(ctx, b.b.String())
	b.b.Reset()
	b.rows = 0
	return err
}

func (g *gen) genOrgs(ctx context.Context, tx *store.Tx) (int, error) {
	g.agencies, g.businesses, g.bizProvince = map[string]int64{}, map[string][]int64{}, map[int64]string{}
	b := newBulk(tx, "organizations", "id, name, kind, province, verified, created_at")
	at := tx.Now.Unix()
	for _, p := range niaga.Provinces() {
		id := g.id("organizations")
		g.agencies[p.Code] = id
		if err := b.add(ctx, id, "Gen Disperindag "+p.Name, "agency", p.Code, true, at); err != nil {
			return 0, err
		}
		for i := range 100 {
			id := g.id("organizations")
			g.businesses[p.Code] = append(g.businesses[p.Code], id)
			g.bizProvince[id] = p.Code
			if err := b.add(ctx, id, fmt.Sprintf("Gen Usaha %s %03d", p.Code, i+1), "business", p.Code, true, at); err != nil {
				return 0, err
			}
		}
	}
	provs := niaga.Provinces()
	for i := range 20 {
		p := provs[(i*7)%len(provs)]
		id := g.id("organizations")
		g.markets = append(g.markets, genMarket{org: id, province: p.Code, feeBps: int64(5 + i%4*5), perTon: int64(i%3) * 2500})
		if err := b.add(ctx, id, fmt.Sprintf("Gen Penyelenggara Lelang %02d %s", i+1, p.Name), "organizer", p.Code, true, at); err != nil {
			return 0, err
		}
	}
	if err := b.flush(ctx); err != nil {
		return 0, err
	}
	g.st.Organizations = b.total
	return b.total, nil
}

func (g *gen) genMarkets(ctx context.Context, tx *store.Tx) (int, error) {
	at := micros(tx.Now)
	mb := newBulk(tx, "markets", "id, organizer_org_id, name, province, fee_buyer_bps, fee_seller_bps, fee_buyer_per_ton, fee_seller_per_ton, deposit_ratio_bps, mechanisms, created_at")
	for i := range g.markets {
		m := &g.markets[i]
		m.id = g.id("markets")
		if err := mb.add(ctx, m.id, m.org, fmt.Sprintf("Gen Pasar Lelang %02d", i+1), m.province, m.feeBps, m.feeBps, m.perTon, m.perTon, int64(500+i%6*100),
			"english|sealed_first|sealed_second|dutch|call", at); err != nil {
			return 0, err
		}
	}
	if err := mb.flush(ctx); err != nil {
		return 0, err
	}
	lots := max(1, g.spec.Bids/10)
	n := max(1, lots/50)
	wib := mustLoc("Asia/Jakarta")
	span := g.spec.Start.AddDate(g.spec.Years, 0, 0).Sub(g.spec.Start)
	sb := newBulk(tx, "auction_sessions", "id, organizer_org_id, title, kind, delivery_date, starts_at, ends_at, soft_close_seconds, max_extensions, created_at")
	jb := newBulk(tx, "session_markets", "session_id, market_id", sb)
	for i := range n {
		s := genSession{id: g.id("auction_sessions")}
		day := g.spec.Start.Add(time.Duration(float64(span) * float64(i) / float64(n))).In(wib)
		s.start = time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, wib)
		s.end = s.start.Add(2 * time.Hour)
		first := g.rnd.IntN(len(g.markets))
		s.markets = []int{first}
		if g.rnd.IntN(4) == 0 { // a joint session of two markets
			if second := g.rnd.IntN(len(g.markets)); second != first {
				s.markets = append(s.markets, second)
			}
		}
		m := g.markets[first]
		if err := sb.add(ctx, s.id, m.org, fmt.Sprintf("Gen Sesi %05d", i+1), "spot", "", micros(s.start), micros(s.end), int64(120), int64(0), micros(s.start.Add(-24*time.Hour))); err != nil {
			return 0, err
		}
		for _, k := range s.markets {
			if err := jb.add(ctx, s.id, g.markets[k].id); err != nil {
				return 0, err
			}
		}
		g.sessions = append(g.sessions, s)
	}
	if err := sb.flush(ctx); err != nil {
		return 0, err
	}
	if err := jb.flush(ctx); err != nil {
		return 0, err
	}
	g.st.Markets, g.st.Sessions = len(g.markets), n
	return len(g.markets) + n, nil
}

// basePrice is a commodity's price per base unit around which lots sell.
var basePrice = map[string]int64{"beras": 12_000, "kopi_robusta": 38_000, "kopi_arabika": 75_000, "jagung": 5_000, "gula": 14_000, "cabai": 40_000,
	"bawang_merah": 30_000, "ikan": 35_000, "sapi": 18_000_000, "kelapa_sawit": 2_500, "karet": 20_000, "kakao": 60_000}

func (g *gen) commodity() niaga.Commodity {
	return niaga.SeedCommodities[g.rnd.IntN(len(niaga.SeedCommodities))]
}

func (g *gen) business(except int64) int64 {
	provs := niaga.Provinces()
	for {
		p := provs[g.rnd.IntN(len(provs))].Code
		b := g.businesses[p][g.rnd.IntN(len(g.businesses[p]))]
		if b != except {
			return b
		}
	}
}

func (g *gen) genLots(ctx context.Context, tx *store.Tx) (int, error) {
	lb := newBulk(tx, "lots", `id, session_id, market_id, seller_org_id, commodity, grade, quantity, origin, warehouse_receipt, delivery_terms, mechanism, reserve, increment,
		dutch_start, dutch_step, dutch_tick_ms, status, reason, starts_at, ends_at, extensions, leader_org_id, leader_max, price, bid_count, winner_org_id, award_price,
		sold_quantity, closed_at, created_at`)
	bb := newBulk(tx, "bids", "id, lot_id, bidder_org_id, user_id, side, price, max_price, quantity, active, created_at", lb)
	cb := newBulk(tx, "contracts", `id, lot_id, market_id, buyer_org_id, seller_org_id, commodity, grade, quantity, price, value, buyer_fee, seller_fee, deposit_locked,
		adjustment, status, payment_due, delivery_due, created_at, updated_at`, lb)
	sb := newBulk(tx, "contract_steps", "id, contract_id, from_status, to_status, actor_id, note, adjustment, created_at", cb)
	pb := newBulk(tx, "prices", "id, lot_id, commodity, grade, province, price, quantity, mechanism, at", lb)
	lotsN := max(1, g.spec.Bids/10)
	bidsLeft := g.spec.Bids
	now := micros(tx.Now)
	for i := range lotsN {
		s := g.sessions[i%len(g.sessions)]
		m := g.markets[s.markets[g.rnd.IntN(len(s.markets))]]
		seller := g.business(0)
		com := g.commodity()
		grade := com.Grades[g.rnd.IntN(len(com.Grades))]
		qty := int64(1000 * (1 + g.rnd.IntN(50)))
		if com.Unit == "ekor" {
			qty = int64(5 + g.rnd.IntN(60))
		}
		reserve := basePrice[com.Code] * int64(90+g.rnd.IntN(20)) / 100
		inc := max(1, reserve/200)
		mech := "english"
		switch r := g.rnd.IntN(20); {
		case r < 3:
			mech = "sealed_first"
		case r < 5:
			mech = "sealed_second"
		case r < 6:
			mech = "dutch"
		case r < 8:
			mech = "call"
		}
		// Bids left are spread over the lots left, ten on average.
		nb := 0
		if lotsLeft := lotsN - i; lotsLeft == 1 {
			nb = bidsLeft
		} else if bidsLeft > 0 {
			nb = min(bidsLeft, g.rnd.IntN(21))
		}
		if mech == "dutch" && nb > 1 {
			nb = 1
		}
		bidsLeft -= nb
		lotID := g.id("lots")
		at := s.start
		step := s.end.Sub(s.start) / time.Duration(nb+1)
		price := reserve
		var winner int64
		pending := make([][]any, 0, nb) // the bids, written after their lot
		for k := range nb {
			at = at.Add(step)
			bidder := g.business(seller)
			side, bq, active := "buy", qty, true
			switch mech {
			case "english":
				if k > 0 {
					price += inc * int64(1+g.rnd.IntN(3))
				}
				winner = bidder
			case "sealed_first", "sealed_second":
				p := reserve + inc*int64(g.rnd.IntN(40))
				if p >= price || winner == 0 {
					price, winner = p, bidder
				}
			case "dutch":
				price = reserve + inc*int64(g.rnd.IntN(20))
				winner = bidder
			case "call":
				bq = qty / int64(1+g.rnd.IntN(4))
				p := reserve + inc*int64(g.rnd.IntN(10))
				if p >= price || winner == 0 {
					price, winner = p, bidder
				}
			}
			pending = append(pending, []any{g.id("bids"), lotID, bidder, int64(0), side, price, int64(0), bq, active, micros(at)})
		}
		status, award, sold, closed := niaga.LotUnsold, int64(0), int64(0), micros(s.end)
		if winner != 0 {
			status, award, sold = niaga.LotSold, price, qty
		}
		if micros(s.end) > now {
			status, closed = niaga.LotAdmitted, 0
			award, sold = 0, 0
		}
		if err := lb.add(ctx, lotID, s.id, m.id, seller, com.Code, grade, qty, "Gen gudang", "", "Franco gudang penjual", mech, reserve, inc,
			int64(0), int64(0), int64(0), status, "", micros(s.start), micros(s.end), int64(0), winner, price, price, int64(nb), winner, award,
			sold, closed, micros(s.start.Add(-24*time.Hour))); err != nil {
			return 0, err
		}
		for _, b := range pending {
			if err := bb.add(ctx, b...); err != nil {
				return 0, err
			}
		}
		if status != niaga.LotSold {
			continue
		}
		if err := g.contract(ctx, cb, sb, lotID, m, winner, seller, com.Code, grade, qty, price, s.end, tx.Now); err != nil {
			return 0, err
		}
		if err := pb.add(ctx, g.id("prices"), lotID, com.Code, grade, m.province, price, qty, mech, micros(s.end)); err != nil {
			return 0, err
		}
		g.st.Prices++
		g.audit = append(g.audit, genAudit{"lot.award", "lot", lotID, `{"status":"sold","price":` + strconv.FormatInt(price, 10) + `,"quantity":` + strconv.FormatInt(qty, 10) + `}`})
	}
	for _, b := range []*bulk{lb, bb, cb, sb, pb} {
		if err := b.flush(ctx); err != nil {
			return 0, err
		}
	}
	g.st.Lots, g.st.Bids, g.st.Contracts, g.st.Steps = lb.total, bb.total, cb.total, sb.total
	return lb.total + bb.total + cb.total + sb.total + pb.total, nil
}

// contract writes an award's contract and a settlement history: most paid
// (some late), delivered and completed; some defaulted, cancelled,
// disputed, or still open when recent.
func (g *gen) contract(ctx context.Context, cb, sb *bulk, lotID int64, m genMarket, buyer, seller int64, com, grade string, qty, price int64, at, now time.Time) error {
	id := g.id("contracts")
	v := price * qty
	fee := fees(v, qty, m.feeBps, m.perTon)
	due, delivery := at.Add(store.PaymentTerm), at.Add(store.DeliveryTerm)
	type step struct {
		to string
		at time.Time
	}
	var steps []step
	payAt := at.Add(time.Duration(6+g.rnd.IntN(60)) * time.Hour)
	if g.rnd.IntN(7) == 0 {
		payAt = due.Add(time.Duration(1+g.rnd.IntN(96)) * time.Hour) // late
	}
	switch r := g.rnd.IntN(100); {
	case r < 72:
		steps = []step{{"paid", payAt}, {"delivered", payAt.Add(48 * time.Hour)}, {"completed", payAt.Add(72 * time.Hour)}}
	case r < 80:
		steps = []step{{"defaulted", due.Add(24 * time.Hour)}}
	case r < 88:
		steps = []step{{"paid", payAt}}
	case r < 92:
		steps = []step{{"paid", payAt}, {"delivered", payAt.Add(48 * time.Hour)}}
	case r < 94:
		steps = []step{{"cancelled", at.Add(12 * time.Hour)}}
	case r < 96:
		steps = []step{{"paid", payAt}, {"disputed", payAt.Add(24 * time.Hour)}}
	}
	// Steps that have happened by now; the contract row goes first, the
	// steps refer to it.
	status, updated := niaga.ContractAwaitingPayment, at
	done := steps[:0]
	for _, s := range steps {
		if s.at.After(now) {
			break
		}
		done = append(done, s)
		status, updated = s.to, s.at
	}
	if err := cb.add(ctx, id, lotID, m.id, buyer, seller, com, grade, qty, price, v, fee, fee, ratioOf(v, 1000), int64(0), status,
		micros(due), micros(delivery), micros(at), micros(updated)); err != nil {
		return err
	}
	if err := sb.add(ctx, g.id("contract_steps"), id, "", niaga.ContractAwaitingPayment, int64(0), "award", int64(0), micros(at)); err != nil {
		return err
	}
	from := niaga.ContractAwaitingPayment
	for _, s := range done {
		if err := sb.add(ctx, g.id("contract_steps"), id, from, s.to, g.uid, "", int64(0), micros(s.at)); err != nil {
			return err
		}
		from = s.to
	}
	return nil
}

// genPart is a generated mission participant.
type genPart struct {
	id   int64
	prov string
}

// delegations writes a mission's delegations: up to 150 approved, verified
// businesses of the host and guest provinces.
func (g *gen) delegations(ctx context.Context, pb *bulk, missionID int64, host string, guests []string, opens time.Time) ([]genPart, error) {
	var parts []genPart
	for k, p := range append([]string{host}, guests...) {
		count := 90
		if k > 0 {
			count = 60 / len(guests)
		}
		for _, org := range g.businesses[p][:min(count, len(g.businesses[p]))] {
			pid := g.id("mission_participants")
			parts = append(parts, genPart{pid, p})
			if err := pb.add(ctx, pid, missionID, org, p, "", true, g.uid, micros(opens), micros(opens.AddDate(0, 0, -7)), niaga.ParticipantApproved, g.uid, micros(opens.AddDate(0, 0, -7))); err != nil {
				return nil, err
			}
		}
	}
	g.st.Participants += len(parts)
	return parts, nil
}

func (g *gen) genMissions(ctx context.Context, tx *store.Tx) (int, error) {
	if g.spec.Deals == 0 {
		return 0, nil
	}
	n := max(1, g.spec.Deals/800)
	provs := niaga.Provinces()
	span := g.spec.Start.AddDate(g.spec.Years, 0, 0).Sub(g.spec.Start)
	mb := newBulk(tx, "missions", "id, title, host_province, venue, agency_id, opens_at, closes_at, target_value, status, request_ttl, created_by, created_at")
	gb := newBulk(tx, "mission_guests", "mission_id, province", mb)
	pb := newBulk(tx, "mission_participants", "id, mission_id, org_id, delegation, contact, verified, verified_by, verified_at, created_at, status, decided_by, decided_at", mb)
	db := newBulk(tx, "deals", `id, mission_id, seller_id, buyer_id, seller_province, buyer_province, commodity, kind, quantity, value, note, reverses, reason,
		validation, validated_by, validated_at, validation_note, recorded_by, recorded_org, recorded_at`, pb)
	rb := newBulk(tx, "deal_realizations", "id, deal_id, amount, note, recorded_by, recorded_at", db)
	left := g.spec.Deals
	firstMission := g.next["missions"]
	kinds := []niaga.DealKind{niaga.DealPurchase, niaga.DealPurchase, niaga.DealPurchase, niaga.DealContract, niaga.DealContract, niaga.DealCommitment, niaga.DealInvestment}
	for i := range n {
		id := g.id("missions")
		host := provs[g.rnd.IntN(len(provs))]
		guests := []string{}
		for len(guests) < 1+g.rnd.IntN(2) {
			p := provs[g.rnd.IntN(len(provs))].Code
			if p != host.Code && !slices.Contains(guests, p) {
				guests = append(guests, p)
			}
		}
		day := g.spec.Start.Add(time.Duration(float64(span) * (float64(i) + 0.5) / float64(n)))
		local := day.In(host.Location())
		opens := time.Date(local.Year(), local.Month(), local.Day(), 9, 0, 0, 0, host.Location())
		closes := opens.Add(9 * time.Hour)
		status := niaga.MissionClosed
		if closes.After(tx.Now) {
			status = niaga.MissionPlanned
		}
		if err := mb.add(ctx, id, fmt.Sprintf("Gen Misi Dagang %s %d", host.Name, i+1), host.Code, "Gen Hotel", g.agencies[host.Code], micros(opens), micros(closes),
			int64(100_000_000_000), string(status), int64(48*time.Hour/time.Microsecond), g.uid, micros(opens.AddDate(0, -1, 0))); err != nil {
			return 0, err
		}
		for _, p := range guests {
			if err := gb.add(ctx, id, p); err != nil {
				return 0, err
			}
		}
		parts, err := g.delegations(ctx, pb, id, host.Code, guests, opens)
		if err != nil {
			return 0, err
		}
		deals := left / (n - i)
		left -= deals
		for k := 0; k < deals; k++ {
			s := parts[g.rnd.IntN(len(parts))]
			b := parts[g.rnd.IntN(len(parts))]
			for b.prov == s.prov && g.rnd.IntN(10) > 0 || b.id == s.id {
				b = parts[g.rnd.IntN(len(parts))]
			}
			com := g.commodity()
			kind := kinds[g.rnd.IntN(len(kinds))]
			qty := int64(1000 * (1 + g.rnd.IntN(500)))
			if kind == niaga.DealInvestment {
				qty = 0
			}
			value := int64(10_000_000 * (1 + g.rnd.IntN(500)))
			at := opens.Add(time.Duration(g.rnd.Int64N(int64(closes.Sub(opens)))))
			did := g.id("deals")
			validation, vby, vat := niaga.DealPending, int64(0), int64(0)
			if g.rnd.IntN(10) < 7 {
				validation, vby, vat = niaga.DealValidated, g.uid, micros(at.Add(time.Hour))
			}
			if err := db.add(ctx, did, id, s.id, b.id, s.prov, b.prov, com.Code, string(kind), qty, value, "", nil, "",
				validation, vby, vat, "", g.uid, g.agencies[host.Code], micros(at)); err != nil {
				return 0, err
			}
			g.audit = append(g.audit, genAudit{"deal.create", "deal", did, `{"mission_id":` + strconv.FormatInt(id, 10) + `,"value":` + strconv.FormatInt(value, 10) + `}`})
			if k+1 < deals && g.rnd.IntN(100) == 0 { // a correction: the reversing entry is one of the entries
				k++
				if err := db.add(ctx, g.id("deals"), id, s.id, b.id, s.prov, b.prov, com.Code, string(kind), -qty, -value, "", did, "Gen koreksi",
					niaga.DealPending, int64(0), int64(0), "", g.uid, g.agencies[host.Code], micros(at.Add(10*time.Minute))); err != nil {
					return 0, err
				}
				g.st.Reversals++
				g.audit = append(g.audit, genAudit{"deal.reverse", "deal", g.next["deals"] - 1, `{"reverses":` + strconv.FormatInt(did, 10) + `,"value":` + strconv.FormatInt(-value, 10) + `}`})
				continue
			}
			if g.rnd.IntN(10) < 4 && closes.Before(tx.Now) {
				paid := value / int64(1+g.rnd.IntN(3))
				if err := rb.add(ctx, g.id("deal_realizations"), did, paid, "Gen realisasi", g.uid, micros(closes.AddDate(0, 1+g.rnd.IntN(6), 0))); err != nil {
					return 0, err
				}
				g.st.Realizations++
			}
		}
	}
	for _, b := range []*bulk{mb, gb, pb, db, rb} {
		if err := b.flush(ctx); err != nil {
			return 0, err
		}
	}
	// The running totals on the mission rows, as insertDeal keeps them.
	if _, err := tx.Exec(ctx, `UPDATE missions SET
		deal_total = COALESCE((SELECT SUM(d.value) FROM deals d WHERE d.mission_id = missions.id), 0),
		deal_count = COALESCE((SELECT SUM(CASE WHEN d.reverses IS NULL THEN 1 ELSE -1 END) FROM deals d WHERE d.mission_id = missions.id), 0)
		WHERE id >= $1`, firstMission); err != nil {
		return 0, err
	}
	g.st.Missions, g.st.Deals = mb.total, db.total
	return mb.total + pb.total + db.total + rb.total, nil
}

// RowCounts counts the rows of the tables reports read (for benchmarks).
func RowCounts(ctx context.Context, db *store.DB) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range []string{"organizations", "markets", "auction_sessions", "lots", "bids", "contracts", "contract_steps", "prices",
		"missions", "mission_participants", "deals", "deal_realizations", "audit_log"} {
		var n int64
		if err := db.Raw().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, nil
}

// genAudit chains a record for every award and deal entry onto the audit
// log, as the real operations would have, so the chain check runs at scale.
func (g *gen) genAudit(ctx context.Context, tx *store.Tx) (int, error) {
	var seq int64
	var prev string
	if err := tx.QueryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1"+tx.ForUpdate()).Scan(&seq, &prev); err != nil {
		return 0, err
	}
	b := newBulk(tx, "audit_log", "seq, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash")
	at := micros(tx.Now)
	for _, r := range g.audit {
		seq++
		h := store.AuditHash(prev, seq, at, g.uid, r.action, r.entity, r.id, "null", r.after)
		if err := b.add(ctx, seq, at, g.uid, r.action, r.entity, r.id, "null", r.after, prev, h); err != nil {
			return 0, err
		}
		prev = h
	}
	if err := b.flush(ctx); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", seq, prev)
	return b.total, err
}

// micros is a time as the store keeps it: microseconds since the epoch,
// 0 for the zero time.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fees is one side's fee as the store computes it on award: basis points of
// the value plus Rupiah per 1 000 base units.
func fees(v, qty, bps, perThousand int64) int64 {
	return v/10000*bps + v%10000*bps/10000 + qty/1000*perThousand + qty%1000*perThousand/1000
}

// ratioOf is ceil(v × bps / 10000) without overflowing (the deposit ratio).
func ratioOf(v, bps int64) int64 {
	return v/10000*bps + (v%10000*bps+9999)/10000
}
