package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"niaga"
	"niaga/auction"
)

// Group commit: concurrent bids are applied in one transaction and
// acknowledged only after that transaction commits. One commit (one WAL
// append, one fsync in --sync full) then carries many bids, which is where
// the throughput comes from; durability is unchanged.
//
// A refused bid must not undo the others. A bid is refused by what it reads
// (the lot's state, the rules, the deposit), and it reads everything before
// it writes anything, so a refusal leaves nothing to undo; the rare bid
// that can be refused after writing (a dutch accept) takes a savepoint
// first. An error after a bid started writing is the transaction's: the
// batch is rolled back and its bids are retried one transaction each.

const maxBatch = 256

// A batch that finds few bids waiting may linger for more: when bids
// arrive fast enough to fill it, sharing one commit among more bids costs
// less CPU than committing each handful (on SQLite most of a commit's cost
// is writing the dirty pages to the WAL, and many of them are shared). It
// waits at most lingerMax, and never when bids arrive slowly, so a lone
// bid is not delayed.
const (
	lingerMax    = 2 * time.Millisecond
	lingerTarget = 32   // stop lingering at this many bids
	lingerRate   = 4000 // bids/s below which a batch does not linger
)

type bidJob struct {
	ctx  context.Context
	req  BidRequest
	res  BidResult
	err  error
	done chan struct{}
}

// bidder owns the batching loop(s).
type bidder struct {
	jobs chan *bidJob
}

func (db *DB) startBidder() {
	db.bids = &bidder{jobs: make(chan *bidJob, 4096)}
	workers := 1 // SQLite has one writer
	if db.Engine == Postgres {
		// Two loops: one fills a batch while the other waits on
		// PostgreSQL. More split the bids into smaller batches that
		// wait for each other's row locks (deposit accounts are shared
		// by a buyer's bids on every lot): 4 loops made 3 000 bids/s
		// where 2 made 4 200.
		workers = 2
	} else {
		db.bidCache = newBidCache()
	}
	for range workers {
		go db.bidLoop()
	}
}

// PlaceBid places one bid and returns once it is committed (or refused).
func (db *DB) PlaceBid(ctx context.Context, req BidRequest) (BidResult, error) {
	if req.At.IsZero() {
		req.At = time.Now().UTC()
	}
	j := &bidJob{ctx: ctx, req: req, done: make(chan struct{})}
	select {
	case db.bids.jobs <- j:
	case <-ctx.Done():
		return BidResult{}, db.classify(ctx.Err())
	case <-db.closing:
		return BidResult{}, niaga.Errorf(niaga.CodeUnavailable, "shutting down")
	}
	<-j.done // once queued, wait for the outcome: it may commit even if the client left
	return j.res, j.err
}

