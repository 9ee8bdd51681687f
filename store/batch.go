package store

import (
	"context"
	"time"

	"niaga"
)

// Group commit: concurrent bids are applied in one transaction, each inside
// its own savepoint, and acknowledged only after that transaction commits.
// One commit (one WAL append, one fsync in --sync full) then carries many
// bids, which is where the throughput comes from; durability is unchanged.

const maxBatch = 256

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
		workers = 4
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
	ctx := context.Background() // a batch outlives any one request
	err := db.InTx(ctx, func(tx *Tx) error {
		for _, j := range live {
			var txErr error
			j.err, txErr = tx.savepoint(ctx, func() error {
				var err error
				j.res, err = tx.placeBid(ctx, j.req)
				return err
			})
			if txErr != nil {
				return txErr
			}
		}
		return nil
	})
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

// placeBidAlone places one bid in its own transaction: the fallback when a
// batch fails, and the one-transaction-per-bid baseline of the benchmarks.
func (db *DB) placeBidAlone(ctx context.Context, req BidRequest) (BidResult, error) {
	if req.At.IsZero() {
		req.At = time.Now().UTC()
	}
	var res BidResult
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		res, err = tx.placeBid(ctx, req)
		return err
	})
	return res, err
}
