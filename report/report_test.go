package report_test

import (
	"testing"
	"time"

	"niaga"
	"niaga/report"
)

func TestMatrixTotals(t *testing.T) {
	auction := []report.Flow{{"18", "33", 500, 2}, {"33", "35", 300, 1}, {"18", "18", 40, 1}}
	mission := []report.Flow{{"35", "63", 1000, 4}, {"63", "35", 700, 3}, {"18", "33", 100, 1}, {"63", "35", -700, -1}}
	m := report.BuildMatrix(auction, mission)
	// Provinces in code order; the reversed 63→35 pair still appears (its count nets to 2).
	if got := m.Origins; len(got) != 4 || got[0] != "18" || got[3] != "63" {
		t.Fatalf("origins %v", got)
	}
	var total int64
	for i := range m.Origins {
		var row int64
		for j := range m.Destinations {
			row += m.Value[i][j]
		}
		if row != m.RowValue[i] {
			t.Errorf("row %s: %d, total %d", m.Origins[i], row, m.RowValue[i])
		}
		total += row
	}
	for j := range m.Destinations {
		var col int64
		for i := range m.Origins {
			col += m.Value[i][j]
		}
		if col != m.ColValue[j] {
			t.Errorf("column %s: %d, total %d", m.Destinations[j], col, m.ColValue[j])
		}
	}
	if total != 1940 || m.TotalValue != 1940 || m.TotalCount != 11 {
		t.Fatalf("total %d / %d, count %d", total, m.TotalValue, m.TotalCount)
	}
	if f := m.Flows(); f[0].From != "35" || f[0].To != "63" || f[0].Value != 1000 {
		t.Fatalf("largest flow %+v", f[0])
	}
	if e := report.BuildMatrix(); len(e.Origins) != 0 || e.TotalValue != 0 {
		t.Fatalf("empty matrix %+v", e)
	}
}

func TestDailyCandles(t *testing.T) {
	wita, _ := niaga.ProvinceByCode("63") // UTC+8
	day := func(h, m int) time.Time { return time.Date(2026, 3, 2, h, m, 0, 0, wita.Location()) }
	pts := []report.PricePoint{
		{LotID: 3, Commodity: "beras", Grade: "medium", Province: "63", At: day(10, 0), Price: 11_800, Quantity: 1000},
		{LotID: 1, Commodity: "beras", Grade: "medium", Province: "63", At: day(9, 0), Price: 11_500, Quantity: 2000},
		{LotID: 2, Commodity: "beras", Grade: "medium", Province: "63", At: day(9, 0), Price: 11_400, Quantity: 1000},
		{LotID: 4, Commodity: "beras", Grade: "medium", Province: "63", At: day(23, 30), Price: 11_700, Quantity: 1000},
		// 00:30 WITA on the 3rd is still the 2nd in UTC: a new local day.
		{LotID: 5, Commodity: "beras", Grade: "medium", Province: "63", At: day(24, 30), Price: 12_000, Quantity: 500},
		{LotID: 6, Commodity: "beras", Grade: "premium", Province: "63", At: day(9, 0), Price: 13_000, Quantity: 100},
	}
	c := report.Daily(pts)
	if len(c) != 3 {
		t.Fatalf("%d candles: %+v", len(c), c)
	}
	want := report.Candle{Commodity: "beras", Grade: "medium", Province: "63", Date: "2026-03-02", Open: 11_500, High: 11_800, Low: 11_400, Close: 11_700,
		Volume: 5000, Trades: 4, Value: 11_500*2000 + 11_400*1000 + 11_800*1000 + 11_700*1000}
	want.VWAP = want.Value / want.Volume
	if c[0] != want {
		t.Fatalf("candle\n%+v\nwant\n%+v", c[0], want)
	}
	if c[1].Date != "2026-03-03" || c[1].Open != 12_000 || c[2].Grade != "premium" {
		t.Fatalf("next candles %+v", c[1:])
	}
}

func TestProgrammeYears(t *testing.T) {
	at := func(y int) time.Time { return time.Date(y, 6, 1, 3, 0, 0, 0, time.UTC) }
	ms := []report.MissionLine{
		{ID: 1, HostProvince: "35", Opens: at(2016), Count: 10, Committed: 1000, Realized: 400},
		{ID: 2, HostProvince: "63", Opens: at(2019), Count: 5, Committed: 500, Realized: 500},
		{ID: 3, HostProvince: "16", Opens: at(2019), Count: 1, Committed: 100},
	}
	// New Year's Eve 17:30 UTC is already 1 January in WIB: the day number
	// the store computes in the market's zone decides the year.
	days := []report.DayTotal{{Day: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400, Count: 2, Value: 70}}
	p := report.BuildProgramme(ms, days)
	if p.Since != "2016-06-01" || len(p.Years) != 4 {
		t.Fatalf("since %s, %d years", p.Since, len(p.Years))
	}
	y := p.Years
	if y[1].Year != 2017 || y[1].Contracts != 2 || y[1].CumCommitted != 1000 || y[2].Missions != 0 || y[3].Committed != 600 || y[3].CumCommitted != 1600 {
		t.Fatalf("years %+v", y)
	}
	if p.Total.Committed != 1600 || p.Total.Realized != 900 || p.Total.RealizedBP != 5625 || p.Total.CumTotal != 1670 {
		t.Fatalf("total %+v", p.Total)
	}
	if p.Missions[0].ID != 3 && p.Missions[0].ID != 2 {
		t.Fatalf("newest first: %+v", p.Missions[0])
	}
}

