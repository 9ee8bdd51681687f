package store_test

import (
	"testing"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

// Bids that arrive together are one commit group; english bids on one lot
// are applied lowest maximum first, ties in arrival order, so none is
// refused because a higher one overtook it. Sealed bids keep arrival order:
// the later of two is the revision.
func TestBatchOrdersEnglishBids(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db, 4, 1_000_000, 0)
		lot := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 10})
		sealed := m.lot(t, store.LotInput{Mechanism: "sealed_first", Reserve: 1000, Quantity: 10})
		b := m.buyers
		if c := bidMax(t, db, b[0], lot.ID, 1000); c != "" {
			t.Fatal(c)
		}
		if c := bidMax(t, db, b[0], sealed.ID, 0); c == "" {
			t.Fatal("a sealed bid without a price was accepted")
		}
		res, errs := db.PlaceBidsTogetherForTest([]store.BidRequest{
			{Actor: b[1], LotID: lot.ID, In: niaga.BidInput{MaxPrice: 5000}},
			{Actor: b[3], LotID: sealed.ID, In: niaga.BidInput{Price: 2000}},
			{Actor: b[2], LotID: lot.ID, In: niaga.BidInput{MaxPrice: 3000}},
			{Actor: b[3], LotID: sealed.ID, In: niaga.BidInput{Price: 1500}},
			{Actor: b[3], LotID: lot.ID, In: niaga.BidInput{MaxPrice: 3000}},
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("bid %d refused: %v", i, err)
			}
		}
		if r := res[0]; !r.Leading || r.Price != 3050 {
			t.Errorf("highest maximum: leading %v at %d, want leading at 3 050", r.Leading, r.Price)
		}
		// Each answer is the lot right after that bid: b2 led until b1's
		// bid, and kept the lead on b3's equal maximum (the earlier bid).
		if !res[2].Leading || res[4].Leading || res[4].Price != 3000 {
			t.Errorf("equal maxima: %+v %+v", res[2], res[4])
		}
		bids, err := db.BidsForReplay(t.Context(), lot.ID)
		if err != nil {
			t.Fatal(err)
		}
		var order []int64
		for _, x := range bids {
			order = append(order, x.BidderOrg)
		}
		want := []int64{b[0].OrgID, b[2].OrgID, b[3].OrgID, b[1].OrgID}
		if len(order) != len(want) {
			t.Fatalf("bidders in commit order %v, want %v", order, want)
		}
		for i := range want {
			if order[i] != want[i] {
				t.Fatalf("bidders in commit order %v, want %v", order, want)
			}
		}
		sb, err := db.BidsForReplay(t.Context(), sealed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sb) != 2 || sb[0].Price != 2000 || sb[1].Price != 1500 {
			t.Fatalf("sealed bids out of arrival order: %+v", sb)
		}
	})
}