func (db *DB) bidLoop() {
	batch := make([]*bidJob, 0, maxBatch)
	var rate float64 // bids/s arriving, a moving average over batches
	var last time.Time
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for {
		var j *bidJob
		select {
		case j = <-db.bids.jobs:
		case <-db.closing:
			for { // fail what is still queued: nothing of it was written
				select {
				case j := <-db.bids.jobs:
					j.err = niaga.Errorf(niaga.CodeUnavailable, "shutting down")
					close(j.done)
				default:
					return
				}
			}
		}
		batch = append(batch[:0], j)
	fill:
		for len(batch) < maxBatch {
			select {
			case j := <-db.bids.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		if n := len(batch); n < lingerTarget && rate >= lingerRate {
			linger.Reset(min(lingerMax, time.Duration(float64(lingerTarget-n)/rate*float64(time.Second))))
		wait:
			for len(batch) < lingerTarget {
				select {
				case j := <-db.bids.jobs:
					batch = append(batch, j)
				case <-linger.C:
					break wait
				}
			}
			linger.Stop()
		}
		now := time.Now()
		if dt := now.Sub(last).Seconds(); dt > 0 && !last.IsZero() {
			rate = 0.8*rate + 0.2*float64(len(batch))/dt
		}
		last = now
		db.prepareHot(context.Background())
		db.runBatch(batch)
	}
}

// runBatch applies the jobs in one transaction. If the transaction itself
// fails (a deadlock between instances, a lost connection), each job is
// retried alone so one job's trouble is not everyone's.
func (db *DB) runBatch(batch []*bidJob) {
	live := batch[:0:0]
	for _, j := range batch {
		if j.ctx.Err() != nil { // the client gave up before we started: nothing was written
			j.err = db.classify(j.ctx.Err())
			close(j.done)
			continue
		}
		live = append(live, j)
	}
	if len(live) == 0 {
		return
	}
	db.orderEnglish(live)
	ctx := context.Background() // a batch outlives any one request
	cache := db.bidCache
	err := db.InTx(ctx, func(tx *Tx) error {
		if cache != nil {
			cache.begin(ctx, tx)
			tx.cache = cache
		}
		if db.Engine == Postgres {
			c := newBidCache() // for this batch only: other instances write the same rows
			if err := tx.lockBatch(ctx, live, c); err != nil {
				return err
			}
			tx.cache = c
		}
		for _, j := range live {
			var txErr error
			j.res, j.err, txErr = tx.applyBid(ctx, j.req)
			if txErr != nil {
				return txErr
			}
		}
		if err := tx.auditBids(live); err != nil {
			return err
		}
		if tx.pend != nil {
			return tx.pend.flush(ctx, tx)
		}
		return nil
	})
	if err != nil && cache != nil {
		cache.valid = false // its updates were rolled back
	}
	if err != nil && len(live) > 1 {
		for _, j := range live {
			j.res, j.err = db.placeBidAlone(ctx, j.req)
			close(j.done)
		}
		return
	}
	for _, j := range live {
		if err != nil {
			j.err = err
		}
		close(j.done)
	}
}

// orderEnglish puts the english bids of a batch on the same lot in
// ascending order of their maximum, keeping arrival order between equal
// maxima (ties go to the earlier bid). The bids of one commit group were in
// flight together, and which of them the server read first is an accident
// of scheduling: applied highest first, a lower maximum that was above the
// price its bidder saw would be refused as too low; applied lowest first,
// each is judged against the price before the higher ones and is recorded,
// outbid, by the leader's proxy. The lot ends the same either way: the
// highest maximum leads at the second highest plus the increment.
// Other mechanisms and lots not yet seen keep arrival order (a sealed
// revision, a dutch accept and call priority depend on it).
func (db *DB) orderEnglish(jobs []*bidJob) {
	if len(jobs) < 2 {
		return
	}
	var idx []int
	for i, j := range jobs {
		if v, ok := db.lotInfo.Load(j.req.LotID); ok && auction.Mechanism(v.(*lotRow).Mechanism) == auction.English {
			idx = append(idx, i)
		}
	}
	if len(idx) < 2 {
		return
	}
	eng := make([]*bidJob, len(idx))
	for k, i := range idx {
		eng[k] = jobs[i]
	}
	slices.SortStableFunc(eng, func(a, b *bidJob) int {
		return cmp.Or(cmp.Compare(a.req.LotID, b.req.LotID),
			cmp.Compare(max(a.req.In.Price, a.req.In.MaxPrice), max(b.req.In.Price, b.req.In.MaxPrice)))
	})
	for k, i := range idx {
		jobs[i] = eng[k]
	}
}

// placeBidAlone places one bid in its own transaction: the fallback when a
// batch fails, and the one-transaction-per-bid baseline of the benchmarks.
func (db *DB) placeBidAlone(ctx context.Context, req BidRequest) (BidResult, error) {
	if req.At.IsZero() {
		req.At = time.Now().UTC()
	}
	var res BidResult
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if res, err = tx.placeBid(ctx, req); err != nil {
			return err
		}
		return tx.auditBids([]*bidJob{{req: req, res: res}})
	})
	return res, err
}

// auditedBid is one accepted bid as the audit log records it.
type auditedBid struct {
	BidID    int64     `json:"bid_id"`
	LotID    int64     `json:"lot_id"`
	UserID   int64     `json:"user_id"`
	OrgID    int64     `json:"org_id"`
	Side     string    `json:"side,omitempty"`
	Price    int64     `json:"price,omitempty"`
	MaxPrice int64     `json:"max_price,omitempty"`
	Quantity int64     `json:"quantity,omitempty"`
	Result   int64     `json:"result_price"`
	At       time.Time `json:"at"`
}

