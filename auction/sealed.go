package auction

import (
	"cmp"
	"time"
)

// SealedBid is a stored sealed bid. Seq is the store's insertion sequence and
// breaks ties between bids with the same At.
type SealedBid struct {
	Bidder int64
	Price  int64
	At     time.Time
	Seq    int64
}

// Award is the result of a sealed auction.
type Award struct {
	Bidder  int64     // winner
	Price   int64     // price the winner pays per unit
	Bid     int64     // the winner's own bid
	At      time.Time // when the winning bid was made
	Seq     int64     // the winning bid's Seq
	Second  int64     // highest valid bid of another bidder; 0 if none
	Bidders int       // bidders with a valid bid (at or above the reserve)
}

// SealedCheck validates a sealed bid of price at now for a lot with the given
// reserve closing at endsAt: the reserve must be positive, the auction open
// (ErrClosed at or after endsAt), and price positive and at least the reserve
// (bid_too_low with Min = reserve). Revising a bid goes through the same check.
func SealedCheck(reserve int64, price int64, endsAt, now time.Time) error {
	if reserve <= 0 {
		return invalid("reserve", "must be positive")
	}
	if !now.Before(endsAt) {
		return closedErr()
	}
	if price <= 0 {
		return invalid("price", "must be positive")
	}
	if price < reserve {
		return tooLow(reserve)
	}
	return nil
}

// sealedBefore orders bids best first: higher price, then earlier At, then
// lower Seq, then lower Bidder (so the order is total).
func sealedBefore(a, b *SealedBid) bool {
	if a.Price != b.Price {
		return a.Price > b.Price
	}
	if c := a.At.Compare(b.At); c != 0 {
		return c < 0
	}
	if a.Seq != b.Seq {
		return a.Seq < b.Seq
	}
	return a.Bidder < b.Bidder
}

// later reports whether a is a later revision than b (At, then Seq).
func later(a, b *SealedBid) bool {
	if c := a.At.Compare(b.At); c != 0 {
		return c > 0
	}
	return cmp.Compare(a.Seq, b.Seq) >= 0
}

// SealedResult decides a sealed auction (m is SealedFirst or SealedSecond).
//
// Only each bidder's latest bid counts (greatest At, then Seq; the later one
// in bids on a full tie): bids are revisable until close, and the store
// normally passes just the latest. Bids with Bidder <= 0 or Price below the
// reserve are ignored. The highest price wins; ties go to the earliest bid
// (At, then Seq). First-price: the winner pays its own bid. Second-price
// (Vickrey): the winner pays max(highest bid of another bidder, reserve), so
// the reserve when alone. ok is false when no valid bid remains, or when m is
// not a sealed mechanism or reserve <= 0.
func SealedResult(m Mechanism, reserve int64, bids []SealedBid) (award Award, ok bool) {
	if !m.Sealed() || reserve <= 0 {
		return Award{}, false
	}
	// Keep the latest bid per bidder, in first-seen order.
	latest := make([]SealedBid, 0, len(bids))
	pos := make(map[int64]int, len(bids))
	for i := range bids {
		b := &bids[i]
		if b.Bidder <= 0 {
			continue
		}
		if j, seen := pos[b.Bidder]; seen {
			if later(b, &latest[j]) {
				latest[j] = *b
			}
			continue
		}
		pos[b.Bidder] = len(latest)
		latest = append(latest, *b)
	}

	var best, second *SealedBid
	n := 0
	for i := range latest {
		b := &latest[i]
		if b.Price < reserve {
			continue
		}
		n++
		switch {
		case best == nil || sealedBefore(b, best):
			best, second = b, best
		case second == nil || sealedBefore(b, second):
			second = b
		}
	}
	if best == nil {
		return Award{}, false
	}
	a := Award{Bidder: best.Bidder, Bid: best.Price, At: best.At, Seq: best.Seq, Bidders: n, Price: best.Price}
	if second != nil {
		a.Second = second.Price
	}
	if m == SealedSecond {
		a.Price = max(a.Second, reserve)
	}
	return a, true
}
