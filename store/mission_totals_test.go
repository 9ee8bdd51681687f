package store_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/internal/datagen"
	"niaga/store"
	"niaga/store/storetest"
)

// checkMissionTotals fails unless every mission's running totals (the
// deal_total and deal_count columns) equal the SUM over its ledger.
func checkMissionTotals(t *testing.T, db *store.DB, what string) map[int64]store.MissionLedgerTotals {
	t.Helper()
	all, err := db.MissionLedgerTotalsForTest(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for id, m := range all {
		if m.RowValue != m.LedgerValue || m.RowCount != m.LedgerCount {
			t.Fatalf("%s: mission %d row totals %d/%d, ledger %d/%d", what, id, m.RowValue, m.RowCount, m.LedgerValue, m.LedgerCount)
		}
	}
	return all
}

// dealEvents reads a mission's "deal" events in order.
func dealEvents(t *testing.T, db *store.DB, missionID int64) []store.DealEvent {
	t.Helper()
	evs, err := db.EventsAfter(context.Background(), store.MissionTopic(missionID), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.DealEvent
	for _, e := range evs {
		if e.Kind != "deal" {
			continue
		}
		var de store.DealEvent
		if err := json.Unmarshal(e.Data, &de); err != nil {
			t.Fatal(err)
		}
		out = append(out, de)
	}
	return out
}

// checkEventTotals fails unless every deal event carries the running totals
// of the entries published up to and including it.
func checkEventTotals(t *testing.T, evs []store.DealEvent, wantN int) {
	t.Helper()
	if len(evs) != wantN {
		t.Fatalf("%d deal events, want %d", len(evs), wantN)
	}
	var total, count int64
	for i, e := range evs {
		total += e.Deal.Value
		if e.Deal.Reverses == 0 {
			count++
		} else {
			count--
		}
		if e.TotalValue != total || e.Count != count {
			t.Fatalf("event %d (deal %d): totals %d/%d, want %d/%d", i, e.Deal.ID, e.TotalValue, e.Count, total, count)
		}
	}
}

// TestMissionDealTotals records deals, retries and reversals (one by one
// and concurrently) and checks that the mission row's running totals equal
// the ledger's SUM after every step, that the list and info endpoints and
// the board agree, and that every deal event carries the right totals.
func TestMissionDealTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		if m := checkMissionTotals(t, db, "new mission")[w.mission.ID]; m.RowValue != 0 || m.RowCount != 0 {
			t.Fatalf("new mission totals %+v", m)
		}
		w.open()
		d1 := w.deal(w.biz["jatim1"], "jatim1", "kalsel1", "beras", 100_000, 1_190_000_000)
		checkMissionTotals(t, db, "first deal")
		d2 := w.deal(w.agency, "kalsel2", "jatim2", "karet", 50_000, 1_000_000_000)
		d3 := w.deal(w.agency, "jatim2", "kalsel1", "gula", 20_000, 300_000_000)
		checkMissionTotals(t, db, "three deals")
		in := niaga.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel2"].ID, Commodity: "beras", Kind: niaga.DealContract,
			Quantity: 10, Value: 7_000_000, IdempotencyKey: "totals-1"}
		d4, _, err := db.RecordDeal(ctx, w.agency, w.mission.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		// A replayed retry writes nothing and changes no total.
		if again, replayed, err := db.RecordDeal(ctx, w.agency, w.mission.ID, in); err != nil || !replayed || again.ID != d4.ID {
			t.Fatal(again, replayed, err)
		}
		// A refused deal changes no total.
		_, _, err = db.RecordDeal(ctx, w.agency, w.mission.ID, niaga.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID,
			Commodity: "tidak-ada", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		if err == nil {
			t.Fatal("deal of an unknown commodity recorded")
		}
		m := checkMissionTotals(t, db, "retry")[w.mission.ID]
		if m.RowValue != d1.Value+d2.Value+d3.Value+d4.Value || m.RowCount != 4 {
			t.Fatalf("totals %+v after 4 deals", m)
		}
		if _, err := db.ReverseDeal(ctx, w.agency, d3.ID, "nilai salah input"); err != nil {
			t.Fatal(err)
		}
		m = checkMissionTotals(t, db, "reversal")[w.mission.ID]
		if m.RowValue != d1.Value+d2.Value+d4.Value || m.RowCount != 3 {
			t.Fatalf("totals %+v after a reversal", m)
		}
		// A refused reversal changes no total.
		if _, err := db.ReverseDeal(ctx, w.agency, d3.ID, "lagi"); err == nil {
			t.Fatal("deal reversed twice")
		}
		checkMissionTotals(t, db, "second reversal")

		// Concurrent deals and reversals serialize on the mission row.
		const workers, each = 4, 6
		var wg sync.WaitGroup
		errs := make(chan error, workers*each*2)
		for g := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range each {
					d, _, err := db.RecordDeal(ctx, w.agency, w.mission.ID, niaga.NewDeal{SellerID: w.part["kalsel1"].ID, BuyerID: w.part["jatim1"].ID,
						Commodity: "karet", Kind: niaga.DealPurchase, Quantity: 100, Value: int64(1_000_000 * (g*each + k + 1))})
					if err != nil {
						errs <- err
						continue
					}
					if k%3 == 2 {
						if _, err := db.ReverseDeal(ctx, w.agency, d.ID, "batal"); err != nil {
							errs <- err
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		m = checkMissionTotals(t, db, "concurrent deals")[w.mission.ID]
		const reversed = workers * each / 3
		if m.RowCount != 3+workers*each-reversed {
			t.Fatalf("count %d after the concurrent deals", m.RowCount)
		}
		// 4 deals, 1 reversal; then workers*each deals and their reversals.
		checkEventTotals(t, dealEvents(t, db, w.mission.ID), 5+workers*each+reversed)

		// What the lists, the info and the board show agrees with the ledger.
		mi, err := db.MissionInfo(ctx, w.mission.ID)
		if err != nil || mi.TotalValue != m.LedgerValue || mi.DealCount != m.LedgerCount {
			t.Fatalf("info %d/%d, want %d/%d: %v", mi.TotalValue, mi.DealCount, m.LedgerValue, m.LedgerCount, err)
		}
		list, err := db.Missions(ctx)
		if err != nil || len(list) != 1 || list[0].TotalValue != m.LedgerValue || list[0].DealCount != m.LedgerCount {
			t.Fatalf("list %+v: %v", list, err)
		}
		s, err := db.MissionSummary(ctx, w.mission.ID)
		if err != nil || s.TotalValue != m.LedgerValue || s.Count != m.LedgerCount {
			t.Fatalf("summary %d/%d: %v", s.TotalValue, s.Count, err)
		}
	})
}

// TestMissionTotalsArchiveAndGenerated checks the other writers of the
// ledger: the archive import (the demo data) and the report data generator.
func TestMissionTotalsArchiveAndGenerated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		data, err := demo.Seed(ctx, db, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		all := checkMissionTotals(t, db, "demo archives")
		var withDeals int
		for _, m := range all {
			if m.RowCount > 0 {
				withDeals++
			}
		}
		if withDeals == 0 {
			t.Fatal("the demo has no mission with deals")
		}
		u := data.Users[demo.Admin]
		admin := &niaga.Actor{UserID: u.ID, OrgID: u.OrgID, Role: niaga.RoleAdmin}
		st, err := datagen.Generate(ctx, db, admin, datagen.Spec{Bids: 10, Deals: 2000, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		after := checkMissionTotals(t, db, "generated history")
		if len(after) != len(all)+st.Missions {
			t.Fatalf("%d missions after generating %d, had %d", len(after), st.Missions, len(all))
		}
	})
}

// TestMigrateMissionTotals takes a database with deals and reversals back
// to before migration 00005 (its Down drops the columns), then up again:
// the backfill must give every mission its ledger's totals, and recording
// goes on from them.
func TestMigrateMissionTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
			t.Fatal(err)
		}
		w := newTrip(t, db)
		w.open()
		w.deal(w.agency, "jatim1", "kalsel1", "beras", 100_000, 1_190_000_000)
		d := w.deal(w.agency, "kalsel2", "jatim2", "karet", 50_000, 1_000_000_000)
		w.deal(w.agency, "jatim2", "kalsel1", "gula", 20_000, 300_000_000)
		if _, err := db.ReverseDeal(ctx, w.agency, d.ID, "salah"); err != nil {
			t.Fatal(err)
		}
		want := checkMissionTotals(t, db, "before")

		if err := db.MigrateDownToForTest(ctx, 4); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MissionLedgerTotalsForTest(ctx); err == nil {
			t.Fatal("the columns are still there after 00005's Down")
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got := checkMissionTotals(t, db, "backfilled")
		if len(got) != len(want) {
			t.Fatalf("%d missions after the migration, %d before", len(got), len(want))
		}
		for id, m := range want {
			if got[id] != m {
				t.Fatalf("mission %d: backfilled %+v, want %+v", id, got[id], m)
			}
		}
		if m := got[w.mission.ID]; m.RowValue != 1_190_000_000+300_000_000 || m.RowCount != 2 {
			t.Fatalf("backfilled trip mission %+v", m)
		}
		w.deal(w.agency, "jatim1", "kalsel2", "beras", 1_000, 5_000_000)
		if m := checkMissionTotals(t, db, "after")[w.mission.ID]; m.RowValue != 1_190_000_000+300_000_000+5_000_000 || m.RowCount != 3 {
			t.Fatalf("trip mission after a new deal %+v", m)
		}
	})
}
