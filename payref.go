package niaga

import (
	"strconv"
	"strings"
)

// A payment reference is the number a buyer writes in the remark (berita)
// of the bank transfer that pays a guarantee deposit in, the way a virtual
// account number names its payer: the organizer's bank statement then says
// who paid, and reconciliation credits the right account without anybody
// reading names. One reference per buyer organization and market:
//
//	MMMMMM OOOOOOOO CC
//
// six digits of the market's id (the market's fixed prefix), eight of the
// organization's, and two check digits of ISO 7064 MOD 97-10 (the IBAN
// scheme): every single mistyped digit and every swap of two neighbouring
// digits is caught, so a typo never credits somebody else. Sixteen digits
// fit the remark field of Indonesian internet and mobile banking (18
// characters at BCA) and are shown in groups of four.
const (
	// PaymentReferenceLen is the number of digits of a payment reference.
	PaymentReferenceLen = 16
	refMarketDigits     = 6
	refOrgDigits        = 8
	// MaxReferenceMarket and MaxReferenceOrg are the largest ids a
	// reference can carry.
	MaxReferenceMarket = 999_999
	MaxReferenceOrg    = 99_999_999
)

// PaymentReference returns the reference of an organization at a market,
// 16 digits without spaces; false when an id is out of the reference's
// range.
func PaymentReference(marketID, orgID int64) (string, bool) {
	if marketID <= 0 || marketID > MaxReferenceMarket || orgID <= 0 || orgID > MaxReferenceOrg {
		return "", false
	}
	body := pad(marketID, refMarketDigits) + pad(orgID, refOrgDigits)
	check := 98 - mod97(body+"00")
	return body + pad(int64(check), 2), true
}

func pad(v int64, width int) string {
	s := strconv.FormatInt(v, 10)
	return strings.Repeat("0", width-len(s)) + s
}

// mod97 is the remainder of a decimal string (digits only) divided by 97.
func mod97(digits string) int {
	r := 0
	for i := 0; i < len(digits); i++ {
		r = (r*10 + int(digits[i]-'0')) % 97
	}
	return r
}

// FormatPaymentReference groups a reference's digits by four, as it is
// shown to people: "0000 0100 0000 4220".
func FormatPaymentReference(ref string) string {
	var b strings.Builder
	for i := 0; i < len(ref); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(ref[i])
	}
	return b.String()
}

// Reference problems, as ParsePaymentReference and FindPaymentReferences
// name them.
const (
	RefMalformed   = "malformed"        // not 16 digits
	RefCheckDigits = "bad_check_digits" // a typo: the check digits do not match
	RefOutOfRange  = "out_of_range"     // a zero id
)

// ParsePaymentReference reads a reference as people write it (spaces,
// dashes and dots between digits are ignored) and returns the market and
// organization it names; the reason is one of the Ref… constants when it
// names none.
func ParsePaymentReference(s string) (marketID, orgID int64, reason string) {
	var digits []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '.':
		default:
			return 0, 0, RefMalformed
		}
	}
	return parseRefDigits(string(digits))
}

func parseRefDigits(d string) (marketID, orgID int64, reason string) {
	if len(d) != PaymentReferenceLen {
		return 0, 0, RefMalformed
	}
	if mod97(d) != 1 {
		return 0, 0, RefCheckDigits
	}
	m, _ := strconv.ParseInt(d[:refMarketDigits], 10, 64)
	o, _ := strconv.ParseInt(d[refMarketDigits:refMarketDigits+refOrgDigits], 10, 64)
	if m == 0 || o == 0 {
		return 0, 0, RefOutOfRange
	}
	return m, o, ""
}

// FoundReference is a 16-digit number found in a transfer's remark: a
// payment reference when Reason is empty, else why it is none (a typo).
type FoundReference struct {
	Digits   string `json:"digits"`
	MarketID int64  `json:"market_id,omitempty"`
	OrgID    int64  `json:"org_id,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// FindPaymentReferences finds the 16-digit numbers in a bank statement's
// description: runs of exactly 16 digits, and neighbouring groups of
// digits, joined by single spaces or dashes, that make 16 together (a
// reference typed as shown, "0000 0100 0000 4220", even after another
// number). Each is checked: the valid references in order of appearance,
// without repeats, or when there is none the numbers that fail the check
// (typos).
func FindPaymentReferences(text string) []FoundReference {
	var cands []string
	for _, run := range digitRuns(text) {
		// Every window of whole groups that makes 16 digits; a single
		// group of 16 is a plain run.
		for i := range run {
			n := 0
			for j := i; j < len(run) && n < PaymentReferenceLen; j++ {
				n += len(run[j])
				if n == PaymentReferenceLen {
					cands = append(cands, strings.Join(run[i:j+1], ""))
				}
			}
		}
	}
	var valid, invalid []FoundReference
	seen := map[string]bool{}
	for _, c := range cands {
		if seen[c] {
			continue
		}
		seen[c] = true
		m, o, reason := parseRefDigits(c)
		f := FoundReference{Digits: c, MarketID: m, OrgID: o, Reason: reason}
		if reason == "" {
			valid = append(valid, f)
		} else {
			invalid = append(invalid, f)
		}
	}
	if len(valid) > 0 {
		return valid // numbers that are no reference only matter when none is
	}
	return invalid
}

// digitRuns returns the runs of digit groups in text: groups are maximal
// runs of digits, and a single space or dash between two groups keeps
// them in one run.
func digitRuns(text string) [][]string {
	var runs [][]string
	var run []string
	start := -1
	for i := 0; i <= len(text); i++ {
		if i < len(text) && text[i] >= '0' && text[i] <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			run = append(run, text[start:i])
			start = -1
		}
		joins := i < len(text) && (text[i] == ' ' || text[i] == '-') && len(run) > 0 && i > 0 && text[i-1] >= '0' && text[i-1] <= '9' &&
			i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9'
		if !joins && len(run) > 0 {
			runs = append(runs, run)
			run = nil
		}
	}
	return runs
}
