package store

import "niaga"

// The bid path's vocabulary lives in package niaga; these aliases keep the
// bid path's files speaking of it by its old names.
type (
	BidInput  = niaga.BidInput
	BidResult = niaga.BidResult
)
