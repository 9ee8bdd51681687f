package auction

import (
	"errors"
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 3, 0, 0, 0, time.UTC)

func min_(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

type engStep struct {
	bidder, max int64
	at          time.Time
	code        string // expected error code; "" = accepted
	errMin      int64  // expected Min for bid_too_low
	leader      int64
	price       int64
	leaderMax   int64
	endsAt      time.Time // zero = unchanged check skipped
	extended    bool
	leading     bool
	raised      bool
	outbid      int64
}

func TestEnglishBid(t *testing.T) {
	base := EnglishParams{Reserve: 1000, Increment: 50}
	soft := EnglishParams{Reserve: 1000, Increment: 50, SoftClose: 5 * time.Minute}
	capped := EnglishParams{Reserve: 1000, Increment: 50, SoftClose: 5 * time.Minute, MaxExtensions: 2}
	end := min_(60)
	cases := []struct {
		name  string
		p     EnglishParams
		steps []engStep
	}{
		{"first bid below reserve", base, []engStep{
			{bidder: 1, max: 999, at: min_(1), code: CodeBidTooLow, errMin: 1000},
		}},
		{"first bid sets price to reserve", base, []engStep{
			{bidder: 1, max: 5000, at: min_(1), leader: 1, price: 1000, leaderMax: 5000, leading: true},
		}},
		{"second bid must reach price+increment", base, []engStep{
			{bidder: 1, max: 1000, at: min_(1), leader: 1, price: 1000, leaderMax: 1000, leading: true},
			{bidder: 2, max: 1049, at: min_(2), code: CodeBidTooLow, errMin: 1050},
			{bidder: 2, max: 1050, at: min_(3), leader: 2, price: 1050, leaderMax: 1050, leading: true, outbid: 1},
		}},
		{"proxy vs plain: proxy answers by one increment", base, []engStep{
			{bidder: 1, max: 2000, at: min_(1), leader: 1, price: 1000, leaderMax: 2000, leading: true},
			{bidder: 2, max: 1200, at: min_(2), leader: 1, price: 1250, leaderMax: 2000},
			{bidder: 2, max: 1300, at: min_(3), leader: 1, price: 1350, leaderMax: 2000},
		}},
		{"proxy vs proxy: higher max wins at second max + increment", base, []engStep{
			{bidder: 1, max: 2000, at: min_(1), leader: 1, price: 1000, leaderMax: 2000, leading: true},
			{bidder: 2, max: 3000, at: min_(2), leader: 2, price: 2050, leaderMax: 3000, leading: true, outbid: 1},
		}},
		{"new leader price capped at own max", base, []engStep{
			{bidder: 1, max: 2000, at: min_(1), leader: 1, price: 1000, leaderMax: 2000, leading: true},
			{bidder: 2, max: 2020, at: min_(2), leader: 2, price: 2020, leaderMax: 2020, leading: true, outbid: 1},
		}},
		{"tie: equal max does not take the lead, price rises to it", base, []engStep{
			{bidder: 1, max: 2000, at: min_(1), leader: 1, price: 1000, leaderMax: 2000, leading: true},
			{bidder: 2, max: 2000, at: min_(2), leader: 1, price: 2000, leaderMax: 2000},
			{bidder: 3, max: 2000, at: min_(3), code: CodeBidTooLow, errMin: 2050},
		}},
		{"challenger just below leader max: price capped at leader max", base, []engStep{
			{bidder: 1, max: 2000, at: min_(1), leader: 1, price: 1000, leaderMax: 2000, leading: true},
			{bidder: 2, max: 1980, at: min_(2), leader: 1, price: 2000, leaderMax: 2000},
		}},
		{"leader raises own max: price unchanged", base, []engStep{
			{bidder: 1, max: 1500, at: min_(1), leader: 1, price: 1000, leaderMax: 1500, leading: true},
			{bidder: 2, max: 1200, at: min_(2), leader: 1, price: 1250, leaderMax: 1500},
			{bidder: 1, max: 3000, at: min_(3), leader: 1, price: 1250, leaderMax: 3000, leading: true, raised: true},
			{bidder: 2, max: 2000, at: min_(4), leader: 1, price: 2050, leaderMax: 3000},
		}},
		{"leader raise must exceed own max", base, []engStep{
			{bidder: 1, max: 1500, at: min_(1), leader: 1, price: 1000, leaderMax: 1500, leading: true},
			{bidder: 1, max: 1500, at: min_(2), code: CodeBidTooLow, errMin: 1501},
			{bidder: 1, max: 1400, at: min_(2), code: CodeBidTooLow, errMin: 1501},
		}},
		{"leader raise after a tie keeps the tied price", base, []engStep{
			{bidder: 1, max: 2000, at: min_(1), leader: 1, price: 1000, leaderMax: 2000, leading: true},
			{bidder: 2, max: 2000, at: min_(2), leader: 1, price: 2000, leaderMax: 2000},
			{bidder: 1, max: 5000, at: min_(3), leader: 1, price: 2000, leaderMax: 5000, leading: true, raised: true},
		}},
		{"outbid bidder comes back", base, []engStep{
			{bidder: 1, max: 1000, at: min_(1), leader: 1, price: 1000, leaderMax: 1000, leading: true},
			{bidder: 2, max: 1100, at: min_(2), leader: 2, price: 1050, leaderMax: 1100, leading: true, outbid: 1},
			{bidder: 1, max: 1100, at: min_(3), leader: 2, price: 1100, leaderMax: 1100},
			{bidder: 1, max: 1200, at: min_(4), leader: 1, price: 1150, leaderMax: 1200, leading: true, outbid: 2},
		}},
		{"bid at close refused, just before accepted", base, []engStep{
			{bidder: 1, max: 1000, at: end.Add(-time.Nanosecond), leader: 1, price: 1000, leaderMax: 1000, leading: true, endsAt: end},
			{bidder: 2, max: 2000, at: end, code: CodeClosed},
			{bidder: 2, max: 2000, at: end.Add(time.Hour), code: CodeClosed},
		}},
		{"no soft close outside the window", soft, []engStep{
			{bidder: 1, max: 1000, at: min_(55), leader: 1, price: 1000, leaderMax: 1000, leading: true, endsAt: end},
		}},
		{"soft close chain", soft, []engStep{
			{bidder: 1, max: 1000, at: min_(56), leader: 1, price: 1000, leaderMax: 1000, leading: true, endsAt: min_(65), extended: true},
			{bidder: 2, max: 1050, at: min_(59), leader: 2, price: 1050, leaderMax: 1050, leading: true, outbid: 1, endsAt: min_(65)},
			{bidder: 1, max: 1100, at: min_(61), leader: 1, price: 1100, leaderMax: 1100, leading: true, outbid: 2, endsAt: min_(70), extended: true},
			{bidder: 2, max: 1150, at: min_(69), leader: 2, price: 1150, leaderMax: 1150, leading: true, outbid: 1, endsAt: min_(75), extended: true},
			{bidder: 1, max: 1200, at: min_(75), code: CodeClosed},
		}},
		{"non-leading bid in the window still extends", soft, []engStep{
			{bidder: 1, max: 5000, at: min_(1), leader: 1, price: 1000, leaderMax: 5000, leading: true, endsAt: end},
			{bidder: 2, max: 1100, at: min_(58), leader: 1, price: 1150, leaderMax: 5000, endsAt: min_(65), extended: true},
		}},
		{"leader raise in the window does not extend", soft, []engStep{
			{bidder: 1, max: 1000, at: min_(1), leader: 1, price: 1000, leaderMax: 1000, leading: true, endsAt: end},
			{bidder: 1, max: 3000, at: min_(58), leader: 1, price: 1000, leaderMax: 3000, leading: true, raised: true, endsAt: end},
		}},
		{"window boundary is exclusive", soft, []engStep{
			{bidder: 1, max: 1000, at: min_(55), leader: 1, price: 1000, leaderMax: 1000, leading: true, endsAt: end},
			{bidder: 2, max: 1050, at: min_(55).Add(time.Nanosecond), leader: 2, price: 1050, leaderMax: 1050, leading: true, outbid: 1, endsAt: min_(65), extended: true},
		}},
		{"extensions capped", capped, []engStep{
			{bidder: 1, max: 1000, at: min_(59), leader: 1, price: 1000, leaderMax: 1000, leading: true, endsAt: min_(65), extended: true},
			{bidder: 2, max: 1050, at: min_(64), leader: 2, price: 1050, leaderMax: 1050, leading: true, outbid: 1, endsAt: min_(70), extended: true},
			{bidder: 1, max: 1100, at: min_(69), leader: 1, price: 1100, leaderMax: 1100, leading: true, outbid: 2, endsAt: min_(70)},
			{bidder: 2, max: 1150, at: min_(70), code: CodeClosed},
		}},
		{"invalid inputs", base, []engStep{
			{bidder: 0, max: 1000, at: min_(1), code: CodeInvalid},
			{bidder: -3, max: 1000, at: min_(1), code: CodeInvalid},
			{bidder: 1, max: 0, at: min_(1), code: CodeInvalid},
			{bidder: 1, max: -5, at: min_(1), code: CodeInvalid},
		}},
		{"huge amounts do not overflow", EnglishParams{Reserve: 1, Increment: math.MaxInt64 / 2}, []engStep{
			{bidder: 1, max: 10, at: min_(1), leader: 1, price: 1, leaderMax: 10, leading: true},
			{bidder: 2, max: math.MaxInt64, at: min_(2), leader: 2, price: 10 + math.MaxInt64/2, leaderMax: math.MaxInt64, leading: true, outbid: 1},
			{bidder: 2, max: math.MaxInt64, at: min_(3), code: CodeInvalid}, // own raise cannot exceed MaxInt64
			{bidder: 3, max: math.MaxInt64, at: min_(3), code: CodeInvalid}, // min next overflows
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := EnglishState{EndsAt: end}
			for i, st := range tc.steps {
				ns, out, err := EnglishBid(tc.p, s, st.bidder, st.max, st.at)
				if st.code != "" {
					if CodeOf(err) != st.code {
						t.Fatalf("step %d: err = %v, want code %s", i, err, st.code)
					}
					if ns != s {
						t.Fatalf("step %d: state changed on error", i)
					}
					var e *Error
					if st.code == CodeBidTooLow && (!errors.As(err, &e) || e.Min != st.errMin) {
						t.Fatalf("step %d: err = %v, want min %d", i, err, st.errMin)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d: unexpected err %v", i, err)
				}
				if ns.Leader != st.leader || ns.Price != st.price || ns.LeaderMax != st.leaderMax {
					t.Fatalf("step %d: leader/price/max = %d/%d/%d, want %d/%d/%d", i, ns.Leader, ns.Price, ns.LeaderMax, st.leader, st.price, st.leaderMax)
				}
				if out.Price != ns.Price || out.Leader != ns.Leader || !out.EndsAt.Equal(ns.EndsAt) {
					t.Fatalf("step %d: outcome %+v disagrees with state %+v", i, out, ns)
				}
				if out.Leading != st.leading || out.Raised != st.raised || out.Outbid != st.outbid || out.Extended != st.extended {
					t.Fatalf("step %d: outcome %+v, want leading=%v raised=%v outbid=%d extended=%v", i, out, st.leading, st.raised, st.outbid, st.extended)
				}
				if !st.endsAt.IsZero() && !ns.EndsAt.Equal(st.endsAt) {
					t.Fatalf("step %d: ends at %v, want %v", i, ns.EndsAt, st.endsAt)
				}
				if ns.Bids != s.Bids+1 {
					t.Fatalf("step %d: bids = %d, want %d", i, ns.Bids, s.Bids+1)
				}
				if out.MinNext != EnglishMinNext(tc.p, ns) {
					t.Fatalf("step %d: MinNext %d != EnglishMinNext %d", i, out.MinNext, EnglishMinNext(tc.p, ns))
				}
				s = ns
			}
		})
	}
}

func TestEnglishUnlimitedExtensions(t *testing.T) {
	p := EnglishParams{Reserve: 100, Increment: 10, SoftClose: time.Minute}
	s := EnglishState{EndsAt: min_(10)}
	for i := range 50 {
		now := s.EndsAt.Add(-time.Second)
		var err error
		var out EnglishOutcome
		s, out, err = EnglishBid(p, s, int64(i%2+1), EnglishMinNext(p, s), now)
		if err != nil || !out.Extended {
			t.Fatalf("bid %d: err %v extended %v", i, err, out.Extended)
		}
	}
	if s.Extensions != 50 || !s.EndsAt.Equal(min_(60)) {
		t.Fatalf("extensions %d ends %v", s.Extensions, s.EndsAt)
	}
}

func TestEnglishMinNext(t *testing.T) {
	p := EnglishParams{Reserve: 1000, Increment: 50}
	if got := EnglishMinNext(p, EnglishState{}); got != 1000 {
		t.Fatalf("no leader: %d", got)
	}
	if got := EnglishMinNext(p, EnglishState{Leader: 1, Price: 1200, LeaderMax: 2000}); got != 1250 {
		t.Fatalf("leader: %d", got)
	}
	if got := EnglishMinNext(p, EnglishState{Leader: 1, Price: math.MaxInt64 - 1, LeaderMax: math.MaxInt64}); got != math.MaxInt64 {
		t.Fatalf("saturation: %d", got)
	}
}

func TestEnglishResult(t *testing.T) {
	p := EnglishParams{Reserve: 1000, Increment: 50}
	if w, pr, sold := EnglishResult(p, EnglishState{EndsAt: end()}); sold || w != 0 || pr != 0 {
		t.Fatalf("no bids: %d %d %v", w, pr, sold)
	}
	s := EnglishState{EndsAt: end()}
	s, _, _ = EnglishBid(p, s, 7, 3000, min_(1))
	s, _, _ = EnglishBid(p, s, 8, 2000, min_(2))
	if w, pr, sold := EnglishResult(p, s); !sold || w != 7 || pr != 2050 {
		t.Fatalf("result %d %d %v", w, pr, sold)
	}
	// A corrupt state is not sold.
	if _, _, sold := EnglishResult(p, EnglishState{Leader: 1, Price: 10, LeaderMax: 10}); sold {
		t.Fatal("price below reserve sold")
	}
}

func end() time.Time { return min_(60) }

func TestEnglishInvalid(t *testing.T) {
	good := EnglishParams{Reserve: 1000, Increment: 50}
	s := EnglishState{EndsAt: end()}
	for _, tc := range []struct {
		p     EnglishParams
		s     EnglishState
		field string
	}{
		{EnglishParams{Reserve: 0, Increment: 50}, s, "reserve"},
		{EnglishParams{Reserve: 10, Increment: 0}, s, "increment"},
		{EnglishParams{Reserve: 10, Increment: 1, SoftClose: -1}, s, "soft_close"},
		{EnglishParams{Reserve: 10, Increment: 1, MaxExtensions: -1}, s, "max_extensions"},
		{good, EnglishState{EndsAt: end(), Leader: 1, Price: 900, LeaderMax: 2000}, "state"},
		{good, EnglishState{EndsAt: end(), Leader: 1, Price: 3000, LeaderMax: 2000}, "state"},
		{good, EnglishState{EndsAt: end(), Bids: -1}, "state"},
	} {
		_, _, err := EnglishBid(tc.p, tc.s, 1, 5000, min_(1))
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalid || e.Field != tc.field {
			t.Errorf("%+v %+v: err %v, want invalid %s", tc.p, tc.s, err, tc.field)
		}
		if !errors.Is(err, ErrInvalid) || !errors.Is(err, &Error{Code: CodeInvalid, Field: tc.field}) {
			t.Errorf("errors.Is failed for %v", err)
		}
	}
}
