package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

func ref(t *testing.T, market, org int64) string {
	t.Helper()
	r, ok := niaga.PaymentReference(market, org)
	if !ok {
		t.Fatalf("no reference for %d, %d", market, org)
	}
	return r
}

// parse reads a semicolon-separated statement without quotes.
func parse(t *testing.T, text string) niaga.Statement {
	t.Helper()
	var table [][]string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		table = append(table, strings.Split(line, ";"))
	}
	st, err := niaga.ParseStatement(table)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPaymentInstructions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 1, 0, 0)
		other := newMarket(t, db, 0, 0, 0)
		pay := niaga.PaymentInstructions{Bank: " BCA KCU Tanjung Karang ", AccountNumber: "012-345-6789", AccountHolder: "Koperasi Pasar Lelang"}
		for _, who := range []*niaga.Actor{m.buyers[0], m.seller, other.organizer} {
			if _, err := db.SetPaymentInstructions(ctx, who, m.market.ID, pay); code(err) != niaga.CodeForbidden {
				t.Fatalf("%+v sets payment instructions: %v", who, err)
			}
		}
		for _, bad := range []niaga.PaymentInstructions{
			{Bank: "BCA", AccountNumber: "12ab5678", AccountHolder: "K"},
			{Bank: "BCA", AccountNumber: "1234", AccountHolder: "K"},
			{Bank: "", AccountNumber: "12345678", AccountHolder: "K"},
			{Bank: "BCA", AccountNumber: "12345678"},
		} {
			if _, err := db.SetPaymentInstructions(ctx, m.organizer, m.market.ID, bad); code(err) != niaga.CodeInvalid {
				t.Fatalf("%+v: %v", bad, err)
			}
		}
		got, err := db.SetPaymentInstructions(ctx, m.organizer, m.market.ID, pay)
		if err != nil || got.Payment != (niaga.PaymentInstructions{Bank: "BCA KCU Tanjung Karang", AccountNumber: "012-345-6789", AccountHolder: "Koperasi Pasar Lelang"}) {
			t.Fatalf("%+v %v", got.Payment, err)
		}
		if read, _ := db.Market(ctx, m.market.ID); read.Payment != got.Payment {
			t.Fatalf("read back %+v", read.Payment)
		}
		if got, err := db.SetPaymentInstructions(ctx, m.organizer, m.market.ID, niaga.PaymentInstructions{}); err != nil || got.Payment.Set() {
			t.Fatalf("cleared: %+v %v", got.Payment, err)
		}
	})
}

