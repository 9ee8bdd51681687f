package store_test

import (
	"bytes"
	"context"
	"math"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/report"
	"niaga/report/export"
	"niaga/store"
	"niaga/store/storetest"
)

// readEverything reads every mission figure and report, building each
// report's document in every format; it fails on any error.
func readEverything(t *testing.T, db *store.DB, what string) (report.Programme, report.Commodities, report.Flows) {
	t.Helper()
	ctx := context.Background()
	com := map[string]niaga.Commodity{}
	for _, c := range niaga.SeedCommodities {
		com[c.Code] = c
	}
	o := export.Options{Lang: "id", Commodities: com, Now: time.Now(), L: func(key string, args ...any) string { return key }}
	write := func(d *export.Document) {
		t.Helper()
		for _, f := range []string{"csv", "xlsx", "pdf"} {
			for _, tb := range d.Tables {
				if err := export.Write(&bytes.Buffer{}, d, f, tb.Name); err != nil {
					t.Fatalf("%s: %s %s: %v", what, d.Title, f, err)
				}
			}
		}
	}
	missions, err := db.Missions(ctx)
	if err != nil {
		t.Fatalf("%s: missions: %v", what, err)
	}
	for _, m := range missions {
		if _, err := db.MissionSummary(ctx, m.ID); err != nil {
			t.Fatalf("%s: summary of %d: %v", what, m.ID, err)
		}
		if _, err := db.FollowUp(ctx, &niaga.Actor{Role: niaga.RoleAdmin}, m.ID); err != nil {
			t.Fatalf("%s: follow-up of %d: %v", what, m.ID, err)
		}
		r, err := db.MissionReport(ctx, m.ID)
		if err != nil {
			t.Fatalf("%s: report of %d: %v", what, m.ID, err)
		}
		write(export.MissionDoc(r, o))
	}
	if _, err := db.MissionHistory(ctx, ""); err != nil {
		t.Fatalf("%s: history: %v", what, err)
	}
	p, err := db.ProgrammeReport(ctx)
	if err != nil {
		t.Fatalf("%s: programme: %v", what, err)
	}
	write(export.ProgrammeDoc(p, o))
	c, err := db.CommodityReport(ctx, report.Period{})
	if err != nil {
		t.Fatalf("%s: commodities: %v", what, err)
	}
	write(export.CommoditiesDoc(c, o))
	f, err := db.FlowReport(ctx, report.Period{})
	if err != nil {
		t.Fatalf("%s: flows: %v", what, err)
	}
	for _, src := range []string{"auction", "mission", "all"} {
		write(export.FlowsDoc(f, src, o))
	}
	return p, c, f
}

// TestReportSumsCannotOverflow stores what the input bounds keep out of a
// mission's net figures but not out of its ledger: a party's deals at the
// maximum recorded and reversed ten thousand times (the ledger's gross sum
// passes the int64 range although the net is zero), then missions whose
// totals together pass it (as data kept from before the bounds). Every
// read and report succeeds on both engines, exact where the result fits
// int64 and saturated where it cannot.
func TestReportSumsCannotOverflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
			t.Fatal(err)
		}
		p0, c0, f0 := readEverything(t, db, "demo")
		var mission int64
		missions, err := db.Missions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range missions {
			if m.Title == demo.MissionToday {
				mission = m.ID
			}
		}
		// 10 000 entries of +MaxDealValue, then their 10 000 reversals: in
		// id order the partial sums reach 10^19.
		const n = 10_000
		churn := `INSERT INTO deals (mission_id, seller_id, buyer_id, seller_province, buyer_province, commodity, kind, quantity, value, note,
			reverses, reason, validation, validated_by, validated_at, recorded_by, recorded_org, recorded_at)
			SELECT d.mission_id, d.seller_id, d.buyer_id, d.seller_province, d.buyer_province, d.commodity, d.kind, $1, $2, '',
			NULL, '', 'pending', 0, 0, d.recorded_by, d.recorded_org, d.recorded_at
			FROM deals d, (WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $3) SELECT i FROM k) k
			WHERE d.id = (SELECT MIN(id) FROM deals WHERE mission_id = $4)`
		if err := db.ExecForTest(ctx, churn, niaga.MaxQuantity, niaga.MaxDealValue, n, mission); err != nil {
			t.Fatal(err)
		}
		reverse := `INSERT INTO deals (mission_id, seller_id, buyer_id, seller_province, buyer_province, commodity, kind, quantity, value, note,
			reverses, reason, validation, validated_by, validated_at, recorded_by, recorded_org, recorded_at)
			SELECT mission_id, seller_id, buyer_id, seller_province, buyer_province, commodity, kind, -quantity, -value, '',
			id, 'churn', 'pending', 0, 0, recorded_by, recorded_org, recorded_at FROM deals WHERE mission_id = $1 AND value = $2 AND reverses IS NULL`
		if err := db.ExecForTest(ctx, reverse, mission, niaga.MaxDealValue); err != nil {
			t.Fatal(err)
		}
		p1, c1, f1 := readEverything(t, db, "after churn")
		if p1.Total.Committed != p0.Total.Committed || c1.Total.MissionValue != c0.Total.MissionValue || f1.Mission.TotalValue != f0.Mission.TotalValue {
			t.Fatalf("net totals moved: programme %d → %d, commodities %d → %d, flows %d → %d",
				p0.Total.Committed, p1.Total.Committed, c0.Total.MissionValue, c1.Total.MissionValue, f0.Mission.TotalValue, f1.Mission.TotalValue)
		}
		// Two missions of 6 × 10^18 each (kept from before the bounds): the
		// programme's total cannot be an int64 and saturates, never wraps.
		for _, m := range missions[:2] {
			if err := db.ExecForTest(ctx, `UPDATE deals SET value = $1 WHERE id = (SELECT MIN(id) FROM deals WHERE mission_id = $2 AND reverses IS NULL)`,
				int64(6_000_000_000_000_000_000), m.ID); err != nil {
				t.Fatal(err)
			}
		}
		p2, c2, f2 := readEverything(t, db, "past int64")
		if p2.Total.Committed != math.MaxInt64 || c2.Total.MissionValue != math.MaxInt64 || f2.Mission.TotalValue != math.MaxInt64 {
			t.Fatalf("totals past int64: programme %d, commodities %d, flows %d; want them saturated at %d",
				p2.Total.Committed, c2.Total.MissionValue, f2.Mission.TotalValue, int64(math.MaxInt64))
		}
	})
}
