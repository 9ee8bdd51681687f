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
