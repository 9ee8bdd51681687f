package auction

import (
	"math"

	"niaga"
)

// A typed bid is reviewed before it is sent: one above the minimum is
// confirmed first, and one at or above FarAboveNum/FarAboveDen of the
// minimum (a zero too many: 112000 typed for 11200) is flagged. Pages show
// the result; the threshold lives here only.
const (
	FarAboveNum = 3
	FarAboveDen = 2
)

// Review is what a buyer is asked before a typed bid is sent.
type Review struct {
	Confirm  bool  // the bid is above the minimum: show it back before sending
	FarAbove bool  // the bid is at least FarAboveNum/FarAboveDen of the minimum
	Tenths   int64 // the bid as a multiple of the minimum, in tenths, rounded down
}

// ReviewBid reviews a bid against the minimum acceptable now (the next
// english minimum, or the reserve). A bid at or below the minimum needs no
// confirmation: it is the least anyone can bid. A minimum of zero or less
// (nothing to compare with) reviews nothing.
func ReviewBid(bid, minimum int64) Review {
	if minimum <= 0 || bid <= minimum {
		return Review{}
	}
	r := Review{Confirm: true}
	lhs, ok1 := niaga.MulInt64(bid, FarAboveDen)
	rhs, ok2 := niaga.MulInt64(minimum, FarAboveNum)
	r.FarAbove = !ok1 || ok2 && lhs >= rhs
	whole, ok := niaga.MulInt64(bid/minimum, 10)
	frac, okf := niaga.MulInt64(bid%minimum, 10)
	if !ok || !okf {
		r.Tenths = math.MaxInt64
		return r
	}
	r.Tenths = whole + frac/minimum
	return r
}
