package auction

import (
	"math"
	"testing"
	"time"
)

func TestDutchPrice(t *testing.T) {
	p := DutchParams{Start: 50000, Step: 1000, Floor: 30000, Tick: 10 * time.Second, StartsAt: min_(0)}
	sec := func(s int64) time.Time { return min_(0).Add(time.Duration(s) * time.Second) }
	for _, tc := range []struct {
		name string
		p    DutchParams
		now  time.Time
		want int64
	}{
		{"before start", p, sec(-3600), 50000},
		{"at start", p, sec(0), 50000},
		{"within first tick", p, sec(9), 50000},
		{"first tick", p, sec(10), 49000},
		{"between ticks", p, sec(25), 48000},
		{"just above floor", p, sec(190), 31000},
		{"reaches floor", p, sec(200), 30000},
		{"after floor", p, sec(210), 30000},
		{"long after", p, sec(86400 * 365), 30000},
		{"max time distance", p, time.Unix(1<<62, 0), 30000},
		{"nanosecond ticks over centuries", DutchParams{Start: math.MaxInt64, Step: math.MaxInt64 / 3, Floor: 1, Tick: 1, StartsAt: time.Unix(-1<<40, 0)}, time.Unix(1<<40, 0), 1},
		{"huge step multiply safe", DutchParams{Start: math.MaxInt64, Step: math.MaxInt64 / 2, Floor: 1, Tick: time.Second, StartsAt: sec(0)}, sec(1), math.MaxInt64 - math.MaxInt64/2},
		{"huge step twice", DutchParams{Start: math.MaxInt64, Step: math.MaxInt64 / 2, Floor: 1, Tick: time.Second, StartsAt: sec(0)}, sec(2), 1},
		{"floor not a whole number of steps away", DutchParams{Start: 100, Step: 10, Floor: 75, Tick: time.Second, StartsAt: sec(0)}, sec(2), 80},
		{"floor not a whole number of steps away, next tick", DutchParams{Start: 100, Step: 10, Floor: 75, Tick: time.Second, StartsAt: sec(0)}, sec(3), 75},
		{"start equals floor", DutchParams{Start: 100, Step: 5, Floor: 100, Tick: time.Second, StartsAt: sec(0)}, sec(50), 100},
		{"invalid params give 0", DutchParams{Start: 100, Step: 5, Floor: 100, Tick: 0}, sec(50), 0},
	} {
		if got := DutchPrice(tc.p, tc.now); got != tc.want {
			t.Errorf("%s: price %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestDutchAccept(t *testing.T) {
	p := DutchParams{Start: 50000, Step: 1000, Floor: 30000, Tick: time.Minute, StartsAt: min_(0)}
	endsAt := min_(30)
	for _, tc := range []struct {
		name  string
		p     DutchParams
		now   time.Time
		end   time.Time
		price int64
		code  string
		field string
	}{
		{"before start", p, min_(-1), endsAt, 0, CodeNotOpen, ""},
		{"at start", p, min_(0), endsAt, 50000, "", ""},
		{"mid", p, min_(5).Add(30 * time.Second), endsAt, 45000, "", ""},
		{"at floor", p, min_(29), endsAt, 30000, "", ""},
		{"at end", p, endsAt, endsAt, 0, CodeClosed, ""},
		{"after end", p, min_(90), endsAt, 0, CodeClosed, ""},
		{"end before start", p, min_(1), min_(0), 0, CodeInvalid, "ends_at"},
		{"floor zero", DutchParams{Start: 10, Step: 1, Floor: 0, Tick: time.Second}, min_(1), endsAt, 0, CodeInvalid, "floor"},
		{"start below floor", DutchParams{Start: 10, Step: 1, Floor: 11, Tick: time.Second}, min_(1), endsAt, 0, CodeInvalid, "start"},
		{"step zero", DutchParams{Start: 10, Step: 0, Floor: 1, Tick: time.Second}, min_(1), endsAt, 0, CodeInvalid, "step"},
		{"tick zero", DutchParams{Start: 10, Step: 1, Floor: 1, Tick: 0}, min_(1), endsAt, 0, CodeInvalid, "tick"},
		{"tick negative", DutchParams{Start: 10, Step: 1, Floor: 1, Tick: -time.Second}, min_(1), endsAt, 0, CodeInvalid, "tick"},
	} {
		price, err := DutchAccept(tc.p, tc.now, tc.end)
		if CodeOf(err) != tc.code || price != tc.price {
			t.Errorf("%s: %d %v, want %d %q", tc.name, price, err, tc.price, tc.code)
		}
		var e *Error
		if tc.field != "" && (!asError(err, &e) || e.Field != tc.field) {
			t.Errorf("%s: err %v, want field %s", tc.name, err, tc.field)
		}
	}
}
