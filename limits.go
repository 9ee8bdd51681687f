package niaga

import "sort"

// Domain maxima of every amount and quantity, declared once. Every input
// is checked against them (store and web validators call Check.InRange
// with a Range below) and the OpenAPI document states them as "minimum"
// and "maximum": a request type names its field's range in a struct tag,
// `range:"deal_value"`, which the document generator resolves here, so
// no number is written twice.
//
// Why these values: the figures are whole Rupiah in int64 (at most about
// 9.22 × 10^18). The largest amounts the platform sees are investment
// commitments signed at a mission, which reach tens of trillions of Rupiah
// (10^13); the state budget is about Rp 3.3 × 10^15 and the yearly GDP
// about Rp 2.1 × 10^16. One deal, contract, deposit entry, financing
// request or realization of at most Rp 10^15 (a thousand trillion) is
// therefore generous, and a mission whose whole ledger stays under
// Rp 10^16 is too. Quantities are base units (kilograms, heads, m³…);
// 10^12 base units is a billion tonnes. Unit prices up to Rp 10^12 per base
// unit leave price × quantity checked against MaxContractValue.
//
// With these bounds a single mission's figures cannot overflow, whatever
// its entries; reports that add up many missions or markets sum in Go
// with SaturatingAdd, so no stored combination makes a later read fail.
const (
	// MaxDealValue bounds one mission deal's value, one financing request
	// and one realization: Rp 10^15.
	MaxDealValue int64 = 1_000_000_000_000_000
	// MaxMissionTotal bounds a mission's net deal total (what its board
	// shows) and its target value: Rp 10^16. A deal that would take the
	// total past it is refused.
	MaxMissionTotal int64 = 10_000_000_000_000_000
	// MaxContractValue bounds price × quantity of a lot, a bid and so of an
	// auction contract: Rp 10^15.
	MaxContractValue int64 = 1_000_000_000_000_000
	// MaxDeposit bounds one deposit or refund entry: Rp 10^15.
	MaxDeposit int64 = 1_000_000_000_000_000
	// MaxUnitPrice bounds a price per base unit: Rp 10^12.
	MaxUnitPrice int64 = 1_000_000_000_000
	// MaxQuantity bounds a quantity in base units: 10^12.
	MaxQuantity int64 = 1_000_000_000_000
	// MaxFeePerTon bounds a market's fee per tonne: Rp 10^7.
	MaxFeePerTon int64 = 10_000_000
)

// Range is the declared domain of an integer input: Min..Max inclusive.
type Range struct {
	Name     string
	Min, Max int64
}

// Named ranges of inputs; the names are what `range:"…"` tags refer to.
var (
	// RangeDealValue is one deal's value in Rupiah.
	RangeDealValue = Range{"deal_value", 1, MaxDealValue}
	// RangeDealQuantity is one deal's quantity (0 for an investment).
	RangeDealQuantity = Range{"deal_quantity", 0, MaxQuantity}
	// RangeQuantity is a positive quantity in base units (a lot, an offer's
	// monthly capacity, a need's volume).
	RangeQuantity = Range{"quantity", 1, MaxQuantity}
	// RangeOptQuantity is a quantity where 0 means none given (a bid).
	RangeOptQuantity = Range{"opt_quantity", 0, MaxQuantity}
	// RangeUnitPrice is a positive price per base unit.
	RangeUnitPrice = Range{"unit_price", 1, MaxUnitPrice}
	// RangeOptUnitPrice is a price per base unit where 0 means none given
	// (on request, open, no proxy).
	RangeOptUnitPrice = Range{"opt_unit_price", 0, MaxUnitPrice}
	// RangeAmount is a positive amount of Rupiah (financing, realization).
	RangeAmount = Range{"amount", 1, MaxDealValue}
	// RangeOptAmount is an amount where 0 means none given.
	RangeOptAmount = Range{"opt_amount", 0, MaxDealValue}
	// RangeDeposit is one deposit or refund entry.
	RangeDeposit = Range{"deposit", 1, MaxDeposit}
	// RangeTargetValue is a mission's target value (0 = none).
	RangeTargetValue = Range{"target_value", 0, MaxMissionTotal}
	// RangeAdjustment is a contract's price adjustment at completion
	// (the store also keeps it within the contract's value).
	RangeAdjustment = Range{"adjustment", -MaxContractValue, MaxContractValue}
	// RangeFeePerTon is a market's fee per tonne.
	RangeFeePerTon = Range{"fee_per_ton", 0, MaxFeePerTon}
)

var ranges = map[string]Range{}

func init() {
	for _, r := range []Range{RangeDealValue, RangeDealQuantity, RangeQuantity, RangeOptQuantity, RangeUnitPrice,
		RangeOptUnitPrice, RangeAmount, RangeOptAmount, RangeDeposit, RangeTargetValue, RangeAdjustment, RangeFeePerTon} {
		if _, dup := ranges[r.Name]; dup {
			panic("niaga: duplicate range " + r.Name)
		}
		ranges[r.Name] = r
	}
}

// RangeNamed returns the declared range called name.
func RangeNamed(name string) (Range, bool) {
	r, ok := ranges[name]
	return r, ok
}

// RangeNames lists the declared ranges' names, sorted.
func RangeNames() []string {
	out := make([]string, 0, len(ranges))
	for n := range ranges {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Contains reports whether v is within the range.
func (r Range) Contains(v int64) bool { return v >= r.Min && v <= r.Max }

// Reason says what the range allows, for a field error.
func (r Range) Reason() string {
	return "must be between " + FormatInt(r.Min, "en") + " and " + FormatInt(r.Max, "en")
}

// InRange records a field error unless v is within r.
func (c *Check) InRange(field string, v int64, r Range) {
	c.Require(r.Contains(v), field, r.Reason())
}

// SaturatingAdd adds a and b, clamping at the int64 limits instead of
// wrapping; ok is false when it clamped. Aggregates over an unbounded
// number of bounded entries (many missions, many markets) use it so a read
// never fails; within one mission the bounds above keep sums exact.
func SaturatingAdd(a, b int64) (sum int64, ok bool) {
	if s, ok := AddInt64(a, b); ok {
		return s, true
	}
	if b > 0 {
		return 1<<63 - 1, false
	}
	return -1 << 63, false
}

// AddSat adds v to *sum with SaturatingAdd: the running total of a report.
func AddSat(sum *int64, v int64) { *sum, _ = SaturatingAdd(*sum, v) }

// BasisPoints is part/whole in basis points (10000 = 100 %), rounded down,
// without overflow or division by zero; 0 when whole is not positive, and
// saturated at the int64 limits when the ratio itself does not fit.
func BasisPoints(part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	if v, ok := MulInt64(part, 10000); ok {
		return v / whole
	}
	if d := whole / 10000; d > 0 {
		return part / d
	}
	if part > 0 {
		return 1<<63 - 1
	}
	return -1 << 63
}
