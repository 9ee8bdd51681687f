package auction

import "testing"

func TestReviewBid(t *testing.T) {
	for _, c := range []struct {
		bid, min int64
		want     Review
	}{
		{11200, 11200, Review{}},                                          // the minimum itself: no question
		{11000, 11200, Review{}},                                          // below: the store refuses it
		{11300, 11200, Review{Confirm: true, Tenths: 10}},                 // a little above: confirm
		{16799, 11200, Review{Confirm: true, Tenths: 14}},                 // just under 1.5×
		{16800, 11200, Review{Confirm: true, FarAbove: true, Tenths: 15}}, // 1.5×: warn
		{112000, 11200, Review{Confirm: true, FarAbove: true, Tenths: 100}},
		{5, 0, Review{}},
		{1 << 62, 3, Review{Confirm: true, FarAbove: true, Tenths: 1<<63 - 1}},
	} {
		if got := ReviewBid(c.bid, c.min); got != c.want {
			t.Errorf("ReviewBid(%d, %d) = %+v, want %+v", c.bid, c.min, got, c.want)
		}
	}
}
