package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword("rahasia-123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") {
		t.Fatalf("not argon2id: %s", h)
	}
	if !CheckPassword(h, "rahasia-123") {
		t.Error("right password refused")
	}
	if CheckPassword(h, "rahasia-124") {
		t.Error("wrong password accepted")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2id$v=19$m=x$a$b", h + "$"} {
		if CheckPassword(bad, "rahasia-123") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestToken(t *testing.T) {
	a, ha := NewToken("nga_")
	b, _ := NewToken("nga_")
	if a == b || !strings.HasPrefix(a, "nga_") || HashToken(a) != ha || ha == a {
		t.Fatal(a, b, ha)
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(time.Hour, 3)
	for i := range 3 {
		if !l.Allow("ip") {
			t.Fatalf("attempt %d refused", i)
		}
	}
	if l.Allow("ip") {
		t.Fatal("fourth attempt allowed")
	}
	if !l.Allow("other") {
		t.Fatal("keys must not share a bucket")
	}
}

func TestThrottleDelay(t *testing.T) {
	for f := range FreeFailures {
		if d := ThrottleDelay(f); d != 0 {
			t.Errorf("failure %d: delay %v, want none", f, d)
		}
	}
	prev := time.Duration(0)
	for f := FreeFailures; f < FreeFailures+30; f++ {
		d := ThrottleDelay(f)
		if d < prev || d > ThrottleMax || d <= 0 {
			t.Fatalf("failure %d: delay %v after %v", f, d, prev)
		}
		if prev > 0 && prev < ThrottleMax && d != min(2*prev, ThrottleMax) {
			t.Fatalf("failure %d: delay %v does not double %v", f, d, prev)
		}
		prev = d
	}
	if prev != ThrottleMax {
		t.Fatalf("delay does not reach its cap: %v", prev)
	}
}

func TestSourceKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"::ffff:203.0.113.7":   "203.0.113.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"not-an-address":       "not-an-address",
	} {
		if got := SourceKey(in); got != want {
			t.Errorf("SourceKey(%q) = %q, want %q", in, got, want)
		}
	}
}
