package store

import (
	"context"
)

// A bid batch on SQLite: one writer, in process. Each statement is a call
// into the library and its plan is prepared once (see prepareHot), so the
// batch's writes are made as its bids make them (directWrites); what the
// batch saves is the reads, with the cache it keeps from one batch to the
// next (bidCache).

// beginSQLiteBatch starts a batch in tx with the bid loop's cache c, made
// valid for this transaction.
func beginSQLiteBatch(ctx context.Context, tx *Tx, c *bidCache) *bidBatch {
	if c != nil {
		c.begin(ctx, tx)
	}
	return &bidBatch{tx: tx, cache: c, w: directWrites{tx}}
}

// begin validates the cache for a batch's transaction (which holds the
// write lock, so nobody commits while it runs).
func (c *bidCache) begin(ctx context.Context, tx *Tx) {
	gen := tx.db.writeGen.Load()
	var dv int64
	if err := tx.QueryRow(ctx, qDataVersion).Scan(&dv); err != nil {
		c.valid = false
	}
	if !c.valid || gen != c.gen || dv != c.dataVersion || len(c.lots) > maxBidCache || len(c.accts) > maxBidCache {
		c.clear()
		c.valid, c.gen, c.dataVersion = true, gen, dv
	}
	// The batch's own commit counts as a write (InTx bumps writeGen once,
	// holding the write lock, so nobody else can in between), but the
	// cache followed its writes: it stays valid past that count. A later
	// write of anyone else counts past it and empties the cache.
	tx.AfterCommit(func() { c.gen = gen + 1 })
}

const qDataVersion = "PRAGMA data_version"

// directWrites writes a bid's rows as it is placed, statement by statement:
// SQLite's batches, and a bid placed alone on either engine.
type directWrites struct{ tx *Tx }

// english writes an accepted english bid: the bid, the lot's new state
// (its end only when extended: an indexed column), and the commitments —
// the leader holds the lot's guarantee; an outbid buyer is released; when
// the leader's proxy answered, nothing moves.
func (w directWrites) english(ctx context.Context, r, after *lotRow, req BidRequest, price, maxPrice int64) (int64, error) {
	tx := w.tx
	bidID, err := tx.insertBid(ctx, r, req, "buy", price, maxPrice, r.Quantity)
	if err != nil {
		return 0, err
	}
	if after.EndsAt.Equal(r.EndsAt) && after.Extensions == r.Extensions {
		_, err = tx.Exec(ctx, qLotEnglish, after.LeaderOrg, after.leaderMax, after.Price, after.BidCount, r.ID)
	} else {
		_, err = tx.Exec(ctx, qLotExtend, after.LeaderOrg, after.leaderMax, after.Price, after.BidCount, micros(after.EndsAt), after.Extensions, r.ID)
	}
	if err != nil {
		return 0, err
	}
	if after.LeaderOrg != r.LeaderOrg {
		if err := tx.setCommitment(ctx, r, after.LeaderOrg, englishCommitment(after, after.LeaderOrg)); err != nil {
			return 0, err
		}
	}
	if r.LeaderOrg != 0 && r.LeaderOrg != after.LeaderOrg {
		if _, err := tx.Exec(ctx, qUncommit, r.ID, r.LeaderOrg); err != nil {
			return 0, err
		}
	}
	return bidID, nil
}

func (w directWrites) event(ctx context.Context, topic, kind string, data rawEvent) (int64, error) {
	return w.tx.Emit(ctx, topic, kind, data)
}

func (w directWrites) idempotency(ctx context.Context, key string) (op, body string, err error) {
	err = w.tx.QueryRow(ctx, qIdemGet, key).Scan(&op, &body)
	return op, body, err
}

func (w directWrites) keepIdempotency(ctx context.Context, key string, user int64, op, body string) error {
	_, err := w.tx.Exec(ctx, qIdemPut, key, user, op, 201, body, micros(w.tx.Now))
	return err
}

func (directWrites) flush(context.Context) error { return nil }
