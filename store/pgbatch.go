package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"niaga/auction"
)

// A bid batch on PostgreSQL, where every statement is a round trip and a
// bid made seven of them. beginPGBatch first takes, in one global order,
// the row locks of every lot and deposit account the batch's bids touch
// (lockBatch), reading them into the batch's cache; the english bids are
// then decided in memory and their writes collected (pgWrites), and written
// with one statement per table (arrays through unnest) just before commit:
// a batch of fifty bids costs about a dozen round trips instead of three
// hundred. Bid and event ids are drawn from their sequences after the lots
// are locked, so a lot's bids still get increasing ids in commit order.
//
// Nothing changes for the other mechanisms, nor for a bid whose rows are
// not in the batch's cache: the writes collected so far are flushed first,
// and that bid runs statement by statement as before.

// beginPGBatch starts a batch in tx: it locks the batch's rows, reading
// them into a cache of its own (other instances write the same rows, so
// nothing is kept from one batch to the next), and collects its writes.
func beginPGBatch(ctx context.Context, tx *Tx, jobs []*bidJob) (*bidBatch, error) {
	c := newBidCache()
	w, err := tx.lockBatch(ctx, jobs, c)
	if err != nil {
		return nil, err
	}
	return &bidBatch{tx: tx, cache: c, w: w}, nil
}

