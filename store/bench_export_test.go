package store

import "context"

// PlaceBidUnbatchedForTest places a bid in its own transaction, without
// group commit: the baseline of BenchmarkPlaceBid.
func (db *DB) PlaceBidUnbatchedForTest(ctx context.Context, req BidRequest) (BidResult, error) {
	return db.placeBidAlone(ctx, req)
}
