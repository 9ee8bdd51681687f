package demo_test

import (
	"context"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/store/storetest"
)

// TestSeedMissions checks the demo against the seed articles: participants
// per delegation, exact totals and the time of the last deal.
func TestSeedMissions(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, eng)
			start := time.Now()
			if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
				t.Fatal(err)
			}
			t.Logf("demo seeded in %v", time.Since(start))
			list, err := db.Missions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			byTitle := map[string]niaga.MissionInfo{}
			for _, m := range list {
				byTitle[m.Title] = m
			}
			check := func(title string, total int64, dels map[string]int64, last string) {
				t.Helper()
				m, ok := byTitle[title]
				if !ok {
					t.Fatalf("no mission %q", title)
				}
				s, err := db.MissionSummary(ctx, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				if s.TotalValue != total {
					t.Errorf("%s: total %s, want %s", title, niaga.FormatRupiah(s.TotalValue, "id"), niaga.FormatRupiah(total, "id"))
				}
				for p, n := range dels {
					if s.Delegations[p] != n {
						t.Errorf("%s: delegation %s has %d, want %d", title, p, s.Delegations[p], n)
					}
				}
				if got := niaga.LocalTime(s.LastDealAt, m.HostProvince, "15:04"); got != last {
					t.Errorf("%s: last deal at %s, want %s", title, got, last)
				}
			}
			check(demo.MissionKalsel, demo.KalselTotal, map[string]int64{"35": 72, "63": 100}, "18:30 WITA")
			check(demo.MissionSumsel, demo.SumselTotal, map[string]int64{"35": 46, "16": 115}, "18:47 WIB")
			if m := byTitle[demo.MissionToday]; m.Status != niaga.MissionOpen || m.DealCount == 0 {
				t.Errorf("today's mission: %+v", m)
			}
		})
	}
}
