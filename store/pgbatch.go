package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// On PostgreSQL every statement is a round trip, and a bid made seven of
// them. In a batch, once lockBatch holds and has read every lot and deposit
// account the batch's english bids touch, those bids are decided in memory
// and their writes collected here, then written with one statement per
// table (arrays through unnest) just before commit: a batch of fifty bids
// costs about a dozen round trips instead of three hundred. Bid and event
// ids are drawn from their sequences after the locks are held, so a lot's
// bids still get increasing ids in commit order.
//
// Nothing changes for the other mechanisms, nor for a bid whose rows are
// not in the batch's cache: the writes collected so far are flushed first,
// and that bid runs statement by statement as before.
type pgPending struct {
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
	// idemSeen holds the batch's idempotency records: read by lockBatch,
	// and those its own bids wrote.
	idemSeen map[string][2]string // key → op, body
}

type acctLotKey struct{ lot, org int64 }

func newPGPending() *pgPending {
	return &pgPending{lots: map[int64]*lotRow{}, commits: map[acctLotKey]int64{}, uncommit: map[acctLotKey]bool{},
		market: map[int64]int64{}, idemSeen: map[string][2]string{}}
}

// draw takes n bid ids and n event ids from the sequences.
func (p *pgPending) draw(ctx context.Context, tx *Tx, n int) error {
	rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('bids', 'id')), nextval(pg_get_serial_sequence('events', 'id'))
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

func (p *pgPending) take(ids *[]int64) (int64, error) {
	if len(*ids) == 0 {
		return 0, fmt.Errorf("batch ran out of drawn ids")
	}
	id := (*ids)[0]
	*ids = (*ids)[1:]
	return id, nil
}

// bid records an accepted english bid: its row, the lot's new state and
// the commitments it moves.
func (p *pgPending) bid(r, after *lotRow, req BidRequest, price, maxPrice int64) (int64, error) {
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
func (p *pgPending) event(topic, kind string, data []byte, at int64) (int64, error) {
	id, err := p.take(&p.eventIDs)
	if err != nil {
		return 0, err
	}
	e := &p.events
	w := wireEvent{ID: id, Topic: topic, Kind: kind, Data: data, At: at}
	msg, _ := json.Marshal(w)
	if len(msg) > 7900 { // NOTIFY's limit is 8000 bytes: send the id, listeners read the row
		w.Data = nil
		msg, _ = json.Marshal(w)
	}
	e.id, e.at, e.topic, e.kind = append(e.id, id), append(e.at, at), append(e.topic, topic), append(e.kind, kind)
	e.data, e.msg = append(e.data, string(data)), append(e.msg, string(msg))
	return id, nil
}

func (p *pgPending) idempotent(key string, user int64, op, body string) {
	i := &p.idem
	i.key, i.user, i.op, i.body = append(i.key, key), append(i.user, user), append(i.op, op), append(i.body, body)
	p.idemSeen[key] = [2]string{op, body}
}

func (p *pgPending) empty() bool {
	return len(p.bids.id) == 0 && len(p.events.id) == 0 && len(p.idem.key) == 0 && len(p.lots) == 0 && len(p.commits) == 0 && len(p.uncommit) == 0
}

// flush writes what was collected in one statement, a data-modifying
// WITH per table, notifications in its main query. (The audit record of
// the batch is chained after it, at commit: the chain head stays locked
// for as short a time as possible, since every transaction takes it.)
func (p *pgPending) flush(ctx context.Context, tx *Tx) error {
	if p.empty() {
		return nil
	}
	tx.writing()
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
	p.bids = pgPending{}.bids
	p.events = pgPending{}.events
	p.idem = pgPending{}.idem
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
