package auction

import (
	"strconv"
	"strings"

	"niaga"
)

// Mechanism names an auction mechanism as stored and sent over the API.
type Mechanism string

// The five mechanisms.
const (
	English      Mechanism = "english"
	SealedFirst  Mechanism = "sealed_first"
	SealedSecond Mechanism = "sealed_second"
	Dutch        Mechanism = "dutch"
	Call         Mechanism = "call"
)

// Mechanisms lists every mechanism in a stable order.
func Mechanisms() []Mechanism {
	return []Mechanism{English, SealedFirst, SealedSecond, Dutch, Call}
}

// EnumMechanism is the mechanisms as an enum (fields of type Mechanism
// take it; string fields name it, `enum:"mechanism"`).
var EnumMechanism = niaga.NewEnum("mechanism", Mechanisms()...)

// Valid reports whether m is one of the five mechanisms.
func (m Mechanism) Valid() bool {
	switch m {
	case English, SealedFirst, SealedSecond, Dutch, Call:
		return true
	}
	return false
}

// Sealed reports whether m hides bids until close (sealed_first, sealed_second).
func (m Mechanism) Sealed() bool { return m == SealedFirst || m == SealedSecond }

// ParseMechanism parses a mechanism name, ignoring case and surrounding
// space; an unknown name is an invalid error on field "mechanism".
func ParseMechanism(s string) (Mechanism, error) {
	m := Mechanism(strings.ToLower(strings.TrimSpace(s)))
	if !m.Valid() {
		return "", invalid("mechanism", "unknown mechanism "+strconv.Quote(s))
	}
	return m, nil
}
