package niaga_test

import (
	"math"
	"testing"

	"niaga"
)

func TestSaturatingAdd(t *testing.T) {
	for _, c := range []struct {
		a, b, want int64
		ok         bool
	}{
		{1, 2, 3, true},
		{math.MaxInt64, 1, math.MaxInt64, false},
		{math.MaxInt64 - 1, 1, math.MaxInt64, true},
		{math.MinInt64, -1, math.MinInt64, false},
		{math.MaxInt64, math.MinInt64, -1, true},
	} {
		if got, ok := niaga.SaturatingAdd(c.a, c.b); got != c.want || ok != c.ok {
			t.Errorf("SaturatingAdd(%d, %d) = %d, %v; want %d, %v", c.a, c.b, got, ok, c.want, c.ok)
		}
	}
	var s int64
	for range 10 {
		niaga.AddSat(&s, niaga.MaxMissionTotal*100)
	}
	if s != math.MaxInt64 {
		t.Fatalf("AddSat wrapped to %d", s)
	}
}

func TestBasisPointsNeverPanics(t *testing.T) {
	for _, c := range []struct{ part, whole, want int64 }{
		{1, 2, 5000},
		{niaga.MaxDealValue, 5000, math.MaxInt64}, // realized far beyond a tiny commitment
		{math.MaxInt64, math.MaxInt64, 10000},
		{5, 0, 0},
		{5, -3, 0},
		{math.MaxInt64, 20000, math.MaxInt64 / 2},
	} {
		if got := niaga.BasisPoints(c.part, c.whole); got != c.want {
			t.Errorf("BasisPoints(%d, %d) = %d, want %d", c.part, c.whole, got, c.want)
		}
	}
}

func TestRangesDeclared(t *testing.T) {
	names := niaga.RangeNames()
	if len(names) < 10 {
		t.Fatalf("ranges %v", names)
	}
	for _, n := range names {
		r, ok := niaga.RangeNamed(n)
		if !ok || r.Name != n || r.Min > r.Max || !r.Contains(r.Min) || !r.Contains(r.Max) || r.Contains(r.Max+1) {
			t.Errorf("range %q: %+v", n, r)
		}
		// Every bound leaves room: a sum of a hundred maxima fits int64.
		if _, ok := niaga.MulInt64(r.Max, 100); !ok {
			t.Errorf("range %q: maximum %d is too close to the int64 limit", n, r.Max)
		}
	}
	var c niaga.Check
	c.InRange("value", niaga.MaxDealValue+1, niaga.RangeDealValue)
	if err := c.Err(); niaga.ErrorCode(err) != niaga.CodeInvalid || err.(*niaga.Error).Fields[0].Field != "value" {
		t.Fatalf("InRange: %v", err)
	}
}
