package auction

import (
	"math"
	"time"
)

// addInt64 adds with overflow detection.
func addInt64(a, b int64) (int64, bool) {
	c := a + b
	if (b > 0 && c < a) || (b < 0 && c > a) {
		return 0, false
	}
	return c, true
}

// mulInt64 multiplies with overflow detection.
func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	c := a * b
	if c/b != a {
		return 0, false
	}
	return c, true
}

// Value returns qty × price, the Rupiah value of a fill or an award, or an
// invalid error if either is negative or the product overflows int64.
func Value(qty, price int64) (int64, error) {
	if qty < 0 {
		return 0, invalid("qty", "must not be negative")
	}
	if price < 0 {
		return 0, invalid("price", "must not be negative")
	}
	v, ok := mulInt64(qty, price)
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
