package niaga

import (
	"sort"
	"strings"
)

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
	// MaxIdempotencyKey bounds an Idempotency-Key, in bytes.
	MaxIdempotencyKey = 200
)

// Range is the declared domain of an input: Min..Max inclusive. On an
// integer field it bounds the value; on a string field, its length; on a
// list, its number of items (the document states minimum and maximum,
// minLength and maxLength, minItems and maxItems).
type Range struct {
	Name     string
	Min, Max int64
	// Says is what a refusal says when the default ("must be between …")
	// is not it; the page catalog translates refusals by this text.
	Says string
}

// Named ranges of inputs; the names are what `range:"…"` tags refer to.
var (
	// RangeDealValue is one deal's value in Rupiah.
	RangeDealValue = Range{Name: "deal_value", Min: 1, Max: MaxDealValue}
	// RangeDealQuantity is one deal's quantity (0 for an investment).
	RangeDealQuantity = Range{Name: "deal_quantity", Min: 0, Max: MaxQuantity}
	// RangeQuantity is a positive quantity in base units (a lot, an offer's
	// monthly capacity, a need's volume).
	RangeQuantity = Range{Name: "quantity", Min: 1, Max: MaxQuantity}
	// RangeOptQuantity is a quantity where 0 means none given (a bid).
	RangeOptQuantity = Range{Name: "opt_quantity", Min: 0, Max: MaxQuantity}
	// RangeUnitPrice is a positive price per base unit.
	RangeUnitPrice = Range{Name: "unit_price", Min: 1, Max: MaxUnitPrice}
	// RangeOptUnitPrice is a price per base unit where 0 means none given
	// (on request, open, no proxy).
	RangeOptUnitPrice = Range{Name: "opt_unit_price", Min: 0, Max: MaxUnitPrice}
	// RangeAmount is a positive amount of Rupiah (financing, realization).
	RangeAmount = Range{Name: "amount", Min: 1, Max: MaxDealValue}
	// RangeOptAmount is an amount where 0 means none given.
	RangeOptAmount = Range{Name: "opt_amount", Min: 0, Max: MaxDealValue}
	// RangeDeposit is one deposit or refund entry.
	RangeDeposit = Range{Name: "deposit", Min: 1, Max: MaxDeposit}
	// RangeTargetValue is a mission's target value (0 = none).
	RangeTargetValue = Range{Name: "target_value", Min: 0, Max: MaxMissionTotal}
	// RangeAdjustment is a contract's price adjustment at completion
	// (the store also keeps it within the contract's value).
	RangeAdjustment = Range{Name: "adjustment", Min: -MaxContractValue, Max: MaxContractValue}
	// RangeFeePerTon is a market's fee per tonne.
	RangeFeePerTon = Range{Name: "fee_per_ton", Min: 0, Max: MaxFeePerTon}
	// RangeGuarantee is a lot's guarantee set at admission (0 = the
	// default), bounded as deposits are.
	RangeGuarantee = Range{Name: "guarantee", Min: 0, Max: MaxDeposit}
	// RangeContractValue is an auction contract's value, price × quantity.
	RangeContractValue = Range{Name: "contract_value", Min: 1, Max: MaxContractValue}
	// RangeSignedDealValue and RangeSignedDealQuantity are a ledger entry's
	// value and quantity: a reversing entry negates the deal it corrects.
	RangeSignedDealValue    = Range{Name: "signed_deal_value", Min: -MaxDealValue, Max: MaxDealValue}
	RangeSignedDealQuantity = Range{Name: "signed_deal_quantity", Min: -MaxQuantity, Max: MaxQuantity}
)

