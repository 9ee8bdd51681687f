package store

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"niaga"
)

// TamperAuditForTest edits one audit record in place, as an attacker with
// database access would.
func (db *DB) TamperAuditForTest(ctx context.Context, seq int64) error {
	_, err := db.w.ExecContext(ctx, db.q("UPDATE audit_log SET after = '{\"edited\":true}' WHERE seq = $1"), seq)
	return err
}

// BidsForReplay returns every bid of a lot in commit order with its maximum.
func (db *DB) BidsForReplay(ctx context.Context, lotID int64) ([]niaga.Bid, error) {
	rows, err := db.query(ctx, "SELECT id, bidder_org_id, price, max_price, created_at FROM bids WHERE lot_id = $1 ORDER BY id", lotID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []niaga.Bid
	for rows.Next() {
		var b niaga.Bid
		var at int64
		if err := rows.Scan(&b.ID, &b.BidderOrg, &b.Price, &b.MaxPrice, &at); err != nil {
			return nil, err
		}
		b.At = fromMicros(at)
		out = append(out, b)
	}
	return out, rows.Err()
}

// AuditedBidIDs returns the bid ids recorded by "bids.place" audit records.
func (db *DB) AuditedBidIDs(ctx context.Context) (map[int64]bool, error) {
	rows, err := db.query(ctx, "SELECT after FROM audit_log WHERE action = 'bids.place'")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var after string
		if err := rows.Scan(&after); err != nil {
			return nil, err
		}
		var bids []auditedBid
		if err := json.Unmarshal([]byte(after), &bids); err != nil {
			return nil, err
		}
		for _, b := range bids {
			ids[b.BidID] = true
		}
	}
	return ids, rows.Err()
}

// PlaceBidsTogetherForTest applies reqs as one commit group, in this
// arrival order, as the bid loop does with bids that arrive together.
func (db *DB) PlaceBidsTogetherForTest(reqs []BidRequest) ([]BidResult, []error) {
	jobs := make([]*bidJob, len(reqs))
	for i, r := range reqs {
		if r.At.IsZero() {
			r.At = time.Now().UTC()
		}
		jobs[i] = &bidJob{ctx: context.Background(), req: r, done: make(chan struct{})}
	}
	db.prepareHot(context.Background())
	db.runBatch(slices.Clone(jobs))
	res, errs := make([]BidResult, len(jobs)), make([]error, len(jobs))
	for i, j := range jobs {
		<-j.done
		res[i], errs[i] = j.res, j.err
	}
	return res, errs
}

// SetAfterCommitHookForTest runs f in every transaction between its commit
// and the publication of its events.
func (db *DB) SetAfterCommitHookForTest(f func()) { db.afterCommitHook = f }

// SetRestoreFaultForTest makes Restore fail after a step; the returned
// function undoes it.
func SetRestoreFaultForTest(f func(step string) error) func() {
	restoreFaultHook = f
	return func() { restoreFaultHook = nil }
}
