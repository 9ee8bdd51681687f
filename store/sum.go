package store

import "niaga"

// Sums in SQL that no stored combination can overflow.
//
// SQLite's SUM raises "integer overflow" when any partial sum leaves int64
// (whatever the final sum, so the order rows are read in matters), and
// PostgreSQL's SUM(bigint) is numeric, which fails to scan into an int64
// when the sum does not fit. A report summing many bounded entries (many
// missions, markets, contracts) would fail on a read. splitSum sums a
// column in two parts, the quotient and the remainder by 2^30, neither of
// which can overflow for fewer than 2^30 rows of any int64 values; bigSum
// joins them in Go, exactly when the sum fits int64 and saturating at the
// int64 limits when it does not (see niaga.SaturatingAdd).

// sumSplit is 2^30, the divisor of splitSum.
const sumSplit = 1 << 30

// splitSum returns the two select expressions of SUM(expr); scan them
// into a bigSum's parts.
func splitSum(expr string) string {
	// The cast keeps the division integral where expr is numeric (a
	// PostgreSQL SUM in a subquery).
	x := "CAST((" + expr + ") AS BIGINT)"
	return "COALESCE(SUM(" + x + " / 1073741824), 0), COALESCE(SUM(" + x + " % 1073741824), 0)"
}

// bigSum is a sum read by splitSum.
type bigSum struct{ hi, lo int64 }

// value is the sum, saturated at the int64 limits.
func (b bigSum) value() int64 {
	hi, _ := niaga.SaturatingAdd(b.hi, b.lo/sumSplit)
	lo := b.lo % sumSplit
	if v, ok := niaga.MulInt64(hi, sumSplit); ok {
		s, _ := niaga.SaturatingAdd(v, lo)
		return s
	}
	if hi > 0 {
		return 1<<63 - 1
	}
	return -1 << 63
}
