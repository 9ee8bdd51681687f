package niaga_test

import (
	"os"
	"strings"
	"testing"

	"niaga"
)

// table splits semicolon-separated text into cells, as the CSV reader
// would for text without quotes.
func table(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			out = append(out, nil)
			continue
		}
		out = append(out, strings.Split(line, ";"))
	}
	return out
}

// bcaStatement is BCA's "mutasi rekening" export, saved with semicolons and
// Indonesian numbers.
const bcaStatement = `No. rekening : ;0123456789
Nama : ;PT PASAR LELANG LAMPUNG
Periode : ;01/12/2025 - 31/01/2026
Kode Mata Uang : ;Rp

Tanggal Transaksi;Keterangan;Cabang;Jumlah;;Saldo
'30/12;TRSF E-BANKING CR 3012/FTSCY/WS95031 0000010000004220 UD MAJU;'0998;2.500.000,00;CR;12.500.000,00
'02/01;BIAYA ADM;'0000;10.000,00;DB;12.490.000,00
'03/01;SETORAN TUNAI 0000 0100 0000 4220;'0123;1.000.000,00;CR;13.490.000,00
'04/01;TRSF CR TANPA BERITA;'0998;750.000,00;CR;14.240.000,00
'32/01;TANGGAL SALAH;'0998;1.000,00;CR;14.241.000,00
'05/01;SEN;'0998;1.000,50;CR;14.241.000,50
'06/01;TANPA ARAH;'0998;1.000,00;;14.242.000,00
PEND;TRSF E-BANKING CR 0000010000004220;'0998;5.000.000,00;CR;19.242.000,00

Saldo Awal;:;10.000.000,00
Mutasi Kredit;:;4.250.000,00;3
Mutasi Debet;:;10.000,00;1
Saldo Akhir;:;14.240.000,00
`

func TestParseStatementBCA(t *testing.T) {
	st, err := niaga.ParseStatement(table(bcaStatement))
	if err != nil {
		t.Fatal(err)
	}
	if st.Account != "0123456789" {
		t.Errorf("account %q", st.Account)
	}
	want := []struct {
		row       int
		date      string
		amount    int64
		credit    bool
		balance   int64
		malformed string
		pending   bool
	}{
		{7, "2025-12-30", 2_500_000, true, 12_500_000, "", false}, // DD/MM in December of a period across the new year
		{8, "2026-01-02", 10_000, false, 12_490_000, "", false},
		{9, "2026-01-03", 1_000_000, true, 13_490_000, "", false},
		{10, "2026-01-04", 750_000, true, 14_240_000, "", false},
		{11, "", 0, false, 0, niaga.MalformedDate, false},
		{12, "2026-01-05", 0, false, 0, niaga.MalformedFraction, false},
		{13, "2026-01-06", 0, false, 0, niaga.MalformedDirection, false},
		{14, "", 5_000_000, true, 19_242_000, "", true},
	}
	if len(st.Lines) != len(want) {
		t.Fatalf("%d lines: %+v", len(st.Lines), st.Lines)
	}
	keys := map[string]bool{}
	for i, w := range want {
		l := st.Lines[i]
		if l.Row != w.row || l.Date != w.date || l.Malformed != w.malformed || l.Pending != w.pending {
			t.Errorf("line %d: %+v, want %+v", i, l, w)
			continue
		}
		if w.malformed == "" && (l.Amount != w.amount || l.Credit != w.credit || l.Balance != w.balance) {
			t.Errorf("line %d: %+v, want %+v", i, l, w)
		}
		if (l.Key == "") != (w.malformed != "" || w.pending) || keys[l.Key] && l.Key != "" {
			t.Errorf("line %d: key %q", i, l.Key)
		}
		keys[l.Key] = true
	}
	if st.Lines[0].Branch != "0998" || !strings.Contains(st.Lines[0].Description, "0000010000004220 UD MAJU") {
		t.Errorf("first line %+v", st.Lines[0])
	}
	// The same export read again gives the same keys.
	again, _ := niaga.ParseStatement(table(bcaStatement))
	for i := range again.Lines {
		if again.Lines[i].Key != st.Lines[i].Key {
			t.Errorf("line %d: key %q, then %q", i, st.Lines[i].Key, again.Lines[i].Key)
		}
	}
}

