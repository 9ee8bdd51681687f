package store

import (
	"context"
)

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
}

const qDataVersion = "PRAGMA data_version"

// englishCommitment is the open commitment an english lot holds for org:
// the lot's guarantee for the leader (who leads is public), nothing for
// anyone else. It never follows the leader's secret maximum.
func englishCommitment(r *lotRow, org int64) int64 {
	if org == 0 || org != r.LeaderOrg {
		return 0
	}
	return r.Guarantee
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
