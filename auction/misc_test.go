package auction

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"niaga"
)

func asError(err error, e **Error) bool { return errors.As(err, e) }

func TestMechanism(t *testing.T) {
	for _, m := range Mechanisms() {
		got, err := ParseMechanism(" " + strings.ToUpper(string(m)) + " ")
		if err != nil || got != m || !m.Valid() {
			t.Errorf("%s: %v %v", m, got, err)
		}
	}
	if len(Mechanisms()) != 5 {
		t.Fatal("want five mechanisms")
	}
	for _, s := range []string{"", "sealed", "auction", "english2"} {
		if _, err := ParseMechanism(s); CodeOf(err) != CodeInvalid || Mechanism(s).Valid() {
			t.Errorf("%q accepted", s)
		}
	}
	if !SealedFirst.Sealed() || !SealedSecond.Sealed() || English.Sealed() {
		t.Error("Sealed")
	}
}

func TestSide(t *testing.T) {
	if s, err := ParseSide("BUY"); err != nil || s != Buy {
		t.Error("buy")
	}
	if s, err := ParseSide("sell "); err != nil || s != Sell {
		t.Error("sell")
	}
	if _, err := ParseSide("short"); CodeOf(err) != CodeInvalid {
		t.Error("short accepted")
	}
}

func TestErrors(t *testing.T) {
	err := fmt.Errorf("placing bid: %w", tooLow(1250))
	if !errors.Is(err, ErrBidTooLow) || errors.Is(err, ErrClosed) || CodeOf(err) != CodeBidTooLow {
		t.Fatal("errors.Is by code")
	}
	if !strings.Contains(err.Error(), "1250") {
		t.Fatalf("message %q lacks the minimum", err)
	}
	if errors.Is(invalid("price", "x"), &Error{Code: CodeInvalid, Field: "qty"}) {
		t.Fatal("field mismatch matched")
	}
	if CodeOf(errors.New("other")) != "" || CodeOf(nil) != "" {
		t.Fatal("CodeOf on foreign error")
	}
	// Returned errors are copies: changing one leaves the sentinel alone.
	e := closedErr()
	e.Message = "changed"
	if ErrClosed.Message == "changed" {
		t.Fatal("sentinel mutated")
	}
}

func TestCheckOpen(t *testing.T) {
	for _, tc := range []struct {
		start, end, now time.Time
		code            string
	}{
		{min_(0), min_(10), min_(-1), CodeNotOpen},
		{min_(0), min_(10), min_(0), ""},
		{min_(0), min_(10), min_(10), CodeClosed},
		{time.Time{}, min_(10), min_(-100), ""},
	} {
		if got := CodeOf(CheckOpen(tc.start, tc.end, tc.now)); got != tc.code {
			t.Errorf("%v..%v at %v: %q want %q", tc.start, tc.end, tc.now, got, tc.code)
		}
	}
}

func TestValue(t *testing.T) {
	if v, err := Value(1000, 12500); err != nil || v != 12_500_000 {
		t.Fatal(v, err)
	}
	if _, err := Value(math.MaxInt64/2+1, 2); CodeOf(err) != CodeInvalid {
		t.Fatal("overflow not caught")
	}
	if _, err := Value(-1, 2); CodeOf(err) != CodeInvalid {
		t.Fatal("negative accepted")
	}
	if v, ok := niaga.MulInt64(math.MinInt64, -1); ok {
		t.Fatal("MinInt64 * -1", v)
	}
	if _, ok := niaga.AddInt64(math.MaxInt64, 1); ok {
		t.Fatal("add overflow")
	}
	if _, ok := niaga.AddInt64(math.MinInt64, -1); ok {
		t.Fatal("add underflow")
	}
}