// Mandiri's layout: separate debit and credit columns, two description
// columns, the bank's reference number, English headers and amounts.
func TestParseStatementDebitCredit(t *testing.T) {
	text := `Account No;Date;Val. Date;Transaction Code;Description;Description;Reference No.;Debit;Credit
1230001234567;03/01/2026 10:15:00;03/01/2026;8888;TRANSFER DARI UD MAJU;0000010000004220;FT26003ABC;0.00;2,500,000.00
1230001234567;03-01-2026;03/01/2026;7777;BIAYA;;FT26003ABD;6,500.00;
1230001234567;2026-01-04;;8888;BOTH;;FT26004X;1.00;1.00
1230001234567;4 Jan 2026;;8888;SETORAN;;FT26004Y;;1,000,000.00
`
	st, err := niaga.ParseStatement(table(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Lines) != 4 {
		t.Fatalf("%+v", st.Lines)
	}
	l := st.Lines[0]
	if l.Date != "2026-01-03" || !l.Credit || l.Amount != 2_500_000 || l.Key != "ref:FT26003ABC" || l.Description != "TRANSFER DARI UD MAJU 0000010000004220" {
		t.Errorf("credit line %+v", l)
	}
	if l := st.Lines[1]; l.Credit || l.Amount != 6_500 || l.Date != "2026-01-03" {
		t.Errorf("debit line %+v", l)
	}
	if l := st.Lines[2]; l.Malformed != niaga.MalformedDirection {
		t.Errorf("debit and credit: %+v", l)
	}
	if l := st.Lines[3]; l.Date != "2026-01-04" || l.Amount != 1_000_000 || !l.Credit {
		t.Errorf("month name: %+v", l)
	}
}

func TestParseStatementRefused(t *testing.T) {
	for _, text := range []string{
		"",
		"Nama;Jumlah\nUD A;1.000\n",
		"Tanggal;Keterangan;Jumlah;\n01/01/2026;X;1.000;CR\n", // no balance, no reference
	} {
		if _, err := niaga.ParseStatement(table(text)); niaga.ErrorCode(err) != niaga.CodeInvalid {
			t.Errorf("%q: %v", text, err)
		}
	}
	// Without a period in the heading a date without a year is malformed.
	st, err := niaga.ParseStatement(table("Tanggal;Keterangan;Jumlah;;Saldo\n'02/01;X;1.000,00;CR;1.000,00\n"))
	if err != nil || len(st.Lines) != 1 || st.Lines[0].Malformed != niaga.MalformedDate {
		t.Errorf("%+v %v", st, err)
	}
}

func TestParseStatementAmount(t *testing.T) {
	cases := []struct {
		in     string
		v      int64
		neg    bool
		marker string
		reason string
	}{
		{"1.234.567,00", 1_234_567, false, "", ""},
		{"1,234,567.00", 1_234_567, false, "", ""},
		{"1.234.567", 1_234_567, false, "", ""},
		{"1234567", 1_234_567, false, "", ""},
		{"2500000.00", 2_500_000, false, "", ""},
		{"Rp 10.000", 10_000, false, "", ""},
		{"Rp. 10.000,-", 10_000, false, "", ""},
		{"10.000,--", 0, false, "", niaga.MalformedAmount},
		{"IDR 10,000.00", 10_000, false, "", ""},
		{"-10.000,00", 10_000, true, "", ""},
		{"(10.000,00)", 10_000, true, "", ""},
		{"2.500.000,00 CR", 2_500_000, false, "CR", ""},
		{"10.000,00 DB", 10_000, false, "DB", ""},
		{"10.000,00DR", 10_000, false, "DB", ""},
		{"1.000,50", 0, false, "", niaga.MalformedFraction},
		{"1,5", 0, false, "", niaga.MalformedFraction},
		{"1.23.456", 0, false, "", niaga.MalformedAmount},
		{"1.234,567", 0, false, "", niaga.MalformedAmount},
		{"1,234.567,00", 0, false, "", niaga.MalformedAmount},
		{"12a", 0, false, "", niaga.MalformedAmount},
		{"", 0, false, "", niaga.MalformedAmount},
		{"CR", 0, false, "", niaga.MalformedAmount},
		{"99.999.999.999.999.999.999", 0, false, "", niaga.MalformedAmount},
		{"9.223.372.036.854.775.807", 9_223_372_036_854_775_807, false, "", ""},
		{"1\u00a0000", 1000, false, "", ""},
	}
	for _, c := range cases {
		v, neg, marker, reason := niaga.ParseStatementAmount(c.in)
		if v != c.v || neg != c.neg || marker != c.marker || reason != c.reason {
			t.Errorf("ParseStatementAmount(%q) = %d, %v, %q, %q; want %d, %v, %q, %q", c.in, v, neg, marker, reason, c.v, c.neg, c.marker, c.reason)
		}
	}
}

// FuzzParseStatement: any table is read or refused as invalid, and every
// line it reads is consistent: malformed lines have no key, booked lines
// have one, amounts are never negative.
func FuzzParseStatement(f *testing.F) {
	f.Add(bcaStatement)
	f.Add("Tanggal;Keterangan;Debet;Kredit;Saldo\n01/01/2026;X;;1.000,00;1.000,00\n")
	f.Add("Date;Description;Amount;CR/DB;Balance\n2026-02-30;X;1;CR;1\n")
	f.Fuzz(func(t *testing.T, text string) {
		st, err := niaga.ParseStatement(table(text))
		if err != nil {
			if niaga.ErrorCode(err) != niaga.CodeInvalid {
				t.Fatalf("%q: %v", text, err)
			}
			return
		}
		for _, l := range st.Lines {
			switch {
			case l.Amount < 0:
				t.Fatalf("%q: negative amount %+v", text, l)
			case l.Malformed != "" && l.Key != "":
				t.Fatalf("%q: malformed line with a key %+v", text, l)
			case l.Malformed == "" && !l.Pending && (l.Key == "" || l.Date == ""):
				t.Fatalf("%q: booked line without key or date %+v", text, l)
			}
		}
	})
}

// The example of docs/deposits.md reads as the page says.
func TestStatementDocExample(t *testing.T) {
	doc, err := os.ReadFile("docs/deposits.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(doc), "## Reconciling the bank statement")
	_, block, _ := strings.Cut(after, "```\n")
	block, _, _ = strings.Cut(block, "```")
	st, err := niaga.ParseStatement(table(block))
	if err != nil {
		t.Fatal(err)
	}
	if st.Account != "0213456789" || len(st.Lines) != 4 {
		t.Fatalf("%+v", st)
	}
	for i, l := range st.Lines[:2] {
		refs := niaga.FindPaymentReferences(l.Description)
		if !l.Credit || l.Key == "" || len(refs) != 1 || refs[0].Reason != "" || refs[0].MarketID != 1 {
			t.Errorf("credit %d: %+v %+v", i, l, refs)
		}
	}
	if l := st.Lines[2]; l.Credit || l.Amount != 10_000 || l.Date != "2026-03-03" {
		t.Errorf("debit: %+v", l)
	}
	if !st.Lines[3].Pending {
		t.Errorf("pending: %+v", st.Lines[3])
	}
}
