package niaga

import (
	"math"
	"strconv"
)

// FormatRupiah renders whole Rupiah for a language: "Rp 147.321.766.000"
// in Indonesian, "IDR 147,321,766,000" in English.
func FormatRupiah(v int64, lang string) string {
	if lang == "en" {
		return "IDR " + FormatInt(v, lang)
	}
	return "Rp " + FormatInt(v, lang)
}

// FormatInt groups digits by thousands: "." in Indonesian, "," in English.
func FormatInt(v int64, lang string) string {
	sep := byte('.')
	if lang == "en" {
		sep = ','
	}
	neg := v < 0
	var u uint64
	if neg {
		u = uint64(-(v + 1)) + 1 // safe for math.MinInt64
	} else {
		u = uint64(v)
	}
	s := strconv.FormatUint(u, 10)
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, sep)
		}
		out = append(out, s[i])
	}
	return string(out)
}

// MulInt64 multiplies with overflow detection (price × quantity).
func MulInt64(a, b int64) (int64, bool) {
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

// AddInt64 adds with overflow detection.
func AddInt64(a, b int64) (int64, bool) {
	c := a + b
	if (b > 0 && c < a) || (b < 0 && c > a) {
		return 0, false
	}
	return c, true
}
