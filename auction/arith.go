package auction

import (
	"time"

	"niaga"
)

// Value returns qty × price, the Rupiah value of a fill or an award, or an
// invalid error if either is negative or the product overflows int64.
func Value(qty, price int64) (int64, error) {
	if qty < 0 {
		return 0, invalid("qty", "must not be negative")
	}
	if price < 0 {
		return 0, invalid("price", "must not be negative")
	}
	v, ok := niaga.MulInt64(qty, price)
	if !ok {
		return 0, tooLarge("value")
	}
	return v, nil
}

// CheckOpen reports whether a bidding window accepts a bid at now:
// ErrNotOpen before startsAt (a zero startsAt means no start restriction),
// ErrClosed at or after endsAt, nil in between.
func CheckOpen(startsAt, endsAt, now time.Time) error {
	if !startsAt.IsZero() && now.Before(startsAt) {
		return notOpenErr()
	}
	if !now.Before(endsAt) {
		return closedErr()
	}
	return nil
}