// Bounds of the other numbers, lengths and list sizes of inputs. The page
// catalog translates refusals by their text, hence the Says of most.
var (
	// RangeFeeBps is a market's fee in basis points of value (10 % at most).
	RangeFeeBps = Range{Name: "fee_bps", Min: 0, Max: 1000, Says: "between 0 and 1000 (10 %)"}
	// RangeDepositRatioBps is the part of a lot's value its guarantee is by
	// default, in basis points.
	RangeDepositRatioBps = Range{Name: "deposit_ratio_bps", Min: 1, Max: 10000, Says: "between 1 and 10000 (100 %)"}
	// RangeMarketMechanisms is how many mechanisms a market runs.
	RangeMarketMechanisms = Range{Name: "market_mechanisms", Min: 1, Max: 5, Says: "one to five mechanisms"}
	// RangeSoftCloseSeconds is a session's soft-close window.
	RangeSoftCloseSeconds = Range{Name: "soft_close_seconds", Min: 0, Max: 3600, Says: "between 0 and 3600"}
	// RangeMaxExtensions is how often a session's lots may be extended.
	RangeMaxExtensions = Range{Name: "max_extensions", Min: 0, Max: 1000, Says: "between 0 and 1000"}
	// RangeSessionMarkets is how many markets a (joint) session gathers.
	RangeSessionMarkets = Range{Name: "session_markets", Min: 1, Max: 50, Says: "one to fifty markets"}
	// RangeDutchTickMs is a dutch clock's tick, in milliseconds (dutch lots).
	RangeDutchTickMs = Range{Name: "dutch_tick_ms", Min: 100, Max: 3_600_000, Says: "between 100 ms and 1 hour"}
	// RangeRequestTTLMinutes is how long a mission's meeting requests wait
	// for an answer (0 = the default), at most 60 days.
	RangeRequestTTLMinutes = Range{Name: "request_ttl_minutes", Min: 0, Max: 60 * 24 * 60, Says: "between 0 (default) and 60 days"}
	// RangeSlotMinutes is the length of a meeting slot.
	RangeSlotMinutes = Range{Name: "slot_minutes", Min: 5, Max: 240, Says: "between 5 and 240"}
	// RangeTables is how many tables the scheduler fills (0 = unlimited,
	// virtual meetings).
	RangeTables = Range{Name: "tables", Min: 0, Max: 10000, Says: "between 0 (unlimited) and 10000"}
	// RangeScheduleBreaks is how many breaks a schedule may leave free.
	RangeScheduleBreaks = Range{Name: "schedule_breaks", Min: 0, Max: 50, Says: "at most 50"}
	// RangeUnavailability is how many spans a participant may be away.
	RangeUnavailability = Range{Name: "unavailability", Min: 0, Max: 100, Says: "at most 100"}
	// RangeTenorMonths is a financing request's tenor.
	RangeTenorMonths = Range{Name: "tenor_months", Min: 1, Max: 360, Says: "between 1 and 360"}
	// RangeAgreementParties is how many parties sign an agreement.
	RangeAgreementParties = Range{Name: "agreement_parties", Min: 2, Max: 20, Says: "two to twenty parties"}
	// RangePassword is a new password's length in bytes.
	RangePassword = Range{Name: "password", Min: 10, Max: 200, Says: "at least 10 characters"}
	// RangeScore is a matchmaking score (and the lowest one asked for).
	RangeScore = Range{Name: "score", Min: 0, Max: 100, Says: "between 0 and 100"}
	// RangePerNeed is how many suggestions per need are asked for (0 = all).
	RangePerNeed = Range{Name: "per_need", Min: 0, Max: 1000, Says: "between 0 and 1000"}
	// RangeIdempotencyKey is the length of an Idempotency-Key.
	RangeIdempotencyKey = Range{Name: "idempotency_key", Min: 0, Max: MaxIdempotencyKey, Says: "at most 200 characters"}
	// Lengths of texts, in bytes (the document states them as characters).
	// RangeNote is a note, a purpose, delivery terms, a document reference.
	RangeNote = Range{Name: "note", Min: 0, Max: 500, Says: "at most 500 characters"}
	// RangeLongNote is a message or an answer.
	RangeLongNote = Range{Name: "long_note", Min: 0, Max: 1000, Says: "at most 1000 characters"}
	// RangeShortText is a contact, an origin, a sector.
	RangeShortText = Range{Name: "short_text", Min: 0, Max: 200, Says: "at most 200 characters"}
	// RangeName is a required name or title (not blank).
	RangeName = Range{Name: "name", Min: 1, Max: 200, Says: "required, at most 200 characters"}
	// RangeAgreementTitle is an agreement's title (not blank).
	RangeAgreementTitle = Range{Name: "agreement_title", Min: 1, Max: 300, Says: "required, at most 300 characters"}
	// RangeReason is a required reason (not blank).
	RangeReason = Range{Name: "reason", Min: 1, Max: 500, Says: "required, at most 500 characters"}
	// RangeTokenName is an API token's name (not blank).
	RangeTokenName = Range{Name: "token_name", Min: 1, Max: 100, Says: "required, at most 100 characters"}
	// RangeWarehouseReceipt is a warehouse receipt's number.
	RangeWarehouseReceipt = Range{Name: "warehouse_receipt", Min: 0, Max: 100, Says: "at most 100 characters"}
	// RangeCredential is an email or password given to sign in.
	RangeCredential = Range{Name: "credential", Min: 1, Max: 200, Says: "required"}
	// RangeNotificationLimit is how many notifications one call lists.
	RangeNotificationLimit = Range{Name: "notification_limit", Min: 1, Max: 200, Says: "between 1 and 200"}
	// RangeToken is the token of a mailed link.
	RangeToken = Range{Name: "token", Min: 1, Max: 200, Says: "required"}
	// RangeMatchLimit is how many suggestions are asked for at most.
	RangeMatchLimit = Range{Name: "match_limit", Min: 1, Max: 5000, Says: "between 1 and 5000"}
)

