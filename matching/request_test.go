package matching

import (
	"errors"
	"testing"
	"time"
)

func TestTransition(t *testing.T) {
	allowed := map[[2]Status]bool{
		{StatusPending, StatusAccepted}:   true,
		{StatusPending, StatusDeclined}:   true,
		{StatusPending, StatusExpired}:    true,
		{StatusPending, StatusCancelled}:  true,
		{StatusAccepted, StatusCancelled}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			err := Transition(from, to)
			if allowed[[2]Status{from, to}] {
				if err != nil {
					t.Errorf("%s → %s: %v, want allowed", from, to, err)
				}
				continue
			}
			if !errors.Is(err, ErrInvalidTransition) {
				t.Errorf("%s → %s: err %v, want ErrInvalidTransition", from, to, err)
			}
		}
		if from.Terminal() != (from == StatusDeclined || from == StatusExpired || from == StatusCancelled) {
			t.Errorf("%s.Terminal() = %v", from, from.Terminal())
		}
	}
	for _, tc := range [][2]Status{{"", StatusAccepted}, {StatusPending, "done"}, {"Pending", StatusAccepted}} {
		if err := Transition(tc[0], tc[1]); !errors.Is(err, ErrUnknownStatus) {
			t.Errorf("%q → %q: err %v, want ErrUnknownStatus", tc[0], tc[1], err)
		}
	}
}

func TestExpired(t *testing.T) {
	at := time.Date(2021, 11, 1, 2, 0, 0, 0, time.UTC)
	ttl := 48 * time.Hour
	tests := []struct {
		name string
		now  time.Time
		ttl  time.Duration
		want bool
	}{
		{"just made", at, ttl, false},
		{"one ns before", at.Add(ttl - 1), ttl, false},
		{"exactly at ttl", at.Add(ttl), ttl, true},
		{"after", at.Add(ttl + time.Hour), ttl, true},
		{"clock before request", at.Add(-time.Hour), ttl, false},
		{"other zone, same instant", at.Add(ttl).In(time.FixedZone("WITA", 8*3600)), ttl, true},
		{"ttl 0 never expires", at.Add(1000 * time.Hour), 0, false},
		{"negative ttl never expires", at.Add(1000 * time.Hour), -time.Hour, false},
	}
	for _, tc := range tests {
		if got := Expired(at, tc.now, tc.ttl); got != tc.want {
			t.Errorf("%s: Expired = %v, want %v", tc.name, got, tc.want)
		}
	}
}
