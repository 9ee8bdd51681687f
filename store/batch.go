package store

import (
	"cmp"
	"context"
	"errors"
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
//
// A bid, top to bottom: PlaceBid queues it, bidLoop gathers a batch,
// runBatch begins the engine's batch in one transaction (beginSQLiteBatch
// in sqlitebatch.go, beginPGBatch in pgbatch.go) and applies each bid
// (bidBatch.apply, below); placeBid (bid.go) checks the rules and writes
// through the batch's bidWrites (directWrites, pgWrites), flushed before
// commit.

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
	var short *DepositShortfall
	if errors.As(j.err, &short) {
		// Where to pay, read after the bid's transaction: a refusal
		// adds no read to the commit group.
		if m, err := db.Market(ctx, short.MarketID); err == nil {
			short.Payment = m.Payment
		}
	}
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
	err := db.InTx(ctx, func(tx *Tx) error {
		var b *bidBatch
		if db.Engine == Postgres {
			var err error
			if b, err = beginPGBatch(ctx, tx, live); err != nil {
				return err
			}
		} else {
			b = beginSQLiteBatch(ctx, tx, db.bidCache)
		}
		for _, j := range live {
			var txErr error
			j.res, j.err, txErr = b.apply(ctx, j.req)
			if txErr != nil {
				return txErr
			}
		}
		if err := tx.auditBids(live); err != nil {
			return err
		}
		return b.w.flush(ctx)
	})
	if err != nil && db.bidCache != nil {
		db.bidCache.valid = false // its updates were rolled back
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
		b := &bidBatch{tx: tx, w: directWrites{tx}} // no cache: it reads everything
		var err error
		if res, err = b.placeBid(ctx, req); err != nil {
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

// bidBatch is the transaction of one commit group of bids (or of one bid
// placed alone) with what its bids share: the cache of what they read,
// where their writes go, and the state of the bid being applied. The rules
// of a bid are in bid.go; each engine's writes in its own file.
type bidBatch struct {
	tx    *Tx
	cache *bidCache // what english bids read; nil for a bid placed alone
	w     bidWrites
	job   bidJobState
}

// bidWrites is where a batch's bids write what may wait until commit: one
// implementation per engine, chosen in runBatch.
//   - directWrites (sqlitebatch.go) writes each statement at once: on
//     SQLite a statement is a call into the library, not a round trip. A
//     bid placed alone writes this way on either engine.
//   - pgWrites (pgbatch.go) collects the writes of a PostgreSQL batch's
//     english bids, events and idempotency records, and writes them in one
//     statement at flush.
//
// The other writes of a bid (sealed and call bids, a dutch accept) go
// statement by statement through the transaction on either engine.
type bidWrites interface {
	// english writes an accepted english bid — its row, the lot's new
	// state after it, and the commitments it moves — and returns its id.
	english(ctx context.Context, r, after *lotRow, req BidRequest, price, maxPrice int64) (int64, error)
	// event records a lot's event; watchers get it after commit.
	event(ctx context.Context, topic, kind string, data rawEvent) (int64, error)
	// idempotency reads the record kept under key: sql.ErrNoRows if none.
	idempotency(ctx context.Context, key string) (op, body string, err error)
	// keepIdempotency records a bid's answer under key.
	keepIdempotency(ctx context.Context, key string, user int64, op, body string) error
	// flush writes what was collected: before a bid that reads the
	// database (it must see the batch's writes), and before commit.
	flush(ctx context.Context) error
}

// bidJobState tracks the bid of a batch being applied: whether it has
// started writing, and whether it runs in a savepoint.
type bidJobState struct {
	wrote, savepoint bool
}

// apply places one bid of a batch. jobErr refuses this bid alone; txErr
// means the transaction can no longer commit.
func (b *bidBatch) apply(ctx context.Context, req BidRequest) (res BidResult, jobErr, txErr error) {
	tx := b.tx
	if !b.decidable(req) {
		// This bid reads the database: it must see the batch's writes.
		if err := b.w.flush(ctx); err != nil {
			return BidResult{}, nil, tx.db.classify(err)
		}
	}
	nAfter, nAudit := len(tx.after), len(tx.audit)
	b.job = bidJobState{}
	res, err := b.placeBid(ctx, req)
	job := b.job
	b.job = bidJobState{}
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

// writing marks the start of a bid's writes: from here on, an error breaks
// the batch's transaction (nothing written by a refused bid before this
// point needs undoing, so most bids need no savepoint).
func (b *bidBatch) writing() { b.job.wrote = true }

// protect runs the rest of the bid in a savepoint, for a bid that can still
// be refused after it has written (a dutch accept: the award may find the
// deposit short).
func (b *bidBatch) protect(ctx context.Context) error {
	if b.job.wrote || b.job.savepoint {
		return nil
	}
	if _, err := b.tx.tx.ExecContext(ctx, "SAVEPOINT sp"); err != nil {
		return b.tx.db.classify(err)
	}
	b.job.savepoint = true
	return nil
}

// decidable reports whether a bid can be decided from the batch's cache
// alone: an english lot and the bidder's account are both in it.
func (b *bidBatch) decidable(req BidRequest) bool {
	if b.cache == nil || req.Actor == nil {
		return false
	}
	r, ok := b.cache.lots[req.LotID]
	if !ok {
		return false
	}
	_, ok = b.cache.accts[acctKey{r.MarketID, req.Actor.OrgID}]
	return ok
}

// bidCache keeps, on SQLite, what english bids read — each lot's row and
// each bidder's account at a market with the total of its open
// commitments there — from one bid batch to the next, so that a bid costs
// its writes and not two reads (the account read sums the bidder's
// commitments over the market's lots).
//
// It is only ever a copy of what the write transaction would read:
//   - it is filled from the database inside the batch's transaction and
//     updated as each accepted english bid writes;
//   - it is emptied when a batch fails (its writes were rolled back), when a
//     bid of another mechanism runs (those write commitments it does not
//     follow), when any other write transaction of this process commits
//     (db.writeGen: closing a lot, a deposit, a verification…), and when
//     another process has committed to the file (PRAGMA data_version on the
//     write connection, read once per batch under the write lock).
//
// Only the bid loop uses it (one goroutine on SQLite). On PostgreSQL,
// where other instances write the same rows, each batch has its own,
// filled while it locks the rows it will write (see lockBatch) and
// dropped at its end.
type bidCache struct {
	valid       bool
	gen         uint64
	dataVersion int64
	lots        map[int64]*lotRow
	accts       map[acctKey]*acctState
}

type acctKey struct{ market, org int64 }

type acctState struct {
	verified   bool
	kind       string
	hasAccount bool
	balance    int64
	locked     int64
	total      int64 // open commitments on all the market's lots
}

// maxBidCache bounds each map; past it the cache starts over.
const maxBidCache = 50_000

func newBidCache() *bidCache {
	return &bidCache{lots: map[int64]*lotRow{}, accts: map[acctKey]*acctState{}}
}

func (c *bidCache) clear() {
	clear(c.lots)
	clear(c.accts)
}

// lot returns the cached row of an english lot.
func (c *bidCache) lot(id int64) (lotRow, bool) {
	if c == nil {
		return lotRow{}, false
	}
	r, ok := c.lots[id]
	if !ok {
		return lotRow{}, false
	}
	return *r, true
}

// account returns the bidder's account for a bid on english lot r, with
// its commitments on the market's other lots.
func (c *bidCache) account(r *lotRow, org int64) (bidderAccount, bool) {
	if c == nil {
		return bidderAccount{}, false
	}
	a, ok := c.accts[acctKey{r.MarketID, org}]
	if !ok {
		return bidderAccount{}, false
	}
	return bidderAccount{verified: a.verified, kind: a.kind, hasAccount: a.hasAccount, balance: a.balance, locked: a.locked,
		others: a.total - englishCommitment(r, org)}, true
}

// remember stores what a bid on english lot r read from the database.
func (c *bidCache) remember(r *lotRow, org int64, b *bidderAccount) {
	if c == nil {
		return
	}
	row := *r
	c.lots[r.ID] = &row
	c.accts[acctKey{r.MarketID, org}] = &acctState{verified: b.verified, kind: b.kind, hasAccount: b.hasAccount, balance: b.balance,
		locked: b.locked, total: b.others + englishCommitment(r, org)}
}

// applied follows an accepted english bid: the lot's new state, and the
// commitments moved from the old leader to the new one.
func (c *bidCache) applied(before, after *lotRow) {
	if c == nil {
		return
	}
	row := *after
	c.lots[after.ID] = &row
	orgs := []int64{before.LeaderOrg}
	if after.LeaderOrg != before.LeaderOrg {
		orgs = append(orgs, after.LeaderOrg)
	}
	for _, org := range orgs {
		if org == 0 {
			continue
		}
		if a := c.accts[acctKey{after.MarketID, org}]; a != nil {
			a.total += englishCommitment(after, org) - englishCommitment(before, org)
		}
	}
}
