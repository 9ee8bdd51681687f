package niaga_test

import (
	"strconv"
	"testing"

	"niaga"
)

func TestPaymentReference(t *testing.T) {
	cases := []struct {
		market, org int64
		want        string
	}{
		{1, 42, "0000010000004220"},
		{2, 1, "0000020000000194"},
		{999_999, 99_999_999, "9999999999999939"},
		{0, 1, ""},
		{1, 0, ""},
		{1_000_000, 1, ""},
		{1, 100_000_000, ""},
		{-1, 5, ""},
	}
	for _, c := range cases {
		got, ok := niaga.PaymentReference(c.market, c.org)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("PaymentReference(%d, %d) = %q, %v; want %q", c.market, c.org, got, ok, c.want)
		}
		if !ok {
			continue
		}
		m, o, reason := niaga.ParsePaymentReference(niaga.FormatPaymentReference(got))
		if m != c.market || o != c.org || reason != "" {
			t.Errorf("ParsePaymentReference(%q) = %d, %d, %q", got, m, o, reason)
		}
	}
	if got := niaga.FormatPaymentReference("0000010000004220"); got != "0000 0100 0000 4220" {
		t.Errorf("FormatPaymentReference = %q", got)
	}
}

func TestParsePaymentReference(t *testing.T) {
	cases := []struct {
		in          string
		market, org int64
		reason      string
	}{
		{"0000010000004220", 1, 42, ""},
		{"0000 0100 0000 4220", 1, 42, ""},
		{"0000-0100-0000-4220", 1, 42, ""},
		{"0000010000004230", 0, 0, niaga.RefCheckDigits},  // one digit wrong
		{"0000010000002420", 0, 0, niaga.RefCheckDigits},  // two neighbours swapped
		{"0000001000004220", 0, 0, niaga.RefCheckDigits},  // shifted
		{"000001000000422", 0, 0, niaga.RefMalformed},     // too short
		{"00000100000042200", 0, 0, niaga.RefMalformed},   // too long
		{"0000O10000004220", 0, 0, niaga.RefMalformed},    // a letter O
		{"", 0, 0, niaga.RefMalformed},                    // nothing
		{"0000000000000098", 0, 0, niaga.RefOutOfRange},   // market 0, check digits right
		{"0000010000000098", 0, 0, niaga.RefCheckDigits},  // org 0 with wrong check digits
		{"0000010000000042", 0, 0, niaga.RefCheckDigits},  //
		{"0000 0100 0000 4220 ", 1, 42, ""},               // a trailing space
		{"0000_0100_0000_4220", 0, 0, niaga.RefMalformed}, // other separators are not skipped
	}
	for _, c := range cases {
		m, o, reason := niaga.ParsePaymentReference(c.in)
		if m != c.market || o != c.org || reason != c.reason {
			t.Errorf("ParsePaymentReference(%q) = %d, %d, %q; want %d, %d, %q", c.in, m, o, reason, c.market, c.org, c.reason)
		}
	}
}

// Every single-digit typo and every swap of two different neighbours is
// caught: ISO 7064 MOD 97-10 guarantees it, checked here exhaustively for
// one reference.
func TestPaymentReferenceCatchesTypos(t *testing.T) {
	ref, _ := niaga.PaymentReference(17, 3_141_592)
	for i := range len(ref) {
		for d := byte('0'); d <= '9'; d++ {
			if d == ref[i] {
				continue
			}
			typo := ref[:i] + string(d) + ref[i+1:]
			if _, _, reason := niaga.ParsePaymentReference(typo); reason == "" {
				t.Errorf("typo %s accepted (from %s)", typo, ref)
			}
		}
		if i+1 < len(ref) && ref[i] != ref[i+1] {
			swap := ref[:i] + string(ref[i+1]) + string(ref[i]) + ref[i+2:]
			if _, _, reason := niaga.ParsePaymentReference(swap); reason == "" {
				t.Errorf("swap %s accepted (from %s)", swap, ref)
			}
		}
	}
}

func TestFindPaymentReferences(t *testing.T) {
	ref42, _ := niaga.PaymentReference(1, 42)
	ref7, _ := niaga.PaymentReference(3, 7)
	cases := []struct {
		text string
		want []string // digits
		bad  []string // reasons of the invalid ones, in order
	}{
		{"TRSF E-BANKING CR 0303/FTSCY/WS95031 2500000.00 " + ref42 + " PT MAJU JAYA", []string{ref42}, nil},
		{"SETORAN 0000 0100 0000 4220 UD BARU", []string{ref42}, nil},
		{"SETORAN 0000-0100-0000-4220", []string{ref42}, nil},
		{"BI-FAST CR " + ref7 + " / " + ref42, []string{ref7, ref42}, nil},
		{"TRSF 0000010000004230 SALAH KETIK", []string{"0000010000004230"}, []string{niaga.RefCheckDigits}},
		{"BIAYA ADM", nil, nil},
		{"TRSF 12345 " + ref42 + ref42, nil, nil}, // 32 digits in one run are no reference
		{ref42 + " " + ref42, []string{ref42}, nil},
		{"TRSF 0203 0000 0100 0000 4220 PT MAJU", []string{ref42}, nil}, // after another number
		{"TRSF 0000-0100-0000-4220-7", []string{ref42}, nil},
		{"CR 12 0000 0100 0000 4220 34", []string{ref42}, nil},
	}
	for _, c := range cases {
		got := niaga.FindPaymentReferences(c.text)
		var digits, bad []string
		for _, f := range got {
			digits = append(digits, f.Digits)
			if f.Reason != "" {
				bad = append(bad, f.Reason)
			}
		}
		if strconv.Quote(join(digits)) != strconv.Quote(join(c.want)) || join(bad) != join(c.bad) {
			t.Errorf("FindPaymentReferences(%q) = %+v; want %v %v", c.text, got, c.want, c.bad)
		}
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// FuzzPaymentReference: every reference made parses back to its ids, any
// text is searched without panicking, and what the search calls valid
// parses to the same ids.
func FuzzPaymentReference(f *testing.F) {
	f.Add(int64(1), int64(42), "TRSF CR 0000010000004220 PT")
	f.Add(int64(999_999), int64(99_999_999), "0000 0100 0000 4220")
	f.Add(int64(0), int64(-3), "\xff12345678901234567")
	f.Fuzz(func(t *testing.T, market, org int64, text string) {
		if ref, ok := niaga.PaymentReference(market, org); ok {
			if len(ref) != niaga.PaymentReferenceLen {
				t.Fatalf("reference %q of %d, %d", ref, market, org)
			}
			m, o, reason := niaga.ParsePaymentReference(ref)
			if m != market || o != org || reason != "" {
				t.Fatalf("%d, %d → %q → %d, %d, %q", market, org, ref, m, o, reason)
			}
		}
		for _, found := range niaga.FindPaymentReferences(text) {
			m, o, reason := niaga.ParsePaymentReference(found.Digits)
			if m != found.MarketID || o != found.OrgID || reason != found.Reason {
				t.Fatalf("%q: found %+v, parses to %d, %d, %q", text, found, m, o, reason)
			}
		}
		niaga.ParsePaymentReference(text)
	})
}