var ranges = map[string]Range{}

func init() {
	for _, r := range []Range{RangeDealValue, RangeDealQuantity, RangeQuantity, RangeOptQuantity, RangeUnitPrice,
		RangeOptUnitPrice, RangeAmount, RangeOptAmount, RangeDeposit, RangeTargetValue, RangeAdjustment, RangeFeePerTon,
		RangeGuarantee, RangeContractValue, RangeSignedDealValue, RangeSignedDealQuantity,
		RangeFeeBps, RangeDepositRatioBps, RangeMarketMechanisms, RangeSoftCloseSeconds, RangeMaxExtensions, RangeSessionMarkets,
		RangeDutchTickMs, RangeRequestTTLMinutes, RangeSlotMinutes, RangeTables, RangeScheduleBreaks, RangeUnavailability,
		RangeTenorMonths, RangeAgreementParties, RangePassword, RangeScore, RangePerNeed, RangeMatchLimit, RangeIdempotencyKey,
		RangeNote, RangeLongNote, RangeShortText, RangeName, RangeAgreementTitle, RangeReason, RangeTokenName, RangeWarehouseReceipt, RangeCredential,
		RangeNotificationLimit, RangeToken} {
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
	if r.Says != "" {
		return r.Says
	}
	return "must be between " + FormatInt(r.Min, "en") + " and " + FormatInt(r.Max, "en")
}

// InRange records a field error unless v is within r.
func (c *Check) InRange(field string, v int64, r Range) {
	c.Require(r.Contains(v), field, r.Reason())
}

// LenInRange records a field error unless a length (of a text in bytes,
// or a list) is within r.
func (c *Check) LenInRange(field string, n int, r Range) {
	c.InRange(field, int64(n), r)
}

// Text records a field error unless the length of s in bytes is within r
// and, when r requires a text (Min above 0), s is not blank.
func (c *Check) Text(field, s string, r Range) {
	c.Require(r.Contains(int64(len(s))) && (r.Min == 0 || strings.TrimSpace(s) != ""), field, r.Reason())
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