// lockBatch takes, on PostgreSQL, every row lock the batch's bids will
// take, in one global order: all their lots by id, then all the deposit
// accounts they read by (market, organization). Batches of other workers
// or instances then wait for each other but never deadlock (which would
// cost PostgreSQL's deadlock_timeout, a second, and a retry bid by bid).
// What it reads while locking fills the batch's cache: the rows stay
// locked until commit, so each bid needs no read of its own. Between the
// two it sets up the batch's writes (see newPGWrites).
func (tx *Tx) lockBatch(ctx context.Context, jobs []*bidJob, c *bidCache) (*pgWrites, error) {
	lots := make([]int64, 0, len(jobs))
	for _, j := range jobs {
		lots = append(lots, j.req.LotID)
	}
	slices.Sort(lots)
	lots = slices.Compact(lots)
	// Lots whose fixed fields are cached need only their lots row: one
	// table instead of a five-table join.
	cached := true
	for _, id := range lots {
		if _, ok := tx.db.lotInfo.Load(id); !ok {
			cached = false
			break
		}
	}
	q := lotSelect + "WHERE l.id = ANY($1) ORDER BY l.id FOR UPDATE OF l"
	if cached {
		q = qLotStates
	}
	rows, err := tx.Query(ctx, q, lots)
	if err != nil {
		return nil, err
	}
	market := make(map[int64]int64, len(lots))
	for rows.Next() {
		var r lotRow
		var err error
		if cached {
			r, err = tx.db.scanLotState(rows)
		} else {
			r, err = scanLot(rows)
		}
		if err != nil {
			rows.Close()
			return nil, err
		}
		market[r.ID] = r.MarketID
		tx.db.rememberLot(r)
		if auction.Mechanism(r.Mechanism) == auction.English {
			c.lots[r.ID] = &r
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	w, err := newPGWrites(ctx, tx, jobs)
	if err != nil {
		return nil, err
	}
	accts := make([]acctKey, 0, len(jobs))
	for _, j := range jobs {
		if m, ok := market[j.req.LotID]; ok && j.req.Actor != nil {
			accts = append(accts, acctKey{m, j.req.Actor.OrgID})
		}
	}
	slices.SortFunc(accts, func(a, b acctKey) int { return cmp.Or(cmp.Compare(a.market, b.market), cmp.Compare(a.org, b.org)) })
	accts = slices.Compact(accts)
	if len(accts) == 0 {
		return w, nil
	}
	ms, orgs := make([]int64, len(accts)), make([]int64, len(accts))
	for i, a := range accts {
		ms[i], orgs[i] = a.market, a.org
	}
	rows, err = tx.Query(ctx, `SELECT d.market_id, d.org_id, o.verified, o.kind, d.balance, d.locked,
		(SELECT COALESCE(SUM(c.value), 0) FROM commitments c WHERE c.market_id = d.market_id AND c.org_id = d.org_id)
		FROM deposit_accounts d JOIN unnest($1::bigint[], $2::bigint[]) AS k(m, o) ON d.market_id = k.m AND d.org_id = k.o
		JOIN organizations o ON o.id = d.org_id
		ORDER BY d.market_id, d.org_id FOR UPDATE OF d`, ms, orgs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k acctKey
		a := &acctState{hasAccount: true}
		if err := rows.Scan(&k.market, &k.org, &a.verified, &a.kind, &a.balance, &a.locked, &a.total); err != nil {
			return nil, err
		}
		c.accts[k] = a
	}
	return w, rows.Err()
}

// newPGWrites sets a PostgreSQL batch up to collect its english bids'
// writes: ids drawn once the lots are locked, and the idempotency records
// of the batch's keys read at once.
func newPGWrites(ctx context.Context, tx *Tx, jobs []*bidJob) (*pgWrites, error) {
	p := &pgWrites{tx: tx, lots: map[int64]*lotRow{}, commits: map[acctLotKey]int64{}, uncommit: map[acctLotKey]bool{},
		market: map[int64]int64{}, idemSeen: map[string][2]string{}}
	if err := p.draw(ctx, len(jobs)); err != nil {
		return nil, err
	}
	var keys []string
	for _, j := range jobs {
		if j.req.IdemKey != "" && j.req.Actor != nil {
			keys = append(keys, bidIdemKey(j.req))
		}
	}
	if len(keys) == 0 {
		return p, nil
	}
	rows, err := tx.Query(ctx, "SELECT key, op, body FROM idempotency WHERE key = ANY($1)", keys)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, op, body string
		if err := rows.Scan(&k, &op, &body); err != nil {
			return nil, err
		}
		p.idemSeen[k] = [2]string{op, body}
	}
	return p, rows.Err()
}

// qLotStates locks a batch's lots, in id order.
const qLotStates = `SELECT id, status, reason, starts_at, ends_at, extensions, leader_org_id, leader_max, price, bid_count,
	winner_org_id, award_price, sold_quantity, closed_at, guarantee FROM lots WHERE id = ANY($1) ORDER BY id FOR UPDATE`

// scanLotState reads a row of qLotStates over the lot's cached fixed fields.
func (db *DB) scanLotState(rows *sql.Rows) (lotRow, error) {
	var id, st, en, closed int64
	var r lotRow
	var s lotRow
	err := rows.Scan(&id, &s.Status, &s.Reason, &st, &en, &s.Extensions, &s.LeaderOrg, &s.leaderMax,
		&s.Price, &s.BidCount, &s.WinnerOrgID, &s.AwardPrice, &s.SoldQuantity, &closed, &s.Guarantee)
	if err != nil {
		return r, err
	}
	v, ok := db.lotInfo.Load(id)
	if !ok {
		return r, fmt.Errorf("lot %d left the cache", id)
	}
	r = *v.(*lotRow)
	r.Status, r.Reason, r.Extensions, r.LeaderOrg, r.leaderMax = s.Status, s.Reason, s.Extensions, s.LeaderOrg, s.leaderMax
	r.Price, r.BidCount, r.WinnerOrgID, r.AwardPrice, r.SoldQuantity = s.Price, s.BidCount, s.WinnerOrgID, s.AwardPrice, s.SoldQuantity
	r.Guarantee = s.Guarantee
	r.StartsAt, r.EndsAt, r.ClosedAt = fromMicros(st), fromMicros(en), fromMicros(closed)
	return r, nil
}

// pgWrites collects a PostgreSQL batch's writes until flush.
type pgWrites struct {
	tx *Tx

	bidIDs, eventIDs []int64 // drawn, unused

	bids struct {
		id, lot, org, user, price, maxPrice, qty, at []int64
		side                                         []string
	}
	lots     map[int64]*lotRow // final state of each lot written
	commits  map[acctLotKey]int64
	uncommit map[acctLotKey]bool
	market   map[int64]int64 // lot → market, for commitments
	events   struct {
		id, at           []int64
		topic, kind, msg []string
		data             []string
	}
	idem struct {
		key, op, body []string
		user          []int64
	}
	// idemSeen holds the batch's idempotency records: read at its start,
	// and those its own bids wrote.
	idemSeen map[string][2]string // key → op, body
}

type acctLotKey struct{ lot, org int64 }

// draw takes n bid ids and n event ids from the sequences.
func (p *pgWrites) draw(ctx context.Context, n int) error {
	rows, err := p.tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('bids', 'id')), nextval(pg_get_serial_sequence('events', 'id'))
		FROM generate_series(1, $1)`, n)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var b, e int64
		if err := rows.Scan(&b, &e); err != nil {
			return err
		}
		p.bidIDs, p.eventIDs = append(p.bidIDs, b), append(p.eventIDs, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.Sort(p.bidIDs)
	slices.Sort(p.eventIDs)
	return nil
}

func (p *pgWrites) take(ids *[]int64) (int64, error) {
	if len(*ids) == 0 {
		return 0, fmt.Errorf("batch ran out of drawn ids")
	}
	id := (*ids)[0]
	*ids = (*ids)[1:]
	return id, nil
}

// english records an accepted english bid: its row, the lot's new state
// and the commitments it moves.
func (p *pgWrites) english(_ context.Context, r, after *lotRow, req BidRequest, price, maxPrice int64) (int64, error) {
	id, err := p.take(&p.bidIDs)
	if err != nil {
		return 0, err
	}
	b := &p.bids
	b.id, b.lot, b.org, b.user = append(b.id, id), append(b.lot, r.ID), append(b.org, req.Actor.OrgID), append(b.user, req.Actor.UserID)
	b.side, b.price, b.maxPrice = append(b.side, "buy"), append(b.price, price), append(b.maxPrice, maxPrice)
	b.qty, b.at = append(b.qty, r.Quantity), append(b.at, micros(req.At))
	row := *after
	p.lots[r.ID] = &row
	p.market[r.ID] = r.MarketID
	if r.LeaderOrg != 0 && r.LeaderOrg != after.LeaderOrg {
		k := acctLotKey{r.ID, r.LeaderOrg}
		delete(p.commits, k)
		p.uncommit[k] = true
	}
	if after.LeaderOrg != r.LeaderOrg {
		k := acctLotKey{after.ID, after.LeaderOrg}
		delete(p.uncommit, k)
		p.commits[k] = englishCommitment(after, after.LeaderOrg)
	}
	return id, nil
}

// event records an event; its notification is sent at flush.
func (p *pgWrites) event(_ context.Context, topic, kind string, data rawEvent) (int64, error) {
	at := micros(p.tx.Now)
	id, err := p.take(&p.eventIDs)
	if err != nil {
		return 0, err
	}
	e := &p.events
	w := wireEvent{ID: id, Topic: topic, Kind: kind, Data: json.RawMessage(data), At: at}
	msg, _ := json.Marshal(w)
	if len(msg) > 7900 { // NOTIFY's limit is 8000 bytes: send the id, listeners read the row
		w.Data = nil
		msg, _ = json.Marshal(w)
	}
	e.id, e.at, e.topic, e.kind = append(e.id, id), append(e.at, at), append(e.topic, topic), append(e.kind, kind)
	e.data, e.msg = append(e.data, string(data)), append(e.msg, string(msg))
	return id, nil
}

// idempotency answers from the records read at the batch's start and
// those its bids kept: every key of the batch is among them.
func (p *pgWrites) idempotency(_ context.Context, key string) (op, body string, err error) {
	v, ok := p.idemSeen[key]
	if !ok {
		return "", "", sql.ErrNoRows
	}
	return v[0], v[1], nil
}

func (p *pgWrites) keepIdempotency(_ context.Context, key string, user int64, op, body string) error {
	i := &p.idem
	i.key, i.user, i.op, i.body = append(i.key, key), append(i.user, user), append(i.op, op), append(i.body, body)
	p.idemSeen[key] = [2]string{op, body}
	return nil
}

func (p *pgWrites) empty() bool {
	return len(p.bids.id) == 0 && len(p.events.id) == 0 && len(p.idem.key) == 0 && len(p.lots) == 0 && len(p.commits) == 0 && len(p.uncommit) == 0
}

// flush writes what was collected in one statement, a data-modifying
// WITH per table, notifications in its main query. (The audit record of
// the batch is chained after it, at commit: the chain head stays locked
// for as short a time as possible, since every transaction takes it.)
func (p *pgWrites) flush(ctx context.Context) error {
	if p.empty() {
		return nil
	}
	tx := p.tx
	var w writes
	if b := &p.bids; len(b.id) > 0 {
		w.with(`INSERT INTO bids (id, lot_id, bidder_org_id, user_id, side, price, max_price, quantity, created_at)
			SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[])`,
			b.id, b.lot, b.org, b.user, b.side, b.price, b.maxPrice, b.qty, b.at)
	}
	if len(p.lots) > 0 {
		var id, leader, lmax, price, n, ends, ext []int64
		for _, r := range p.lots {
			id, leader, lmax, price = append(id, r.ID), append(leader, r.LeaderOrg), append(lmax, r.leaderMax), append(price, r.Price)
			n, ends, ext = append(n, r.BidCount), append(ends, micros(r.EndsAt)), append(ext, r.Extensions)
		}
		// "lots.id = ANY(…)" lets the planner reach the rows by index
		// (joined with unnest alone it scans the whole table).
		w.with(`UPDATE lots SET leader_org_id = u.leader, leader_max = u.lmax, price = u.price, bid_count = u.n, ends_at = u.ends, extensions = u.ext
			FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) AS u(id, leader, lmax, price, n, ends, ext)
			WHERE lots.id = u.id AND lots.id = ANY(%s)`, id, leader, lmax, price, n, ends, ext, id)
	}
	// The commitments deleted and upserted are distinct rows (bid keeps
	// a key in one of the two maps only), as one statement requires.
	if len(p.uncommit) > 0 {
		var lot, org []int64
		for k := range p.uncommit {
			lot, org = append(lot, k.lot), append(org, k.org)
		}
		w.with(`DELETE FROM commitments c USING unnest(%s::bigint[], %s::bigint[]) AS d(lot, org) WHERE c.lot_id = d.lot AND c.org_id = d.org`, lot, org)
	}
	if len(p.commits) > 0 {
		var lot, org, market, value []int64
		for k, v := range p.commits {
			lot, org, market, value = append(lot, k.lot), append(org, k.org), append(market, p.market[k.lot]), append(value, v)
		}
		w.with(`INSERT INTO commitments (lot_id, org_id, market_id, value)
			SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[])
			ON CONFLICT (lot_id, org_id) DO UPDATE SET value = excluded.value`, lot, org, market, value)
	}
	if e := &p.events; len(e.id) > 0 {
		w.with(`INSERT INTO events (id, topic, kind, data, at) SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::bigint[])`,
			e.id, e.topic, e.kind, e.data, e.at)
	}
	if i := &p.idem; len(i.key) > 0 {
		status := make([]int64, len(i.key))
		for k := range status {
			status[k] = 201
		}
		w.with(`INSERT INTO idempotency (key, user_id, op, status, body, created_at)
			SELECT k, u, o, s, b, %s FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::bigint[], %s::text[]) AS x(k, u, o, s, b)`,
			micros(tx.Now), i.key, i.user, i.op, status, i.body)
	}
	main, args := "SELECT 1", []any(nil)
	if e := &p.events; len(e.id) > 0 {
		// Notifications in id order: pg_notify is volatile, so it runs
		// after the sort, row by row.
		main, args = "SELECT pg_notify(%s, m) FROM unnest(%s::text[]) WITH ORDINALITY AS x(m, i) ORDER BY i", []any{notifyChannel, e.msg}
	}
	if _, err := tx.Exec(ctx, w.sql(main, args...), w.args...); err != nil {
		return err
	}
	p.bids = pgWrites{}.bids
	p.events = pgWrites{}.events
	p.idem = pgWrites{}.idem
	clear(p.lots)
	clear(p.commits)
	clear(p.uncommit)
	return nil
}

// writes gathers data-modifying statements into one PostgreSQL statement,
// WITH w0 AS (INSERT …), w1 AS (UPDATE …) …: every statement folded in is
// a round trip saved. PostgreSQL runs each of them once, to completion,
// whether or not the main query reads it; they share one snapshot, so
// they must not touch the same rows.
type writes struct {
	ctes []string
	args []any
}

// with adds a statement; each %s in q becomes the next parameter, bound to
// the next of args.
func (w *writes) with(q string, args ...any) {
	w.ctes = append(w.ctes, fmt.Sprintf("w%d AS (%s)", len(w.ctes), w.bind(q, args)))
}

func (w *writes) bind(q string, args []any) string {
	ph := make([]any, len(args))
	for i, a := range args {
		w.args = append(w.args, a)
		ph[i] = "$" + strconv.Itoa(len(w.args))
	}
	return fmt.Sprintf(q, ph...)
}

// sql is the whole statement with main (and its %s parameters) as its
// main query.
func (w *writes) sql(main string, args ...any) string {
	m := w.bind(main, args)
	if len(w.ctes) == 0 {
		return m
	}
	return "WITH " + strings.Join(w.ctes, ",\n") + "\n" + m
}
