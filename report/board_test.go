package report_test

import (
	"testing"

	"niaga/report"
)

func TestPriceBoardSeries(t *testing.T) {
	cs := []report.Candle{
		{Commodity: "beras", Grade: "medium", Province: "JT", Date: "2026-11-01", Close: 100, Trades: 1},
		{Commodity: "beras", Grade: "medium", Province: "JT", Date: "2026-11-02", Close: 110, Trades: 2},
		{Commodity: "beras", Grade: "medium", Province: "JI", Date: "2026-11-02", Close: 105, Trades: 2},
		{Commodity: "kopi", Grade: "A", Province: "JT", Date: "2026-11-02", Close: 900, Trades: 4},
	}
	ss := report.Series(cs)
	if len(ss) != 3 {
		t.Fatalf("%d series, want 3", len(ss))
	}
	if l, p, n := ss[0].Latest().Close, ss[0].PreviousClose(), ss[0].Trades(); l != 110 || p != 100 || n != 3 {
		t.Errorf("beras JT: latest %d previous %d trades %d, want 110 100 3", l, p, n)
	}
	if p := ss[1].PreviousClose(); p != 0 {
		t.Errorf("a one-day series has previous close %d, want 0", p)
	}
	// beras|medium trades 5 over two provinces, kopi|A 4: the default is beras.
	if c, g := report.ChartSeries(ss, ""); c != "beras" || g != "medium" {
		t.Errorf("default chart %s|%s, want beras|medium", c, g)
	}
	if c, g := report.ChartSeries(ss, "kopi|A"); c != "kopi" || g != "A" {
		t.Errorf("asked chart %s|%s, want kopi|A", c, g)
	}
	if c, _ := report.ChartSeries(ss, "teh|B"); c != "beras" {
		t.Errorf("an untraded series asked: chart %s, want the most traded", c)
	}
	// Ties go to the first series given.
	tie := []report.PriceSeries{ss[2], {Commodity: "gula", Grade: "X", Province: "JT", Candles: []report.Candle{{Trades: 4}}}}
	if c, _ := report.ChartSeries(tie, ""); c != "kopi" {
		t.Errorf("tie: chart %s, want kopi (first given)", c)
	}
}