// TestReconcileStatement imports a bank statement with every kind of line:
// two credits matched by reference (one typed with spaces), credits without
// a reference, with a typo, of another market, of an unknown and of a
// non-business organization, over the limit, naming two buyers; a debit, a
// line repeated, a malformed and a pending line. The dry run changes
// nothing; the import credits the two matched lines, which lets a refused
// bid through; a re-import credits nothing.
func TestReconcileStatement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 2, 0, 0)
		b0, b1 := m.buyers[0], m.buyers[1]
		mk := m.market.ID
		if _, err := db.SetPaymentInstructions(ctx, m.organizer, mk, niaga.PaymentInstructions{Bank: "BCA", AccountNumber: "0123456789", AccountHolder: "Koperasi"}); err != nil {
			t.Fatal(err)
		}
		second, err := db.CreateMarket(ctx, m.organizer, store.MarketInput{Name: "PL Kedua", Province: "18", DepositRatioBps: 500, Mechanisms: []string{"english"}})
		if err != nil {
			t.Fatal(err)
		}
		lot := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 10000, Increment: 100, Quantity: 1000}) // guarantee Rp 1 000 000

		// Before paying in: the lot says what is missing, and a bid is
		// refused with the reference and where to pay.
		ld, err := db.LotDeposit(ctx, b0, lot)
		if err != nil || ld == nil || ld.HasAccount || ld.Missing != 1_000_000 || ld.PaymentReference != ref(t, mk, b0.OrgID) {
			t.Fatalf("standing before paying: %+v %v", ld, err)
		}
		if ld, _ := db.LotDeposit(ctx, m.seller, lot); ld != nil {
			t.Fatalf("the seller gets a standing: %+v", ld)
		}
		_, err = db.PlaceBid(ctx, store.BidRequest{Actor: b0, LotID: lot.ID, In: niaga.BidInput{Price: 10000}})
		var short *store.DepositShortfall
		if !errors.As(err, &short) || code(err) != niaga.CodeInsufficientDeposit {
			t.Fatalf("bid without deposit: %v", err)
		}
		if missing, r, pay := short.Shortfall(); missing != 1_000_000 || r != ref(t, mk, b0.OrgID) || pay.AccountNumber != "0123456789" {
			t.Fatalf("shortfall %d %q %+v", missing, r, pay)
		}

		typo := []byte(ref(t, mk, b1.OrgID))
		typo[9] = '0' + (typo[9]-'0'+1)%10
		spaced := niaga.FormatPaymentReference(ref(t, mk, b1.OrgID))
		text := fmt.Sprintf(`No. rekening : ;0123456789
Periode : ;01/03/2026 - 31/03/2026
Tanggal Transaksi;Keterangan;Cabang;Jumlah;;Saldo
'02/03;TRSF E-BANKING CR 0203/FTSCY/WS95031 %[1]s UD PEMBELI;'0998;1.000.000,00;CR;11.000.000,00
'02/03;SETORAN TUNAI %[2]s;'0123;250.000,00;CR;11.250.000,00
'03/03;TRSF CR TANPA BERITA;'0998;500.000,00;CR;11.750.000,00
'03/03;TRSF CR %[3]s;'0998;500.000,00;CR;12.250.000,00
'04/03;TRSF CR %[4]s;'0998;700.000,00;CR;12.950.000,00
'04/03;TRSF CR %[5]s;'0998;700.000,00;CR;13.650.000,00
'04/03;TRSF CR %[6]s;'0998;700.000,00;CR;14.350.000,00
'05/03;TRSF CR %[7]s;'0998;2.000.000.000.000.000,00;CR;2.000.000.014.350.000,00
'05/03;BIAYA ADM;'0000;10.000,00;DB;2.000.000.014.340.000,00
'05/03;SETORAN %[1]s %[7]s;'0998;1.000,00;CR;2.000.000.014.341.000,00
'02/03;TRSF E-BANKING CR 0203/FTSCY/WS95031 %[1]s UD PEMBELI;'0998;1.000.000,00;CR;11.000.000,00
'31/02;TRSF CR %[1]s;'0998;1.000,00;CR;2.000.000.014.341.000,00
PEND;TRSF CR %[1]s;'0998;9.000.000,00;CR;2.000.000.023.341.000,00
Saldo Awal;:;10.000.000,00
`, ref(t, mk, b0.OrgID), spaced, string(typo), ref(t, second.ID, b0.OrgID), ref(t, mk, 99_999_999), ref(t, mk, m.organizer.OrgID), ref(t, mk, b1.OrgID))
		st := parse(t, text)
		want := []struct{ status, reason string }{
			{store.LineCredit, ""},
			{store.LineCredit, ""},
			{store.LineUnmatched, store.ReasonNoReference},
			{store.LineUnmatched, store.ReasonCheckDigits},
			{store.LineUnmatched, store.ReasonOtherMarket},
			{store.LineUnmatched, store.ReasonUnknownOrg},
			{store.LineUnmatched, store.ReasonNotBusiness},
			{store.LineUnmatched, store.ReasonAmountRange},
			{store.LineIgnored, store.ReasonDebit},
			{store.LineUnmatched, store.ReasonSeveralRefs},
			{store.LineDuplicate, ""},
			{store.LineMalformed, niaga.MalformedDate},
			{store.LineIgnored, store.ReasonPending},
		}
		check := func(res store.Reconciliation, credited string) {
			t.Helper()
			if len(res.Lines) != len(want) {
				t.Fatalf("%d lines: %+v", len(res.Lines), res.Lines)
			}
			for i, w := range want {
				l := res.Lines[i]
				status := w.status
				if status == store.LineCredit {
					status = credited
				}
				if l.Status != status || l.Reason != w.reason {
					t.Errorf("line %d (row %d): %s %s, want %s %s: %+v", i, l.Row, l.Status, l.Reason, status, w.reason, l)
				}
			}
		}
		balances := func() map[int64]int64 {
			accts, err := db.DepositAccounts(ctx, m.organizer, mk, 0)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]int64{}
			for _, a := range accts {
				out[a.OrgID] = a.Balance
			}
			return out
		}

		// Only the market's organizer (and an admin) imports.
		for _, who := range []*niaga.Actor{b0, m.seller, newMarket(t, db, 0, 0, 0).organizer} {
			if _, err := db.ReconcileStatement(ctx, who, mk, st, true); code(err) != niaga.CodeForbidden {
				t.Fatalf("%+v imports: %v", who, err)
			}
		}
		// The dry run tells what would happen and changes nothing.
		admin := &niaga.Actor{UserID: 1, OrgID: m.organizer.OrgID, Role: niaga.RoleAdmin}
		dry, err := db.ReconcileStatement(ctx, admin, mk, st, true)
		if err != nil {
			t.Fatal(err)
		}
		check(dry, store.LineCredit)
		if dry.Credited != 1_250_000 || dry.Counts[store.LineCredit] != 2 || dry.Counts[store.LineUnmatched] != 7 || dry.Lines[0].OrgName != "Pembeli 0" || dry.Lines[0].EntryID != 0 {
			t.Fatalf("dry run %+v", dry)
		}
		if len(balances()) != 0 {
			t.Fatalf("the dry run credited: %v", balances())
		}

		res, err := db.ReconcileStatement(ctx, m.organizer, mk, st, false)
		if err != nil {
			t.Fatal(err)
		}
		check(res, store.LineCredit)
		if res.Credited != 1_250_000 || res.Lines[0].EntryID == 0 || res.Lines[1].OrgID != b1.OrgID {
			t.Fatalf("import %+v", res)
		}
		if b := balances(); b[b0.OrgID] != 1_000_000 || b[b1.OrgID] != 250_000 || len(b) != 2 {
			t.Fatalf("balances after the import %v", b)
		}
		// The credit shows in the lot's standing and lets the bid through.
		if ld, _ := db.LotDeposit(ctx, b0, lot); !ld.HasAccount || ld.Missing != 0 || ld.Free != 1_000_000 || ld.Available != 1_000_000 {
			t.Fatalf("standing after paying: %+v", ld)
		}
		if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: b0, LotID: lot.ID, In: niaga.BidInput{Price: 10000}}); err != nil {
			t.Fatalf("bid after paying in: %v", err)
		}
		if ld, _ := db.LotDeposit(ctx, b1, lot); ld.Missing != 750_000 || ld.Free != 250_000 {
			t.Fatalf("b1's standing: %+v", ld)
		}

		// Imported again: nothing more is credited.
		again, err := db.ReconcileStatement(ctx, m.organizer, mk, st, false)
		if err != nil {
			t.Fatal(err)
		}
		check(again, store.LineAlready)
		if again.Credited != 0 || again.Lines[0].EntryID != res.Lines[0].EntryID {
			t.Fatalf("re-import %+v", again)
		}
		if b := balances(); b[b0.OrgID] != 1_000_000 || b[b1.OrgID] != 250_000 {
			t.Fatalf("balances after the re-import %v", b)
		}

		// A statement of another account is refused.
		if _, err := db.ReconcileStatement(ctx, m.organizer, mk, parse(t, strings.Replace(text, "0123456789", "9876543210", 1)), true); code(err) != niaga.CodeInvalid {
			t.Fatalf("another account's statement: %v", err)
		}
	})
}
