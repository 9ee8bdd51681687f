package auth

import (
	"net/netip"
	"time"
)

// Failed sign-ins are throttled per (account, source), never per account
// alone: a stranger's failures slow the stranger down and cannot lock the
// owner out from their own address. The first FreeFailures failures cost
// nothing; each one after waits twice as long as the last, from
// ThrottleBase up to ThrottleMax.
const (
	FreeFailures = 5
	ThrottleBase = time.Second
	ThrottleMax  = 15 * time.Minute
)

// ThrottleDelay is how long a source must wait after its failures-th
// failed sign-in in a row for one address before it may try again.
func ThrottleDelay(failures int) time.Duration {
	if failures < FreeFailures {
		return 0
	}
	d := ThrottleBase
	for i := FreeFailures; i < failures; i++ {
		d *= 2
		if d >= ThrottleMax {
			return ThrottleMax
		}
	}
	return d
}

// SourceKey is the throttle key of a client address: the address itself
// for IPv4, its /64 network for IPv6 (one host usually holds a whole /64),
// the string as given when it is not an address.
func SourceKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
