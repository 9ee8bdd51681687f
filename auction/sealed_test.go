package auction

import (
	"errors"
	"testing"
	"time"
)

func TestSealedCheck(t *testing.T) {
	endsAt := min_(60)
	for _, tc := range []struct {
		name           string
		reserve, price int64
		now            time.Time
		code           string
		min            int64
	}{
		{"ok at reserve", 1000, 1000, min_(1), "", 0},
		{"ok above", 1000, 5000, min_(59), "", 0},
		{"below reserve", 1000, 999, min_(1), CodeBidTooLow, 1000},
		{"zero price", 1000, 0, min_(1), CodeInvalid, 0},
		{"negative price", 1000, -1, min_(1), CodeInvalid, 0},
		{"bad reserve", 0, 10, min_(1), CodeInvalid, 0},
		{"at close", 1000, 2000, endsAt, CodeClosed, 0},
		{"after close", 1000, 2000, endsAt.Add(time.Second), CodeClosed, 0},
		{"closed wins over too low", 1000, 1, endsAt, CodeClosed, 0},
	} {
		err := SealedCheck(tc.reserve, tc.price, endsAt, tc.now)
		if CodeOf(err) != tc.code {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.code)
		}
		var e *Error
		if tc.code == CodeBidTooLow && (!errors.As(err, &e) || e.Min != tc.min || !errors.Is(err, ErrBidTooLow)) {
			t.Errorf("%s: err %v, want min %d", tc.name, err, tc.min)
		}
	}
}

func TestSealedResult(t *testing.T) {
	b := func(bidder, price int64, at int, seq int64) SealedBid {
		return SealedBid{Bidder: bidder, Price: price, At: min_(at), Seq: seq}
	}
	type want struct {
		ok            bool
		bidder, price int64
		bid, bidders  int64
	}
	for _, tc := range []struct {
		name          string
		reserve       int64
		bids          []SealedBid
		first, second want
	}{
		{"no bids", 1000, nil, want{}, want{}},
		{"all below reserve", 1000, []SealedBid{b(1, 999, 1, 1), b(2, 500, 2, 2)}, want{}, want{}},
		{"single bidder pays reserve in second price", 1000,
			[]SealedBid{b(1, 5000, 1, 1)},
			want{true, 1, 5000, 5000, 1}, want{true, 1, 1000, 5000, 1}},
		{"single valid bidder, other below reserve", 1000,
			[]SealedBid{b(1, 5000, 1, 1), b(2, 900, 2, 2)},
			want{true, 1, 5000, 5000, 1}, want{true, 1, 1000, 5000, 1}},
		{"highest wins, second price is runner-up", 1000,
			[]SealedBid{b(1, 3000, 1, 1), b(2, 5000, 2, 2), b(3, 4000, 3, 3)},
			want{true, 2, 5000, 5000, 3}, want{true, 2, 4000, 5000, 3}},
		{"tie goes to earlier At", 1000,
			[]SealedBid{b(1, 5000, 9, 1), b(2, 5000, 3, 2)},
			want{true, 2, 5000, 5000, 2}, want{true, 2, 5000, 5000, 2}},
		{"tie on At goes to lower Seq", 1000,
			[]SealedBid{b(1, 5000, 3, 8), b(2, 5000, 3, 7)},
			want{true, 2, 5000, 5000, 2}, want{true, 2, 5000, 5000, 2}},
		{"latest revision counts, not the highest", 1000,
			[]SealedBid{b(1, 9000, 1, 1), b(2, 4000, 2, 2), b(1, 3000, 5, 3)},
			want{true, 2, 4000, 4000, 2}, want{true, 2, 3000, 4000, 2}},
		{"latest revision counts whatever the slice order", 1000,
			[]SealedBid{b(1, 3000, 5, 3), b(2, 4000, 2, 2), b(1, 9000, 1, 1)},
			want{true, 2, 4000, 4000, 2}, want{true, 2, 3000, 4000, 2}},
		{"same At: higher Seq is the revision", 1000,
			[]SealedBid{b(1, 3000, 5, 4), b(2, 4000, 2, 2), b(1, 9000, 5, 3)},
			want{true, 2, 4000, 4000, 2}, want{true, 2, 3000, 4000, 2}},
		{"winner's own older bid does not set its second price", 1000,
			[]SealedBid{b(1, 4000, 1, 1), b(1, 6000, 2, 2), b(2, 2000, 3, 3)},
			want{true, 1, 6000, 6000, 2}, want{true, 1, 2000, 6000, 2}},
		{"invalid bidder ignored", 1000,
			[]SealedBid{b(0, 9000, 1, 1), b(-1, 9000, 1, 2), b(2, 2000, 3, 3)},
			want{true, 2, 2000, 2000, 1}, want{true, 2, 1000, 2000, 1}},
	} {
		for _, m := range []Mechanism{SealedFirst, SealedSecond} {
			w := tc.first
			if m == SealedSecond {
				w = tc.second
			}
			a, ok := SealedResult(m, tc.reserve, tc.bids)
			if ok != w.ok || a.Bidder != w.bidder || a.Price != w.price || a.Bid != w.bid || int64(a.Bidders) != w.bidders {
				t.Errorf("%s %s: got %+v %v, want %+v", tc.name, m, a, ok, w)
			}
		}
	}
}

func TestSealedResultBadInput(t *testing.T) {
	bids := []SealedBid{{Bidder: 1, Price: 5000, At: min_(1)}}
	for _, m := range []Mechanism{English, Dutch, Call, "bogus"} {
		if _, ok := SealedResult(m, 1000, bids); ok {
			t.Errorf("%s awarded", m)
		}
	}
	if _, ok := SealedResult(SealedSecond, 0, bids); ok {
		t.Error("zero reserve awarded")
	}
}