func TestSettlementClasses(t *testing.T) {
	markets := []niaga.Market{{ID: 1, Name: "A"}, {ID: 2, Name: "B"}}
	rows := []report.SettleRow{
		{MarketID: 1, Status: "completed", Pay: report.PayOnTime, Count: 6, Value: 600, PayMicros: 6 * 24 * int64(time.Hour/time.Microsecond)},
		{MarketID: 1, Status: "completed", Pay: report.PayLate, Count: 2, Value: 200, PayMicros: 2 * 96 * int64(time.Hour/time.Microsecond)},
		{MarketID: 1, Status: "awaiting_payment", Pay: report.PayOverdue, Count: 2, Value: 200},
		{MarketID: 1, Status: "defaulted", Pay: report.PayNone, Count: 1, Value: 100},
		{MarketID: 1, Status: "awaiting_payment", Pay: report.PayDue, Count: 3, Value: 300},
		{MarketID: 9, Status: "completed", Pay: report.PayOnTime, Count: 1, Value: 1}, // not the reader's market
	}
	s := report.BuildSettlement(report.Period{}, markets, rows)
	a := s.Markets[0]
	if a.Contracts != 14 || a.OnTime != 6 || a.Late != 2 || a.Overdue != 2 || a.Due != 3 || a.Completed != 8 || a.Defaulted != 1 || a.DefaultedValue != 100 {
		t.Fatalf("market A %+v", a)
	}
	if a.OnTimeBP != 6000 || a.AvgPayHours != 42 || a.DefaultBP != 714 {
		t.Fatalf("rates: on time %d bp, %d h to pay, default %d bp", a.OnTimeBP, a.AvgPayHours, a.DefaultBP)
	}
	if len(s.Markets) != 2 || s.Markets[1].Contracts != 0 || s.Total.Contracts != 14 {
		t.Fatalf("lines %+v total %+v", s.Markets, s.Total)
	}
}

func TestParsePeriod(t *testing.T) {
	p, err := report.ParsePeriod("2026-03-01", "2026-03-31")
	if err != nil {
		t.Fatal(err)
	}
	// WIB days: from 1 March 00:00 WIB to 1 April 00:00 WIB.
	if !p.From.Equal(time.Date(2026, 2, 28, 17, 0, 0, 0, time.UTC)) || !p.To.Equal(time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC)) {
		t.Fatalf("period %v – %v", p.From, p.To)
	}
	if f, to := p.Dates(); f != "2026-03-01" || to != "2026-03-31" {
		t.Fatalf("dates %s %s", f, to)
	}
	if !p.Contains(time.Date(2026, 3, 31, 16, 59, 0, 0, time.UTC)) || p.Contains(p.To) {
		t.Fatal("bounds")
	}
	for _, bad := range [][2]string{{"2026-3-1", ""}, {"", "yesterday"}, {"2026-04-02", "2026-04-01"}} {
		if _, err := report.ParsePeriod(bad[0], bad[1]); niaga.ErrorCode(err) != niaga.CodeInvalid {
			t.Errorf("%v: %v", bad, err)
		}
	}
	if p, err := report.ParsePeriod("", ""); err != nil || !p.IsZero() {
		t.Fatalf("open period %v %v", p, err)
	}
}

func TestMissionSides(t *testing.T) {
	m := report.BuildMission(report.Mission{SideProvince: "35"}, []report.DealRow{
		{Commodity: "beras", Kind: "purchase", SellerProvince: "35", BuyerProvince: "63", Value: 100, Count: 1, Realized: 50},
		{Commodity: "beras", Kind: "purchase", SellerProvince: "63", BuyerProvince: "35", Value: 30, Count: 1},
		{Commodity: "sapi", Kind: "investment", SellerProvince: "63", BuyerProvince: "35", Value: 20, Count: 1},
		{Commodity: "gula", Kind: "contract", SellerProvince: "63", BuyerProvince: "16", Value: 5, Count: 1},
	})
	got := map[string]int64{}
	for _, g := range m.BySide {
		got[g.Key] = g.Value
	}
	if got["sell"] != 100 || got["buy"] != 30 || got["invest"] != 20 || got["other"] != 5 || m.Committed != 155 || m.RealizedBP != 3225 {
		t.Fatalf("sides %v, committed %d, realized %d bp", got, m.Committed, m.RealizedBP)
	}
}
