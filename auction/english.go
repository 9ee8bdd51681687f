package auction

import (
	"math"
	"time"

	"niaga"
)

// EnglishParams are the fixed rules of an english lot.
type EnglishParams struct {
	Reserve       int64         // first acceptable price, > 0
	Increment     int64         // bid increment, > 0
	SoftClose     time.Duration // soft-close window and extension length; 0 disables soft close
	MaxExtensions int           // cap on extensions; 0 = unlimited
}

// Validate checks the params; the error names the bad field.
func (p EnglishParams) Validate() error {
	switch {
	case p.Reserve <= 0:
		return invalid("reserve", "must be positive")
	case p.Increment <= 0:
		return invalid("increment", "must be positive")
	case p.SoftClose < 0:
		return invalid("soft_close", "must not be negative")
	case p.MaxExtensions < 0:
		return invalid("max_extensions", "must not be negative")
	}
	return nil
}

// EnglishState is the mutable state of an english lot, as stored.
type EnglishState struct {
	EndsAt     time.Time // current end, moved by soft-close extensions
	Extensions int       // extensions granted so far
	Leader     int64     // leading bidder; 0 = no bids yet
	LeaderMax  int64     // the leader's (secret) proxy maximum
	Price      int64     // visible current price
	Bids       int       // accepted bids
}

// check rejects a state no sequence of EnglishBid calls can produce. With no
// leader, Price and LeaderMax are ignored.
func (s EnglishState) check(p EnglishParams) error {
	switch {
	case s.Extensions < 0 || s.Bids < 0 || s.Leader < 0:
		return invalid("state", "negative counter or leader")
	case s.Leader != 0 && (s.Price < p.Reserve || s.Price > s.LeaderMax):
		return invalid("state", "price outside [reserve, leader max]")
	}
	return nil
}

// EnglishOutcome describes an accepted english bid.
type EnglishOutcome struct {
	Price    int64     // visible price after the bid
	Leader   int64     // leader after the bid
	Leading  bool      // the bidder leads after the bid
	Raised   bool      // the leader raised their own maximum; the price did not move
	Outbid   int64     // previous leader who lost the lead to this bid; 0 if none
	Extended bool      // the bid extended the end (soft close)
	EndsAt   time.Time // end after the bid
	MinNext  int64     // minimum bid now required from anyone but the leader
}

// EnglishMinNext is the minimum acceptable bid from a bidder other than the
// leader: the reserve before the first bid, then price + increment
// (saturating at math.MaxInt64; EnglishBid refuses a bid there as out of
// range). The leader's own raise must instead exceed LeaderMax.
func EnglishMinNext(p EnglishParams, s EnglishState) int64 {
	if s.Leader == 0 {
		return p.Reserve
	}
	m, ok := niaga.AddInt64(s.Price, p.Increment)
	if !ok {
		return math.MaxInt64
	}
	return m
}

// EnglishBid applies a proxy bid with maximum maxPrice from bidder at now and
// returns the new state. A plain bid is a proxy bid whose maximum is its
// price. On error the returned state is s unchanged.
//
// Rules, in order: params and state must be valid; bidder and maxPrice must be
// positive; now >= EndsAt is ErrClosed. Then:
//   - first bid: needs maxPrice >= Reserve; the price is Reserve.
//   - the leader bidding again raises their maximum: it must exceed the
//     current maximum (bid_too_low with Min = LeaderMax+1); the price does not
//     move and the end is not extended (the raise is invisible to others).
//   - anyone else needs maxPrice >= Price + Increment. If maxPrice exceeds the
//     leader's maximum they take the lead at min(old max + Increment,
//     maxPrice); otherwise the leader keeps it (an equal maximum does not take
//     the lead: the earlier bid wins) and the price rises to
//     min(maxPrice + Increment, leader's max).
//
// Any accepted bid other than a leader's raise, made when now is after
// EndsAt − SoftClose, moves EndsAt by SoftClose unless MaxExtensions
// extensions were already granted.
func EnglishBid(p EnglishParams, s EnglishState, bidder int64, maxPrice int64, now time.Time) (EnglishState, EnglishOutcome, error) {
	if err := p.Validate(); err != nil {
		return s, EnglishOutcome{}, err
	}
	if err := s.check(p); err != nil {
		return s, EnglishOutcome{}, err
	}
	if bidder <= 0 {
		return s, EnglishOutcome{}, invalid("bidder", "must be positive")
	}
	if maxPrice <= 0 {
		return s, EnglishOutcome{}, invalid("price", "must be positive")
	}
	if !now.Before(s.EndsAt) {
		return s, EnglishOutcome{}, closedErr()
	}

	n := s
	var out EnglishOutcome
	switch {
	case s.Leader == 0:
		if maxPrice < p.Reserve {
			return s, EnglishOutcome{}, tooLow(p.Reserve)
		}
		n.Leader, n.LeaderMax, n.Price = bidder, maxPrice, p.Reserve

	case bidder == s.Leader:
		if maxPrice <= s.LeaderMax {
			min, ok := niaga.AddInt64(s.LeaderMax, 1)
			if !ok {
				return s, EnglishOutcome{}, tooLarge("price")
			}
			return s, EnglishOutcome{}, tooLow(min)
		}
		n.LeaderMax = maxPrice
		out.Raised = true

	default:
		min, ok := niaga.AddInt64(s.Price, p.Increment)
		if !ok {
			return s, EnglishOutcome{}, tooLarge("price")
		}
		if maxPrice < min {
			return s, EnglishOutcome{}, tooLow(min)
		}
		if maxPrice > s.LeaderMax {
			// The old leader's maximum becomes the second highest.
			n.Price = capAdd(s.LeaderMax, p.Increment, maxPrice)
			n.Leader, n.LeaderMax = bidder, maxPrice
			out.Outbid = s.Leader
		} else {
			// The leader's proxy answers; ties stay with the earlier bid.
			n.Price = capAdd(maxPrice, p.Increment, s.LeaderMax)
		}
	}
	if n.Bids < math.MaxInt {
		n.Bids++
	}
	if !out.Raised && p.SoftClose > 0 &&
		(p.MaxExtensions == 0 || s.Extensions < p.MaxExtensions) &&
		now.After(s.EndsAt.Add(-p.SoftClose)) {
		n.EndsAt = s.EndsAt.Add(p.SoftClose)
		n.Extensions++
		out.Extended = true
	}

	out.Price = n.Price
	out.Leader = n.Leader
	out.Leading = n.Leader == bidder
	out.EndsAt = n.EndsAt
	out.MinNext = EnglishMinNext(p, n)
	return n, out, nil
}

// capAdd returns min(a+b, limit) without overflowing.
func capAdd(a, b, limit int64) int64 {
	if v, ok := niaga.AddInt64(a, b); ok && v < limit {
		return v
	}
	return limit
}

// EnglishResult is the outcome at close: the leader wins at the visible
// price. For a state produced by EnglishBid, sold is true iff a leader exists,
// and then Reserve <= price <= the winner's maximum.
func EnglishResult(p EnglishParams, s EnglishState) (winner int64, price int64, sold bool) {
	if s.Leader <= 0 || s.Price < p.Reserve || s.Price > s.LeaderMax || s.Price <= 0 {
		return 0, 0, false
	}
	return s.Leader, s.Price, true
}