// auditBids appends one audit record for the bids a transaction accepted
// (replays of an Idempotency-Key changed nothing and are left out): every
// bid is a state change, and one record per commit group keeps the chain's
// cost per bid small.
func (tx *Tx) auditBids(jobs []*bidJob) error {
	var bids []auditedBid
	for _, j := range jobs {
		if j.err != nil || j.res.Replayed || j.res.BidID == 0 {
			continue
		}
		in := j.req.In
		bids = append(bids, auditedBid{BidID: j.res.BidID, LotID: j.req.LotID, UserID: j.req.Actor.UserID, OrgID: j.req.Actor.OrgID,
			Side: in.Side, Price: in.Price, MaxPrice: in.MaxPrice, Quantity: in.Quantity, Result: j.res.Price, At: j.req.At})
	}
	if len(bids) == 0 {
		return nil
	}
	return tx.Audit(nil, "bids.place", "lot", bids[0].LotID, nil, bids)
}

// applyBid places one bid of a batch. jobErr refuses this bid alone;
// txErr means the transaction can no longer commit.
func (tx *Tx) applyBid(ctx context.Context, req BidRequest) (res BidResult, jobErr, txErr error) {
	if tx.pend != nil && !tx.decidable(req) {
		// This bid reads the database: it must see the batch's writes.
		if err := tx.pend.flush(ctx, tx); err != nil {
			return BidResult{}, nil, tx.db.classify(err)
		}
	}
	nAfter, nAudit := len(tx.after), len(tx.audit)
	tx.job = bidJobState{}
	res, err := tx.placeBid(ctx, req)
	job := tx.job
	tx.job = bidJobState{}
	if err == nil {
		if job.savepoint {
			if _, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT sp"); err != nil {
				return BidResult{}, nil, tx.db.classify(err)
			}
		}
		return res, nil, nil
	}
	tx.after, tx.audit = tx.after[:nAfter], tx.audit[:nAudit]
	switch {
	case job.savepoint:
		if _, err := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT sp"); err != nil {
			return BidResult{}, nil, tx.db.classify(err)
		}
		if _, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT sp"); err != nil {
			return BidResult{}, nil, tx.db.classify(err)
		}
	case job.wrote:
		return BidResult{}, nil, tx.db.classify(err)
	}
	return BidResult{}, tx.db.classify(err), nil
}

// lockBatch takes, on PostgreSQL, every row lock the batch's bids will
// take, in one global order: all their lots by id, then all the deposit
// accounts they read by (market, organization). Batches of other workers
// or instances then wait for each other but never deadlock (which would
// cost PostgreSQL's deadlock_timeout, a second, and a retry bid by bid).
// What it reads while locking fills the batch's cache: the rows stay
// locked until commit, so each bid needs no read of its own.
func (tx *Tx) lockBatch(ctx context.Context, jobs []*bidJob, c *bidCache) error {
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
		return err
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
			return err
		}
		market[r.ID] = r.MarketID
		tx.db.rememberLot(r)
		if auction.Mechanism(r.Mechanism) == auction.English {
			c.lots[r.ID] = &r
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if err := tx.prepareDeferred(ctx, jobs); err != nil {
		return err
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
		return nil
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
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k acctKey
		a := &acctState{hasAccount: true}
		if err := rows.Scan(&k.market, &k.org, &a.verified, &a.kind, &a.balance, &a.locked, &a.total); err != nil {
			return err
		}
		c.accts[k] = a
	}
	return rows.Err()
}

// prepareDeferred sets a PostgreSQL batch up to collect its english bids'
// writes (see pgPending): ids drawn once the lots are locked, and the
// idempotency records of the batch's keys read at once.
func (tx *Tx) prepareDeferred(ctx context.Context, jobs []*bidJob) error {
	p := newPGPending()
	if err := p.draw(ctx, tx, len(jobs)); err != nil {
		return err
	}
	var keys []string
	for _, j := range jobs {
		if j.req.IdemKey != "" && j.req.Actor != nil {
			keys = append(keys, bidIdemKey(j.req))
		}
	}
	if len(keys) > 0 {
		rows, err := tx.Query(ctx, "SELECT key, op, body FROM idempotency WHERE key = ANY($1)", keys)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, op, body string
			if err := rows.Scan(&k, &op, &body); err != nil {
				return err
			}
			p.idemSeen[k] = [2]string{op, body}
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	tx.pend = p
	return nil
}

// decidable reports whether a bid can be decided from the batch's cache
// alone: an english lot and the bidder's account are both in it.
func (tx *Tx) decidable(req BidRequest) bool {
	if tx.cache == nil || req.Actor == nil {
		return false
	}
	r, ok := tx.cache.lots[req.LotID]
	if !ok {
		return false
	}
	_, ok = tx.cache.accts[acctKey{r.MarketID, req.Actor.OrgID}]
	return ok
}
